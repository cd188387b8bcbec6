-- The search index is rewritten only when a searched column changes. An UPDATE that names
-- api_email fired the trigger even when the value stayed the same, and every submission names
-- it: a seller retyping a password rewrote the seller's search entry, a new index segment each
-- time.
DROP TRIGGER sellers_search_update;

CREATE TRIGGER sellers_search_update
AFTER UPDATE OF store_name, contact_name, login_email, api_email ON sellers
WHEN OLD.store_name IS NOT NEW.store_name OR OLD.contact_name IS NOT NEW.contact_name
    OR OLD.login_email IS NOT NEW.login_email OR OLD.api_email IS NOT NEW.api_email
BEGIN
    INSERT INTO sellers_search (sellers_search, rowid, store_name, contact_name, login_email,
        api_email)
    VALUES ('delete', OLD.id, OLD.store_name, OLD.contact_name, OLD.login_email, OLD.api_email);
    INSERT INTO sellers_search (rowid, store_name, contact_name, login_email, api_email)
    VALUES (NEW.id, NEW.store_name, NEW.contact_name, NEW.login_email, NEW.api_email);
END;
