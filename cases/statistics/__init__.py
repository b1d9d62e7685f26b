"""Anonymised statistics for the Local Authority: the report, its tables, small-number suppression and exports (STA-*)."""
