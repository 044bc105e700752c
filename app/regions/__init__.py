"""Reference areas of Kabupaten Tangerang: kecamatan and desa/kelurahan with official codes."""
