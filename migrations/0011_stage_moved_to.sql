-- Where a deleted stage's deals went, so that a deal moved into the stage on
-- another device while it was being deleted follows them there, on every
-- device alike (workbench.store.pipeline.rehome_stranded). Synced, like
-- every stage field.
ALTER TABLE stages ADD moved_to TEXT;
