"""Programs: definitions snapshotted per version, budgets, regional quotas and reservations."""
