"""JSON API (/api/v1) for integration with other regional systems."""
