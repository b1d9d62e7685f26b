"""Settings for the gunicorn the throughput measurement starts (benchmarks/throughput.py).

The product's settings as they are, plus the benchmark's URLconf, which
mounts the comparison admin site (benchmarks/admin_site.py) beside the
product's URLs. Never for production: it refuses to load there.
"""

from django.core.exceptions import ImproperlyConfigured

from pps.settings import *  # noqa: F403
from pps.settings import PRODUCTION

if PRODUCTION:
    raise ImproperlyConfigured("benchmarks.server_settings is for the benchmark, not production.")

ROOT_URLCONF = "benchmarks.urls"
