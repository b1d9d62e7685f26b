"""The home pages' part of ``manage.py benchmark`` (docs/performance.md).

- measurement "staff_home": a caseworker's home page ("what needs me today",
  CAS-4): their open cases, tasks due today and overdue, consent reviews due,
  requests for information due soon, statements to send, each one query
  however many cases there are;
- measurement "coordinator_home": the same and the service-wide sections
  (unassigned cases, the service's overdue tasks, overrides waiting for
  review, volunteers' onboarding).

No build step: the sections read what the core build and the plug-ins make
(assigned and unassigned cases, consent, requests, tasks). Each result says
what the page showed (``sections``: each section's count and rows drawn), so
a test can tell a section measured full from one measured empty.

The floor is the sections' own SQL, recorded once (untimed) as the view's
loop runs it and replayed through a cursor: no model instances, decryption,
templates, session or access log. It is the SQL the page runs for its
sections, not a hand-written lower bound like the lists' floors: App - raw is
everything the page adds to that SQL.
"""

import re

from django.test import Client
from django.urls import reverse

from benchmarks import floors
from benchmarks.measurements import Bench, Measurement, compare, get_page, register_measurement
from pps.models import User
from pps.roles import Role

SECTION = re.compile(r'<section [^>]*\bid="(?P<key>[\w-]+)">(?P<body>.*?)</section>', re.S)
COUNT = re.compile(r'data-count="(\d+)"')


def sections_shown(client: Client) -> dict[str, dict[str, int]]:
    """Each section of the home page as drawn: the count in its heading and its rows."""
    html = client.get(reverse("home")).content.decode()
    shown = {}
    for match in SECTION.finditer(html):
        count = COUNT.search(match["body"])
        shown[match["key"]] = {
            "total": int(count.group(1)) if count else 0,
            "rows": match["body"].count("data-row"),
        }
    return shown


def section_statements(user: User) -> list[tuple[str, str, object]]:
    """The SQL the home view runs for ``user``'s sections, with its parameters."""
    from cases.work.selectors import coordinators_cases_at_once, first_rows, sections_for

    def run_sections() -> None:
        # As cases.work.views.home: a coordinator's own and unassigned cases at once.
        at_once = coordinators_cases_at_once(user) if user.role == Role.COORDINATOR else {}
        for section in sections_for(user):
            if section.key not in at_once:
                first_rows(section, user)

    return floors.recorded(run_sections)


def _home(bench: Bench, username: str) -> dict:
    client = bench.client(username)
    app = bench.times(get_page(client, reverse("home")))
    statements = section_statements(bench.user(username))
    raw = bench.times(lambda _: floors.replay(statements))
    return {**compare(app, raw), "sections": sections_shown(client)}


def staff_home(bench: Bench) -> dict:
    return _home(bench, "staff1")


def coordinator_home(bench: Bench) -> dict:
    return _home(bench, "coordinator")


register_measurement(Measurement("staff_home", "Staff home page (what needs me today)", staff_home))
register_measurement(
    Measurement("coordinator_home", "Coordinator home page (and the service's)", coordinator_home)
)
