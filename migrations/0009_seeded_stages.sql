-- The default stages in the change log, so that they merge like any record.
--
-- Migration 0001 seeds the stages table on every device; without changes of
-- their own, the first edit of a default stage that reached another device
-- looked like a new record there, and its import failed on the stage's id.
-- These changes are the same on every device (origin 'seed', fixed numbers,
-- a clock stamp before any other), so a bundle never carries them and every
-- log already holds them. The merge rule lets any other change of the same
-- field win over a seeded one (workbench.domain.merge), so an edit made
-- before this migration still stands.
INSERT OR IGNORE INTO changes (origin, seq, hlc, entity, row_id, field, value, prev) VALUES
    ('seed', 1, '000000000000000-0000-seed', 'stages', 'lead', 'created_at', '"1970-01-01T00:00:00Z"', NULL),
    ('seed', 2, '000000000000000-0000-seed', 'stages', 'lead', 'label', '"Lead"', NULL),
    ('seed', 3, '000000000000000-0000-seed', 'stages', 'lead', 'position', '1', NULL),
    ('seed', 4, '000000000000000-0000-seed', 'stages', 'lead', 'probability', '10', NULL),
    ('seed', 5, '000000000000000-0000-seed', 'stages', 'lead', 'kind', '"open"', NULL),
    ('seed', 6, '000000000000000-0000-seed', 'stages', 'lead', 'rot_days', '14', NULL),
    ('seed', 7, '000000000000000-0000-seed', 'stages', 'qualified', 'created_at', '"1970-01-01T00:00:00Z"', NULL),
    ('seed', 8, '000000000000000-0000-seed', 'stages', 'qualified', 'label', '"Qualified"', NULL),
    ('seed', 9, '000000000000000-0000-seed', 'stages', 'qualified', 'position', '2', NULL),
    ('seed', 10, '000000000000000-0000-seed', 'stages', 'qualified', 'probability', '20', NULL),
    ('seed', 11, '000000000000000-0000-seed', 'stages', 'qualified', 'kind', '"open"', NULL),
    ('seed', 12, '000000000000000-0000-seed', 'stages', 'qualified', 'rot_days', '14', NULL),
    ('seed', 13, '000000000000000-0000-seed', 'stages', 'needs', 'created_at', '"1970-01-01T00:00:00Z"', NULL),
    ('seed', 14, '000000000000000-0000-seed', 'stages', 'needs', 'label', '"Needs"', NULL),
    ('seed', 15, '000000000000000-0000-seed', 'stages', 'needs', 'position', '3', NULL),
    ('seed', 16, '000000000000000-0000-seed', 'stages', 'needs', 'probability', '40', NULL),
    ('seed', 17, '000000000000000-0000-seed', 'stages', 'needs', 'kind', '"open"', NULL),
    ('seed', 18, '000000000000000-0000-seed', 'stages', 'needs', 'rot_days', '21', NULL),
    ('seed', 19, '000000000000000-0000-seed', 'stages', 'proposal', 'created_at', '"1970-01-01T00:00:00Z"', NULL),
    ('seed', 20, '000000000000000-0000-seed', 'stages', 'proposal', 'label', '"Proposal"', NULL),
    ('seed', 21, '000000000000000-0000-seed', 'stages', 'proposal', 'position', '4', NULL),
    ('seed', 22, '000000000000000-0000-seed', 'stages', 'proposal', 'probability', '60', NULL),
    ('seed', 23, '000000000000000-0000-seed', 'stages', 'proposal', 'kind', '"open"', NULL),
    ('seed', 24, '000000000000000-0000-seed', 'stages', 'proposal', 'rot_days', '21', NULL),
    ('seed', 25, '000000000000000-0000-seed', 'stages', 'negotiation', 'created_at', '"1970-01-01T00:00:00Z"', NULL),
    ('seed', 26, '000000000000000-0000-seed', 'stages', 'negotiation', 'label', '"Negotiation"', NULL),
    ('seed', 27, '000000000000000-0000-seed', 'stages', 'negotiation', 'position', '5', NULL),
    ('seed', 28, '000000000000000-0000-seed', 'stages', 'negotiation', 'probability', '80', NULL),
    ('seed', 29, '000000000000000-0000-seed', 'stages', 'negotiation', 'kind', '"open"', NULL),
    ('seed', 30, '000000000000000-0000-seed', 'stages', 'negotiation', 'rot_days', '14', NULL),
    ('seed', 31, '000000000000000-0000-seed', 'stages', 'won', 'created_at', '"1970-01-01T00:00:00Z"', NULL),
    ('seed', 32, '000000000000000-0000-seed', 'stages', 'won', 'label', '"Won"', NULL),
    ('seed', 33, '000000000000000-0000-seed', 'stages', 'won', 'position', '6', NULL),
    ('seed', 34, '000000000000000-0000-seed', 'stages', 'won', 'probability', '100', NULL),
    ('seed', 35, '000000000000000-0000-seed', 'stages', 'won', 'kind', '"won"', NULL),
    ('seed', 36, '000000000000000-0000-seed', 'stages', 'lost', 'created_at', '"1970-01-01T00:00:00Z"', NULL),
    ('seed', 37, '000000000000000-0000-seed', 'stages', 'lost', 'label', '"Lost"', NULL),
    ('seed', 38, '000000000000000-0000-seed', 'stages', 'lost', 'position', '7', NULL),
    ('seed', 39, '000000000000000-0000-seed', 'stages', 'lost', 'probability', '0', NULL),
    ('seed', 40, '000000000000000-0000-seed', 'stages', 'lost', 'kind', '"lost"', NULL);
