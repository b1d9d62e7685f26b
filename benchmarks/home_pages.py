"""The home pages' part of ``manage.py benchmark`` (docs/performance.md).

- measurement "staff_home": a caseworker's home page ("what needs me today",
  CAS-4): their open cases, consent reviews due, requests for information due
  soon, statements to send, each one query however many cases there are;
- measurement "coordinator_home": the same and the service-wide sections
  (unassigned cases, overrides waiting for review, volunteers' onboarding).

No build step: the sections read what the core build and the disclosure
plug-in already make (assigned and unassigned cases, consent, requests).
"""

from django.urls import reverse

from benchmarks.measurements import Bench, Measurement, compare, get_page, register_measurement


def staff_home(bench: Bench) -> dict:
    return compare(bench.times(get_page(bench.client("staff1"), reverse("home"))))


def coordinator_home(bench: Bench) -> dict:
    return compare(bench.times(get_page(bench.client("coordinator"), reverse("home"))))


register_measurement(Measurement("staff_home", "Staff home page (what needs me today)", staff_home))
register_measurement(
    Measurement("coordinator_home", "Coordinator home page (and the service's)", coordinator_home)
)
