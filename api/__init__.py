"""ED Skills Pathways API: skills taxonomy, team audits, gap analysis and recommendations."""
