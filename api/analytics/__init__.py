"""Sector-wide analytics for national bodies (scope ``national:read`` or ``admin``)."""
