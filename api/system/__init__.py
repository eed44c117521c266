"""Service-level endpoints: health and documentation entry points."""
