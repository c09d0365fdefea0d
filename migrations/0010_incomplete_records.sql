-- Records held aside until they are whole.
--
-- A record whose changes have arrived only in part (its creation is in a
-- bundle not here yet, or a field it cannot be without never came) is not
-- put in its table, where every pane and command would trip over it: its
-- changes wait in the log, and it is listed here, until the rest arrives.
-- Local and derived from the log, like `conflicts`; the records already
-- half-made in a table are moved here by a repair that runs after this
-- migration (workbench.store.repair).
CREATE TABLE incomplete (
    entity TEXT NOT NULL,
    row_id TEXT NOT NULL,
    PRIMARY KEY (entity, row_id)
) WITHOUT ROWID;
