"""Free text to taxonomy: skill names and role titles (DESIGN §2.8)."""
