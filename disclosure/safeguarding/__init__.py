"""Safeguarding overrides: sharing without consent to protect a child at risk, authorised, time-limited and accountable (DIS-7, DIS-8)."""
