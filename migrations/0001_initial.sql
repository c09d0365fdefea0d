-- Workbench schema, version 1.
--
-- Synced tables (reps … targets) carry id, created_at, updated_at, owner and a
-- `deleted` tombstone. They have no UNIQUE constraints beyond the id and no
-- checked foreign keys: sync can deliver a row before the row it refers to.
-- Their contents are the current state of the `changes` log; updated_at is the
-- clock stamp of the row's latest change. Dates are ISO text, times are UTC
-- ('…Z'), money is integer minor units beside a currency code.

CREATE TABLE reps (
    id TEXT PRIMARY KEY,
    created_at TEXT,
    updated_at TEXT NOT NULL,
    owner TEXT,
    deleted INTEGER NOT NULL DEFAULT 0,
    name TEXT,
    email TEXT,
    phone TEXT
);

CREATE TABLE customers (
    id TEXT PRIMARY KEY,
    created_at TEXT,
    updated_at TEXT NOT NULL,
    owner TEXT,
    deleted INTEGER NOT NULL DEFAULT 0,
    name TEXT COLLATE NOCASE,
    kind TEXT,
    industry TEXT,
    size TEXT,
    segment TEXT,
    tier TEXT,
    source TEXT,
    address TEXT,
    phone TEXT,
    email TEXT,
    tags TEXT,          -- JSON list
    notes TEXT
);
CREATE INDEX customers_name ON customers (name);
CREATE INDEX customers_owner_name ON customers (owner, name);
CREATE INDEX customers_tier ON customers (tier);

CREATE TABLE contacts (
    id TEXT PRIMARY KEY,
    created_at TEXT,
    updated_at TEXT NOT NULL,
    owner TEXT,
    deleted INTEGER NOT NULL DEFAULT 0,
    customer_id TEXT,
    name TEXT COLLATE NOCASE,
    title TEXT,
    phone TEXT,
    email TEXT,
    notes TEXT
);
CREATE INDEX contacts_customer ON contacts (customer_id);
CREATE INDEX contacts_name ON contacts (name);

CREATE TABLE stages (
    id TEXT PRIMARY KEY,  -- the stage key, e.g. 'proposal'
    created_at TEXT,
    updated_at TEXT NOT NULL,
    owner TEXT,
    deleted INTEGER NOT NULL DEFAULT 0,
    label TEXT,
    position INTEGER,
    probability INTEGER,
    kind TEXT,
    rot_days INTEGER
);

CREATE TABLE deals (
    id TEXT PRIMARY KEY,
    created_at TEXT,
    updated_at TEXT NOT NULL,
    owner TEXT,
    deleted INTEGER NOT NULL DEFAULT 0,
    customer_id TEXT,
    title TEXT COLLATE NOCASE,
    amount INTEGER,
    currency TEXT,
    stage TEXT,
    probability INTEGER,
    expected_close TEXT,
    next_step TEXT,
    reason TEXT,
    closed_on TEXT
);
CREATE INDEX deals_owner_stage ON deals (owner, stage, expected_close);
CREATE INDEX deals_stage ON deals (stage, expected_close);
CREATE INDEX deals_customer ON deals (customer_id);
CREATE INDEX deals_title ON deals (title);

CREATE TABLE stage_history (
    id TEXT PRIMARY KEY,
    created_at TEXT,
    updated_at TEXT NOT NULL,
    owner TEXT,
    deleted INTEGER NOT NULL DEFAULT 0,
    deal_id TEXT,
    from_stage TEXT,
    to_stage TEXT,
    at TEXT
);
CREATE INDEX stage_history_deal ON stage_history (deal_id, at);
CREATE INDEX stage_history_at ON stage_history (at);

CREATE TABLE activities (
    id TEXT PRIMARY KEY,
    created_at TEXT,
    updated_at TEXT NOT NULL,
    owner TEXT,
    deleted INTEGER NOT NULL DEFAULT 0,
    kind TEXT,
    customer_id TEXT,
    deal_id TEXT,
    contact_id TEXT,
    at TEXT,
    duration_min INTEGER,
    outcome TEXT,
    satisfaction INTEGER,
    notes TEXT,
    complaint_status TEXT
);
CREATE INDEX activities_customer_at ON activities (customer_id, at);
CREATE INDEX activities_owner_at ON activities (owner, at);
CREATE INDEX activities_deal_at ON activities (deal_id, at);

CREATE TABLE follow_ups (
    id TEXT PRIMARY KEY,
    created_at TEXT,
    updated_at TEXT NOT NULL,
    owner TEXT,
    deleted INTEGER NOT NULL DEFAULT 0,
    title TEXT,
    customer_id TEXT,
    deal_id TEXT,
    due_date TEXT,
    due_time TEXT,
    recurrence TEXT,   -- RRULE text, anchored at due_date
    done_at TEXT,
    snoozed_until TEXT
);
-- Today asks only for open follow-ups: a partial index keeps it small.
CREATE INDEX follow_ups_open_due ON follow_ups (owner, due_date, due_time)
    WHERE done_at IS NULL AND deleted = 0;
CREATE INDEX follow_ups_customer ON follow_ups (customer_id, due_date);
CREATE INDEX follow_ups_deal ON follow_ups (deal_id);

CREATE TABLE targets (
    id TEXT PRIMARY KEY,  -- derived from (rep, metric, period): see Target.id_for
    created_at TEXT,
    updated_at TEXT NOT NULL,
    owner TEXT,
    deleted INTEGER NOT NULL DEFAULT 0,
    rep_id TEXT,
    period TEXT,
    metric TEXT,
    amount INTEGER,
    currency TEXT
);
CREATE INDEX targets_rep_period ON targets (rep_id, period);

-- The change log sync is built on: one row per changed field (fields that
-- change together, like amount + currency, are one value). A change is named
-- origin:seq; `prev` lists the changes of the same field it supersedes.
CREATE TABLE changes (
    origin TEXT NOT NULL,    -- device id
    seq INTEGER NOT NULL,    -- per-device counter
    hlc TEXT NOT NULL,       -- hybrid logical clock stamp
    entity TEXT NOT NULL,
    row_id TEXT NOT NULL,
    field TEXT NOT NULL,
    value TEXT,              -- JSON
    prev TEXT,               -- JSON list of 'origin:seq', or NULL for none
    PRIMARY KEY (origin, seq)
) WITHOUT ROWID;
CREATE INDEX changes_field ON changes (entity, row_id, field);

-- Local tables: never synced.
CREATE TABLE devices (
    origin TEXT PRIMARY KEY,
    rep_id TEXT
);

CREATE TABLE settings (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL      -- JSON
);

CREATE TABLE local_state (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

-- The default pipeline (workbench.domain.stages). Seeded identically on
-- every device rather than logged, so fresh databases never conflict over
-- it; edits to a stage are logged like any other change.
INSERT INTO stages (id, created_at, updated_at, label, position, probability, kind, rot_days) VALUES
    ('lead',        '1970-01-01T00:00:00Z', '000000000000000-0000-seed', 'Lead',        1, 10,  'open', 14),
    ('qualified',   '1970-01-01T00:00:00Z', '000000000000000-0000-seed', 'Qualified',   2, 20,  'open', 14),
    ('needs',       '1970-01-01T00:00:00Z', '000000000000000-0000-seed', 'Needs',       3, 40,  'open', 21),
    ('proposal',    '1970-01-01T00:00:00Z', '000000000000000-0000-seed', 'Proposal',    4, 60,  'open', 21),
    ('negotiation', '1970-01-01T00:00:00Z', '000000000000000-0000-seed', 'Negotiation', 5, 80,  'open', 14),
    ('won',         '1970-01-01T00:00:00Z', '000000000000000-0000-seed', 'Won',         6, 100, 'won',  NULL),
    ('lost',        '1970-01-01T00:00:00Z', '000000000000000-0000-seed', 'Lost',        7, 0,   'lost', NULL);
