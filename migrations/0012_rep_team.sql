-- A rep's team (or region, or office) and the rep they report to: the
-- leaderboard groups by either. Synced, like every rep field; set from any
-- teammate's computer (a rep's name, e-mail and phone stay theirs).
ALTER TABLE reps ADD team TEXT;
ALTER TABLE reps ADD manager_id TEXT;
