"""Applicant portal: program pages, profiles, eligibility pre-check, forms, uploads, status, LPJ."""
