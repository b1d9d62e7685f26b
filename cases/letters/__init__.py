"""Letters to families, the "Why we keep information about you" statement and anonymised case studies (COM-*)."""
