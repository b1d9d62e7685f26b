"""Data-protection and FOI training and its refreshers, for volunteers (ACC-4) and staff (GOV-1)."""
