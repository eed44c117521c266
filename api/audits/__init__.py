"""Team skills audits: spreadsheet uploads turned into skills records, and exports back out."""
