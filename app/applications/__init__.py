"""Applications, their documents, stage tasks, decisions, disbursements and reports (LPJ)."""
