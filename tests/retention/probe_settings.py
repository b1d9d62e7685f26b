"""Settings for the purge scenario's subprocess: the product plus the probe app."""

from pps.settings import *  # noqa: F403
from pps.settings import INSTALLED_APPS

INSTALLED_APPS = [*INSTALLED_APPS, "tests.retention.probe"]
