"""Signed webhooks from an outbox (issue 19).

``outbox.emit`` writes an event and its deliveries in the transaction of the change it reports;
``worker`` delivers them (leased, in order per resource, retried with backoff, signed as Standard
Webhooks); ``routes`` lets a ``partner`` key manage its subscriptions; ``addresses`` keeps URLs off
private networks (SSRF).
"""
