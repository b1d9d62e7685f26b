"""Sign-in and session security, and safety nets for every request (SEC-2, SEC-4).

- ``two_factor``: TOTP (django-otp) and single-use recovery codes for every account.
- ``views`` / ``urls``: sign in (password, then a code), enrolment, recovery codes,
  the re-authentication ("sudo") step, password change and reset, ending sessions.
- ``sudo``: ``sudo_required``, the decorator dangerous actions put in front of
  themselves (approve a disclosure, override, purge, subject access pack,
  two-factor changes).
- ``middleware``: two-factor enforcement, absolute session lifetime, extra
  headers, and conflicts / integrity errors shown as clear 4xx pages.
- ``idempotency``: a form sent twice is acted on once.
- ``events``: the authentication log (``SecurityEvent``).

Import ``sudo_required`` from ``pps.security.sudo``.
"""
