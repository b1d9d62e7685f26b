"""The performance benchmark behind ``manage.py benchmark`` (see docs/performance.md).

- ``builder``: a database of N cases with a real service's shape (STEPS);
- ``measurements``: what is timed (MEASUREMENTS), ``floors`` the raw SQL
  floor of each list, ``admin_site`` the stock admin changelist to compare;
- ``runner``: one size in a child process; ``report``: Markdown, JSON, targets.
"""
