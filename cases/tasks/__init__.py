"""Callbacks and follow-ups on a case, each with an owner and a due time (CAS-5)."""
