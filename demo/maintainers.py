"""Demo register of system maintainers (GOV-3); seed_demo calls this.

- the database contractor, undertaking signed, with access;
- someone from the council's IT team whose signed undertaking is not back yet;
- a former contractor whose access has ended (corrected later, so it has history).
"""

import datetime

from django.utils import timezone

from governance.maintainers.services import maintainer_record, maintainer_update


def seed_maintainers(*, service, users: dict) -> None:
    admin = users["admin"]
    today = timezone.localdate()
    maintainer_record(
        service=service,
        by=admin,
        name="Kim Hallett",
        organisation="Kestrel Data Consultants",
        work="Database upgrades, backups and restores; access to the application server "
        "and the database.",
        access_from=today - datetime.timedelta(days=700),
        undertaking_signed_on=today - datetime.timedelta(days=700),
    )
    maintainer_record(
        service=service,
        by=admin,
        name="Ravi Mistry",
        organisation="Council IT service",
        work="Operating system patches on the server; no access to the application.",
        access_from=today - datetime.timedelta(days=10),
    )
    former = maintainer_record(
        service=service,
        by=admin,
        name="Alex Fenwick",
        organisation="Fenwick Web Services",
        work="Built the first version of the database; full access while doing so.",
        access_from=today - datetime.timedelta(days=1500),
        undertaking_signed_on=today - datetime.timedelta(days=1500),
    )
    maintainer_update(
        maintainer=former,
        by=admin,
        name=former.name,
        organisation=former.organisation,
        work=former.work,
        access_from=former.access_from,
        undertaking_signed_on=former.undertaking_signed_on,
        access_ended_on=today - datetime.timedelta(days=400),
    )
