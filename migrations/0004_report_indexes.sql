-- Indexes for the Targets pane and `workbench report`: a period's closed
-- deals, new customers and activities of one kind, for one rep or the team,
-- without scanning whole tables.
CREATE INDEX deals_closed ON deals (closed_on);
CREATE INDEX customers_owner_created ON customers (owner, created_at);
CREATE INDEX customers_created ON customers (created_at);
CREATE INDEX activities_kind_at ON activities (kind, at);
CREATE INDEX activities_owner_kind_at ON activities (owner, kind, at);
