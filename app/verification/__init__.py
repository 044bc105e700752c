"""Letters people can check: verification codes, QR codes and the public verification page."""
