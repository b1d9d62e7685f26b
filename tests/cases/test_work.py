"""Each person's work (CAS-4): a home page per role, counts that are their lists' lengths."""

import datetime
import re

import pytest
from django.contrib import admin
from django.urls import reverse
from django.utils import timezone

from cases.models import Task
from cases.paper.services import paper_file_locate
from cases.services import case_assign_staff
from cases.tasks.services import task_create
from cases.work.selectors import SECTIONS, SHOWN, my_requests_due_soon
from disclosure.due_dates import add_working_days
from pps.dates import add_months
from pps.models import AccessLogEntry
from tests.consent.helpers import record
from tests.disclosure.helpers import log_request
from tests.disclosure.override_helpers import record_override
from tests.factories import make_case, make_user
from tests.governance.helpers import make_breach
from tests.retention.helpers import make_closed_case

pytestmark = pytest.mark.django_db

COUNT = re.compile(
    r'<h[12] class="govuk-heading-[ml]" id="section-([a-z-]+)">.*?data-count="(\d+)"'
)
LIST_COUNT = re.compile(r'<h1 class="govuk-heading-l">.*?data-count="(\d+)"')


def counts_on(page: str) -> dict[str, int]:
    return {key: int(count) for key, count in COUNT.findall(page)}


def assigned(case, to, by):
    return case_assign_staff(case=case, staff=to, by=by)


def in_an_hour():
    return timezone.now() + datetime.timedelta(hours=1)


def a_while_ago(days=200):
    return timezone.now() - datetime.timedelta(days=days)


def work_for(service, staff, coordinator, *, many=1):
    """Something in every section: ``many`` of each, on cases assigned to ``staff``."""
    made = {"cases": []}
    today = timezone.localdate()
    for _ in range(many):
        # Open, assigned, no statement sent (statements), consent long ago (review due),
        # a request for information due tomorrow-ish (received 25 working days ago).
        case = assigned(make_case(service, coordinator), staff, coordinator)
        long_ago = a_while_ago()
        record(case, staff, "full", decided_on=long_ago.date(), at=long_ago)
        received = timezone.localdate() - datetime.timedelta(days=27)
        log_request(case, staff, received_on=received)
        record_override(case, staff)
        # A task of the user's due later today, and one of theirs overdue.
        Task.objects.filter(
            pk=task_create(case=case, by=staff, owner=staff, due_at=in_an_hour()).pk
        ).update(due_at=timezone.now() - datetime.timedelta(hours=2))
        make_case(service, coordinator)  # unassigned
        make_user(service, "volunteer", onboarded=False)
        make_user(service, "staff")  # no training recorded (GOV-1)
        make_breach(service, coordinator, aware_hours_ago=80)  # ICO deadline passed (GOV-6)
        # Closed 13 months ago, its paper file not yet shredded (GOV-8).
        paper_file_locate(
            case=make_closed_case(service, coordinator, closed_on=add_months(today, -13)),
            by=coordinator,
            location="Cabinet 1",
        )
        made["cases"].append(case)
    return made


def test_cas4_staff_land_on_their_work_with_each_section(
    service, staff, coordinator, other_service_staff, client_for
):
    """Staff see their own open cases, consent reviews, requests and statements;
    not the coordinators' sections, nor a colleague's or another service's cases."""
    mine = work_for(service, staff, coordinator)["cases"][0]
    colleague = make_user(service, "staff")
    theirs = assigned(make_case(service, coordinator), colleague, coordinator)
    elsewhere = make_case(other_service_staff.service, other_service_staff)
    response = client_for(staff).get("/")
    assert response.status_code == 200
    page = response.content.decode()
    assert counts_on(page) == {
        "my-cases": 1,
        "tasks": 1,
        "consent-reviews": 1,
        "requests-due": 1,
        "statements": 1,
    }
    assert mine.reference in page
    assert theirs.reference not in page and elsewhere.reference not in page
    # The references shown are logged as a listing (ACC-6).
    assert AccessLogEntry.objects.filter(user=staff, action="list", case_id=mine.pk).exists()


def test_cas4_coordinators_also_see_the_service_wide_sections(
    service, staff, coordinator, client_for
):
    work_for(service, coordinator, coordinator)
    page = client_for(coordinator).get("/").content.decode()
    counts = counts_on(page)
    assert list(counts) == [section.key for section in SECTIONS]
    assert counts["unassigned"] == 1
    assert counts["tasks"] == 1
    assert counts["overrides-waiting"] == 1
    assert counts["volunteers"] == 1
    assert counts["staff-training"] == 3  # the new one, the staff member and the coordinator
    assert counts["breaches-due"] == 1
    assert counts["paper-files"] == 1


@pytest.mark.parametrize("persona", ["staff", "coordinator"])
def test_cas4_every_count_is_the_length_of_the_list_it_links_to(
    persona, service, staff, coordinator, client_for
):
    """More than a home page shows in every section, and a list page of more than
    one page: the count is the number of rows on every page of "see all"."""
    from cases.work import views

    work_for(service, staff if persona == "staff" else coordinator, coordinator, many=SHOWN + 2)
    user = {"staff": staff, "coordinator": coordinator}[persona]
    client = client_for(user)
    home = client.get("/").content.decode()
    counts = counts_on(home)
    assert counts and all(count > SHOWN for count in counts.values())
    per_page = views.PER_PAGE
    views.PER_PAGE = 3  # several pages of each list
    try:
        for key, count in counts.items():
            url = reverse(f"work:{key}")
            assert f'href="{url}"' in home
            first = client.get(url).content.decode()
            assert int(LIST_COUNT.search(first).group(1)) == count
            rows, page = 0, 1
            while True:
                response = client.get(url, {"page": page})
                found = response.content.decode().count("data-row")
                rows += found
                if f"?page={page + 1}" not in response.content.decode():
                    break
                page += 1
            assert rows == count, key
    finally:
        views.PER_PAGE = per_page


@pytest.mark.parametrize("persona", ["staff", "coordinator"])
def test_cas4_home_stays_within_sixteen_queries(
    persona, service, staff, coordinator, client_for, django_assert_max_num_queries
):
    user = {"staff": staff, "coordinator": coordinator}[persona]
    work_for(service, user, coordinator, many=SHOWN + 3)
    client = client_for(user)
    client.get("/")  # the session's first request settles its own rows
    # One query per section: the breaches due (GOV-6) made it thirteen; staff
    # training (GOV-1) adds a section and the user's own training, and the paper
    # files to shred (GOV-8) a section: sixteen.
    with django_assert_max_num_queries(16):
        response = client.get("/")
    assert response.status_code == 200
    assert all(count > SHOWN for count in counts_on(response.content.decode()).values())


def test_cas4_requests_due_within_five_working_days_or_overdue(service, staff, coordinator):
    case = assigned(make_case(service, coordinator), staff, coordinator)
    today = timezone.localdate()
    fifth, sixth = add_working_days(today, 5), add_working_days(today, 6)
    due = {}
    for name, due_on in [("overdue", today - datetime.timedelta(days=1)), ("fifth", fifth),
                         ("sixth", sixth)]:  # fmt: skip
        request = log_request(case, staff, received_on=today - datetime.timedelta(days=60))
        type(request).objects.filter(pk=request.pk).update(due_on=due_on)
        due[request.pk] = name
    listed = {due[r.pk] for r in my_requests_due_soon(staff, today=today)}
    assert listed == {"overdue", "fifth"}


def test_cas4_volunteers_keep_their_landing(service, volunteer, client_for):
    response = client_for(volunteer).get("/")
    assert response.status_code == 302 and response["Location"] == reverse("cases:list")


def test_cas4_administrators_land_on_the_administration_home(service, admin_user, client_for):
    client = client_for(admin_user)
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"] == reverse("administration")
    page = client.get(reverse("administration")).content.decode()
    for name in ("admin:pps_user_changelist", "retention:dashboard", "retention:holds",
                 "retention:purge", "retention:settings", "retention:categories"):  # fmt: skip
        assert f'href="{reverse(name)}"' in page, name
    # Django's admin links back to this home.
    assert str(admin.site.site_url) == reverse("administration")
    assert (
        f'href="{reverse("administration")}"' in client.get(reverse("admin:index")).content.decode()
    )


@pytest.mark.parametrize("interval", [None, 1, 12])
def test_cas4_consent_reviews_due_follow_the_services_interval(
    interval, service, staff, coordinator
):
    """The home page's one-query section lists exactly what consent.selectors.reviews_due
    lists on the user's cases, whatever review interval the service has set (CON-5)."""
    from cases.work.selectors import my_consent_reviews_due
    from consent.models import ConsentSettings
    from consent.selectors import reviews_due

    if interval:
        ConsentSettings.objects.create(service=service, review_interval_months=interval)
    for days in (20, 40, 62, 200, 370):
        case = assigned(make_case(service, coordinator), staff, coordinator)
        when = a_while_ago(days)
        record(case, staff, "full", decided_on=when.date(), at=when)
    expected = list(reviews_due(staff).filter(assigned_staff=staff).values_list("pk", flat=True))
    assert list(my_consent_reviews_due(staff).values_list("pk", flat=True)) == expected
    assert expected, "some review is due in every case"


def test_cas4_cas5_tasks_due_today_and_overdue(service, staff, coordinator, client_for):
    """Staff see their own tasks due by the end of today, overdue ones tagged; not
    a colleague's, nor one due tomorrow. Coordinators also see everyone's overdue."""
    from cases.work.selectors import tasks_due

    case = assigned(make_case(service, coordinator), staff, coordinator)
    colleague = make_user(service, "staff")
    now = timezone.now()
    end_of_today = timezone.make_aware(
        datetime.datetime.combine(timezone.localdate(), datetime.time(23, 59))
    )
    mine_overdue = task_create(case=case, by=staff, owner=staff, due_at=in_an_hour())
    Task.objects.filter(pk=mine_overdue.pk).update(due_at=now - datetime.timedelta(days=1))
    later_today = task_create(case=case, by=staff, owner=staff, due_at=end_of_today)
    tomorrow = task_create(
        case=case, by=staff, owner=staff, due_at=end_of_today + datetime.timedelta(hours=2)
    )
    theirs = task_create(case=case, by=staff, owner=colleague, due_at=in_an_hour())
    Task.objects.filter(pk=theirs.pk).update(due_at=now - datetime.timedelta(hours=1))

    assert list(tasks_due(staff)) == [mine_overdue, later_today]
    assert list(tasks_due(coordinator)) == [mine_overdue, theirs]
    assert tomorrow not in tasks_due(coordinator)
    page = client_for(staff).get("/").content.decode()
    assert "Overdue" in page.split('id="section-tasks"')[1]
