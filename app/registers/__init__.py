"""Reference registers: low-income households (DTKS/DTSEN) and Kemenag's registered pesantren."""
