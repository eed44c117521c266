"""The audit report: a self-contained HTML page."""
