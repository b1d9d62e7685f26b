"""Closing and reopening a case, with a reason, and what follows from it (CAS-3)."""
