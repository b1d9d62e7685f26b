"""System maintainers recorded through the service (GOV-3)."""

import datetime

from governance.maintainers.services import maintainer_record


def make_maintainer(service, by, **changes):
    fields = {
        "name": "Kim Kimpton",
        "organisation": "Kimpton Consultants",
        "work": "Database upgrades and backups, with access to the server.",
        "access_from": datetime.date(2025, 1, 6),
        "undertaking_signed_on": datetime.date(2025, 1, 6),
    }
    return maintainer_record(service=service, by=by, **(fields | changes))
