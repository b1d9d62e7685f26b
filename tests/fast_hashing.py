"""A cheap Argon2id for the test run only.

Production hashes with Django's Argon2id defaults (about 0.6 s a password on a
small machine, by design). Hundreds of test users would make the suite crawl,
so tests use the same algorithm with minimal cost. tests/pps/test_asvs_authentication.py
checks the production setting itself.
"""

from django.contrib.auth.hashers import Argon2PasswordHasher


class CheapArgon2PasswordHasher(Argon2PasswordHasher):
    time_cost = 1
    memory_cost = 64
    parallelism = 1
