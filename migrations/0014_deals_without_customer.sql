-- A deal may have no customer yet (a CRM's deal export without its company):
-- deals.customer_id may be NULL. No column changes; the new schema version
-- makes a teammate's older Workbench refuse these bundles ("update") instead
-- of holding such deals aside as incomplete, where discarding them would
-- delete them for everyone.
SELECT 1;
