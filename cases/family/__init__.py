"""The family on a case, kept up to date: parents and carers, children and what is known about each child (CAS-1, CAS-2, REF-5, ACC-3)."""
