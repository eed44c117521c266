"""Future needs: needs profiles, gap analysis against an audit, and progress reviews."""
