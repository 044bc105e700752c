"""Administration: program periods, budgets, quotas, users and role assignments, imports."""
