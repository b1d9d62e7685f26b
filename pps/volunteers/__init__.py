"""Volunteers (Independent Parental Supporters): onboarding, agreements and data-protection training before casework (ACC-4)."""
