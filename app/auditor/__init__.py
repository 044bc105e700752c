"""The auditor's reading tools over the audit trail: pages, filters, exports, the decision file
of one application, and subject-access exports (UU PDP)."""
