"""Trends and peer benchmarks (DESIGN §2.10): routes, pages and the services they share."""
