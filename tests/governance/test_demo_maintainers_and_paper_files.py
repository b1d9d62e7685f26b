"""The demo shows the register of system maintainers (GOV-3) and paper files (GOV-8)
in realistic states, created through the services (issue item 5)."""

import pytest
from django.core.management import call_command

from cases.models import PaperFile
from cases.work.selectors import paper_files_to_shred
from governance.maintainers.models import Maintainer
from pps.models import Service, User


@pytest.mark.slow
def test_gov3_gov8_seed_demo_shows_maintainers_and_paper_files(capsys):
    call_command("seed_demo", "--cases", "6")
    capsys.readouterr()
    services = list(Service.objects.all())
    assert len(services) == 2
    for service in services:
        maintainers = Maintainer.objects.filter(service=service)
        assert maintainers.filter(
            undertaking_signed_on__isnull=False, access_ended_on=None
        ).exists()
        assert maintainers.filter(undertaking_signed_on=None).exists()
        ended = maintainers.get(access_ended_on__isnull=False)
        assert ended.history.count() == 2 and ended.history.first().history_user.role == "admin"

        papers = PaperFile.objects.filter(case__service=service)
        assert papers.filter(case__status="open", shredded_on=None).exists()
        assert papers.filter(shredded_on__isnull=False).exists()
        coordinator = User.objects.get(service=service, role="coordinator")
        assert paper_files_to_shred(coordinator).exists()
