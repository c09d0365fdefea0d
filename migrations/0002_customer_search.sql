-- Full-text search over customers: name, tags, phone, e-mail, address, and
-- their contacts' names, phones and e-mails. One row per live customer, keyed
-- by the customer's rowid. The text is folded by wb_fold() (workbench.domain.
-- search.fold, registered on every connection the store opens): CJK
-- characters become tokens of their own and phones are indexed as digits too.
CREATE VIRTUAL TABLE customer_search USING fts5(
    body,
    tokenize = 'unicode61 remove_diacritics 2',
    prefix = '2 3'
);

-- What each live customer's row in the index holds.
CREATE VIEW customer_search_source AS
SELECT c.rowid AS rowid,
       wb_fold(
           coalesce(c.name, '') || ' ' || coalesce(c.tags, '') || ' ' ||
           coalesce(c.phone, '') || ' ' || coalesce(c.email, '') || ' ' ||
           coalesce(c.address, '') || ' ' ||
           coalesce((SELECT group_concat(coalesce(k.name, '') || ' ' || coalesce(k.phone, '')
                                         || ' ' || coalesce(k.email, ''), ' ')
                     FROM contacts k WHERE k.customer_id = c.id AND k.deleted = 0), '')
       ) AS body
FROM customers c
WHERE c.deleted = 0;

INSERT INTO customer_search (rowid, body) SELECT rowid, body FROM customer_search_source;

-- Kept in step by triggers, so every writer (forms, imports, sync) agrees.
CREATE TRIGGER customer_search_customer_added AFTER INSERT ON customers BEGIN
    INSERT INTO customer_search (rowid, body)
    SELECT rowid, body FROM customer_search_source WHERE rowid = new.rowid;
END;

CREATE TRIGGER customer_search_customer_changed AFTER UPDATE ON customers BEGIN
    DELETE FROM customer_search WHERE rowid = old.rowid;
    INSERT INTO customer_search (rowid, body)
    SELECT rowid, body FROM customer_search_source WHERE rowid = new.rowid;
END;

CREATE TRIGGER customer_search_contact_added AFTER INSERT ON contacts BEGIN
    DELETE FROM customer_search
    WHERE rowid = (SELECT rowid FROM customers WHERE id = new.customer_id);
    INSERT INTO customer_search (rowid, body)
    SELECT rowid, body FROM customer_search_source
    WHERE rowid = (SELECT rowid FROM customers WHERE id = new.customer_id);
END;

CREATE TRIGGER customer_search_contact_changed AFTER UPDATE ON contacts BEGIN
    DELETE FROM customer_search
    WHERE rowid IN (SELECT rowid FROM customers WHERE id IN (old.customer_id, new.customer_id));
    INSERT INTO customer_search (rowid, body)
    SELECT rowid, body FROM customer_search_source
    WHERE rowid IN (SELECT rowid FROM customers WHERE id IN (old.customer_id, new.customer_id));
END;
