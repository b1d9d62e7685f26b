"""A coordinator's decision on whether an older child's information goes in a parent's pack (DIS-6)."""
