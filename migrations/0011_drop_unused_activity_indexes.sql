-- The first migration's activity indexes over every seller, archived ones included, served a
-- listing the review queue replaced; the queue reads the partial indexes of live and archived
-- sellers instead (0003). Each seller update that moves a status or the last activity still
-- rewrote both: two index writes of the eight a credentials submission makes in sellers
-- (docs/benchmark.md).
DROP INDEX sellers_activity;
DROP INDEX sellers_status_activity;
