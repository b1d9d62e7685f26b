"""Coordinators' access-log pages: who has opened a case, and refused attempts (ACC-7)."""
