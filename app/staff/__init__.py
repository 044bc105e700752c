"""Staff workspace: queues, decisions, surveys, scoring, finance, dashboard."""
