"""User accounts, role assignments scoped to agencies, sessions and password handling."""
