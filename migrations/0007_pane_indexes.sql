-- Indexes that answer the panes' per-row subqueries without reading table
-- rows (measured on the reference data, issue 9's closing note):
-- a deal card's next and any open follow-up, an account's open follow-up,
-- a deal's latest stage move, a customer's last contact, and a customer's
-- open pipeline and won revenue in the Customers list.
CREATE INDEX follow_ups_open_deal ON follow_ups (deal_id, due_date)
    WHERE done_at IS NULL AND deleted = 0;
CREATE INDEX follow_ups_open_customer ON follow_ups (customer_id)
    WHERE done_at IS NULL AND deleted = 0;

DROP INDEX stage_history_deal;
CREATE INDEX stage_history_deal ON stage_history (deal_id, deleted, at);

DROP INDEX activities_customer_at;
CREATE INDEX activities_customer_at ON activities (customer_id, deleted, at);

DROP INDEX deals_customer;
CREATE INDEX deals_customer ON deals (customer_id, deleted, currency, stage, amount);

-- The Targets pane's closed deals (a period's, the year's by month, the
-- leaderboard's), counted and summed from the index alone: the team's
-- year is some 100k deals, 140 ms when each row is read.
DROP INDEX deals_closed;
CREATE INDEX deals_closed ON deals (closed_on, deleted, currency, stage, owner, amount, created_at);
