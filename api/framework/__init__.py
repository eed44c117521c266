"""Framework editions: public reads of published editions (and, for national bodies, drafts)."""
