"""Tamper-evident decision trail: hash-chained append-only audit events and signed checkpoints."""
