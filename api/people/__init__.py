"""People who sign in to the web pages: invitations, passwords, grants, sign-in and the event log
(issue 15, DESIGN §1 "Person").

``service`` holds the rules (plain functions on an ``AsyncSession``, no HTTP), ``events`` the one
writer of the event log, ``passwords`` the hashing and the policy, ``mail`` the outgoing email,
``pages`` the admin pages. This package module imports nothing, so ``api.auth`` can log key events
through ``api.people.events`` without an import cycle.
"""
