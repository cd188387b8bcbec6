-- The queue, its CSV export and the seller pages show each seller's latest check outcome. With
-- the outcome in the index, that lookup reads the index alone instead of the check's row, whose
-- report makes the checks table the largest in the file: exporting 100,000 sellers read a
-- table page per seller (docs/benchmark.md). The new index starts like checks_seller, which it
-- replaces.
CREATE INDEX checks_seller_outcome ON checks (seller_id, id DESC, outcome);
DROP INDEX checks_seller;
