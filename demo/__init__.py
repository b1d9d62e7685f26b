"""Demo data for `make run`, made through the same services the screens use. Installed only outside production."""
