"""`make bench`: Workbench measured against the budgets of shared/DESIGN.md."""
