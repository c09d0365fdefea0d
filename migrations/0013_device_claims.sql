-- Whose computer each device is, as the device itself says in the change log
-- (workbench.domain.models.DeviceClaim: the id is the device id, and an
-- import refuses a claim written by any other device). A rep's name, e-mail
-- and phone take their value from the rep's own devices, by a rule every
-- replica applies alike; the local `devices` table only names writers.
-- Each device logs its own claim when it next opens (Store.register_device).
CREATE TABLE device_claims (
    id TEXT PRIMARY KEY,
    created_at TEXT,
    updated_at TEXT NOT NULL,
    owner TEXT,
    deleted INTEGER NOT NULL DEFAULT 0,
    rep_id TEXT
);
CREATE INDEX device_claims_rep ON device_claims (rep_id);
