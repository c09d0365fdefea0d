-- Sync: the values that lost to a concurrent edit, so none is lost unseen.
--
-- A field's heads are its changes no other change supersedes (see
-- workbench.sync.merge). The greatest shows in the table; each other head is
-- a row here, naming the change that lost and the one that won. Derived from
-- the change log by the importer, cleared for a field when a rep writes it
-- (the new change supersedes every head). Local: each device derives its own.
CREATE TABLE conflicts (
    entity TEXT NOT NULL,
    row_id TEXT NOT NULL,
    field TEXT NOT NULL,
    origin TEXT NOT NULL,       -- the losing change
    seq INTEGER NOT NULL,
    winner_origin TEXT NOT NULL,
    winner_seq INTEGER NOT NULL,
    PRIMARY KEY (entity, row_id, field, origin, seq)
) WITHOUT ROWID;

-- Records still pointing at a merged customer are re-pointed after an import:
-- finding the merged customers must not read every customer.
CREATE INDEX customers_merged ON customers (merged_into) WHERE merged_into IS NOT NULL;
