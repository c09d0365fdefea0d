"""Schema migrations, applied in order by workbench.store.migrate; never edit a shipped one."""
