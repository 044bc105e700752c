"""Applicant organizations (pesantren, koperasi, kelompok usaha, sekolah), persons and bank accounts."""
