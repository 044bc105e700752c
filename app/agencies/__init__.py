"""Regional agencies (OPD) that own workflow stages."""
