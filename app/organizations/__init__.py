"""Applicant organizations (pesantren, koperasi, kelompok usaha, sekolah), persons, accounts."""
