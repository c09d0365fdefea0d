-- Duplicate customers: finding them, and merging one into another.
--
-- A merged customer is tombstoned with `merged_into` naming the survivor;
-- the store follows it when a record arrives (by sync, or an old form)
-- still pointing at the merged id. It is a synced field like any other.
ALTER TABLE customers ADD COLUMN merged_into TEXT;

-- Each live customer's match keys ('name:…', 'domain:…', 'phone:…', see
-- workbench.domain.duplicates), made by wb_match_keys() and kept in step by
-- triggers. Two customers sharing a key are a candidate pair.
CREATE TABLE customer_keys (
    key TEXT NOT NULL,
    customer_id TEXT NOT NULL
);
CREATE INDEX customer_keys_key ON customer_keys (key, customer_id);
CREATE INDEX customer_keys_customer ON customer_keys (customer_id);

CREATE VIEW customer_keys_source AS
SELECT k.value AS key, c.id AS customer_id
FROM customers c, json_each(wb_match_keys(c.name, c.email, c.phone)) k
WHERE c.deleted = 0;

INSERT INTO customer_keys (key, customer_id) SELECT key, customer_id FROM customer_keys_source;

CREATE TRIGGER customer_keys_added AFTER INSERT ON customers BEGIN
    INSERT INTO customer_keys (key, customer_id)
    SELECT key, customer_id FROM customer_keys_source WHERE customer_id = new.id;
END;

CREATE TRIGGER customer_keys_changed AFTER UPDATE OF name, email, phone, deleted ON customers
BEGIN
    DELETE FROM customer_keys WHERE customer_id = old.id;
    INSERT INTO customer_keys (key, customer_id)
    SELECT key, customer_id FROM customer_keys_source WHERE customer_id = new.id;
END;

-- Pairs a rep said are not the same customer: kept on this device only.
CREATE TABLE duplicate_dismissals (
    first_id TEXT NOT NULL,   -- the smaller id of the pair
    second_id TEXT NOT NULL,
    PRIMARY KEY (first_id, second_id)
) WITHOUT ROWID;
