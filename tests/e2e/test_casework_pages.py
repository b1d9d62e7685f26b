"""Every casework page (CAS-1 to CAS-7) for each role that uses it, and its error
state, passes axe-core and the W3C Nu HTML checker (tests/e2e/page_checks.py).

The journey in test_family_life.py walks the pages one family passes through; this
walks the rest: the home pages with every section filled, the section lists, the
case list filtered, sorted and searched, the edit, end and remove pages, an item's
documents, the task reassignment, the reopening, and each form sent back with its errors.
"""

import datetime

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from cases import services as case_services
from cases.family import services as family
from cases.paper.services import paper_file_locate, paper_file_shred
from cases.statistics.models import StatisticsExportJob
from cases.tasks.services import task_create
from demo.documents import tiny_pdf
from disclosure.models import ReleaseJob
from pps.training.records import staff_training_record
from pps.volunteers.onboarding import volunteer_agreement_record
from tests.disclosure.helpers import answer, approved_request, log_request, notify
from tests.e2e.conftest import confirm_it_is_you_on, sign_in_page
from tests.e2e.page_checks import HtmlRecorder, assert_accessible
from tests.factories import make_case
from tests.governance.helpers import make_breach
from tests.governance.maintainer_helpers import make_maintainer
from tests.retention.helpers import make_closed_case, years_ago


def _family_case(service, staff):
    case = make_case(service, staff, family_name="Baldwin", given_name="Amelia")
    case_services.case_assign_staff(case=case, staff=staff, by=staff)
    child = family.child_add(
        case=case,
        by=staff,
        given_name="Noah",
        family_name="Baldwin",
        date_of_birth=datetime.date(2015, 3, 27),
    )
    item = family.child_information_add(
        child=child,
        by=staff,
        kind="ehc_plan",
        source="parent",
        text="EHC plan naming speech and language therapy.",
        started_on=datetime.date(2025, 9, 1),
        review_on=datetime.date(2026, 9, 1),
    )
    family.child_information_add(
        child=child,
        by=staff,
        kind="professional_report",
        source="case_file",
        text="Speech and language therapist's report.",
    )
    task = task_create(
        case=case, by=staff, due_at=timezone.now() - datetime.timedelta(hours=3), note="Ring back"
    )
    family.child_information_document_attach(
        item=item,
        uploaded_file=SimpleUploadedFile("plan.pdf", tiny_pdf("EHC plan"), "application/pdf"),
        description="Final EHC plan, September 2025",
        by=staff,
    )
    return case, child, item, task


def _background_jobs(case, staff, coordinator):
    """Exports and releases done by the worker (OPS-2): one waiting, one finished each."""
    # The case has two parents by now: the request names the one it is for (REF-5).
    request = log_request(case, staff, on_behalf_of=case.parents.order_by("pk").first())
    release_jobs = [
        ReleaseJob.objects.create(
            request=request,
            case=case,
            requested_by=staff,
            items=[f"note:{n}" for n in range(120)],
            expected_version=request.version,
            **fields,
        )
        for fields in ({}, {"status": "refused", "reason": "The parent has withdrawn consent."})
    ]
    statistics_jobs = [
        StatisticsExportJob.objects.create(
            service=coordinator.service,
            requested_by=coordinator,
            period="2026-Q3",
            format=fmt,
            **fields,
        )
        for fmt, fields in (
            ("pdf", {"status": "running", "step": 1}),
            ("csv", {"status": "finished", "step": 3, "threshold": 5, "content": b"x\r\n"}),
        )
    ]
    return (
        [reverse("disclosure:release_job", args=(case.pk, request.pk, j.pk)) for j in release_jobs],
        [reverse("statistics:job", args=(job.pk,)) for job in statistics_jobs],
    )


def _visit(page, checker, path: str) -> None:
    response = page.goto(path)
    assert response.status == 200, f"{path}: {response.status}"
    assert_accessible(page)
    checker.record()


def _send_empty(page, checker, path: str, button: str) -> None:
    """The form sent with nothing filled in: its error summary and messages."""
    page.goto(path)
    page.get_by_role("button", name=button, exact=True).click()
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    assert_accessible(page)
    checker.record()


def test_casework_pages_pass_axe_and_the_html_checker(
    browser,
    live_server,
    html_checker_installed,
    service,
    staff,
    coordinator,
    admin_user,
    volunteer,
):
    case, child, item, task = _family_case(service, staff)
    parent = case.parents.get()
    family.parent_add(
        case=case,
        by=staff,
        given_name="Owen",
        family_name="Baldwin",
        relationship="father",
        parental_responsibility="yes",
        storage_agreed_on=timezone.localdate(),
        storage_agreed_how="telephone",
        purpose_explained=True,
    )
    closed = make_closed_case(service, staff, closed_on=years_ago(1), family_name="Hartley")
    # The breach register (GOV-6): one overdue on the home page, naming the case.
    breach = make_breach(service, coordinator, aware_hours_ago=80, case=case)
    # Paper files (GOV-8): the closed case's still in the cabinet a year on, another shredded.
    paper_file_locate(case=closed, by=staff, location="Cabinet 2, drawer B")
    shredded = make_closed_case(service, staff, closed_on=years_ago(2), family_name="Ingram")
    paper_file_locate(case=shredded, by=staff, location="Cabinet 3")
    paper_file_shred(case=shredded, by=staff, shredded_on=years_ago(1))
    # The register of system maintainers (GOV-3).
    maintainer = make_maintainer(service, admin_user)
    release_job_pages, statistics_job_pages = _background_jobs(case, staff, coordinator)
    # Staff training (GOV-1): the staff member's refresher overdue, shown on their
    # home page and the coordinator's.
    training = staff_training_record(staff_member=staff, by=coordinator, completed_on=years_ago(2))
    # GOV-2: the volunteer's latest agreement lacks the remote working undertaking.
    volunteer_agreement_record(
        volunteer=volunteer,
        by=coordinator,
        signed_on=timezone.localdate(),
        uploaded_file=SimpleUploadedFile(
            "agreement.pdf", tiny_pdf("Signed"), content_type="application/pdf"
        ),
        remote_working_undertaking=False,
    )
    # Requests for information (DIS-4, DIS-5): one waiting for a decision (both
    # forms on the decide page), one approved (refusal only; the release step).
    asked = make_case(service, staff, summary="Asked about the EHC plan.", family_name="Quinn")
    approved = approved_request(asked, staff, coordinator)
    waiting = log_request(asked, staff)
    notify(waiting, staff)
    answer(waiting, staff)
    release_url = reverse("disclosure:release", args=(asked.pk, approved.pk))
    pages = []

    def signed_in(username):
        context = browser.new_context(base_url=live_server.url, locale="en-GB")
        page = context.new_page()
        page.set_default_timeout(15_000)
        sign_in_page(page, username)
        pages.append(context)
        return page, HtmlRecorder(page)

    checkers = []
    # A caseworker: their home, the lists behind it, the case list and search, and
    # every family, information, task and closing page.
    page, checker = signed_in("staff")
    checkers.append(checker)
    for path in (
        "/",
        "/work/my-cases/",
        "/work/tasks/",
        "/work/statements/",
        "/cases/?status=open&sort=-opened",
        f"/cases/{case.pk}/",
        f"/cases/{case.pk}/parents/{parent.pk}/change/",
        f"/cases/{case.pk}/children/new/",
        f"/cases/{case.pk}/children/{child.pk}/change/",
        f"/cases/{case.pk}/children/{child.pk}/information/new/",
        f"/cases/{case.pk}/child-information/{item.pk}/change/",
        f"/cases/{case.pk}/child-information/{item.pk}/end/",
        f"/cases/{case.pk}/child-information/{item.pk}/documents/",
        f"/cases/{case.pk}/tasks/",
        f"/cases/{case.pk}/tasks/{task.pk}/reassign/",
        f"/cases/{case.pk}/close/",
        f"/cases/{closed.pk}/",
        f"/cases/{case.pk}/paper-file/",
        f"/cases/{case.pk}/paper-file/location/",
        f"/cases/{closed.pk}/paper-file/",
        f"/cases/{closed.pk}/paper-file/location/",
        f"/cases/{closed.pk}/paper-file/shredded/",
        f"/cases/{shredded.pk}/paper-file/",
        *release_job_pages,
    ):
        _visit(page, checker, path)
    page.goto("/cases/")
    page.get_by_label("Find a family").fill("Bald")
    page.get_by_role("button", name="Search", exact=True).click()
    expect(page.get_by_role("link", name=case.reference)).to_be_visible()
    assert_accessible(page)
    checker.record()
    for path, button in (
        (f"/cases/{case.pk}/parents/new/", "Add parent or carer"),
        (f"/cases/{case.pk}/children/new/", "Add child"),
        (f"/cases/{case.pk}/children/{child.pk}/information/new/", "Add information"),
        (f"/cases/{case.pk}/tasks/", "Add task"),
        (f"/cases/{case.pk}/child-information/{item.pk}/documents/", "Attach document"),
        (f"/cases/{case.pk}/close/", "Close the case"),
        (f"/cases/{case.pk}/paper-file/location/", "Save"),
    ):
        _send_empty(page, checker, path, button)

    # A coordinator: the service's sections, removing a person, reopening.
    page, checker = signed_in("coordinator")
    checkers.append(checker)
    page.goto(f"/cases/{closed.pk}/reopen/")
    confirm_it_is_you_on(page, "coordinator")  # removing and reopening are dangerous
    for path in (
        "/",
        "/work/unassigned/",
        "/work/overrides-waiting/",
        "/work/volunteers/",
        "/work/staff-training/",
        "/work/breaches-due/",
        "/staff-training/",
        f"/staff-training/{staff.pk}/",
        f"/staff-training/{staff.pk}/new/",
        f"/staff-training/{staff.pk}/{training.pk}/correct/",
        f"/volunteers/{volunteer.pk}/",
        f"/volunteers/{volunteer.pk}/agreements/new/",
        "/work/paper-files/",
        "/maintainers/",
        f"/maintainers/{maintainer.pk}/",
        "/breaches/",
        "/breaches/new/",
        f"/breaches/{breach.pk}/",
        f"/breaches/{breach.pk}/edit/",
        f"/breaches/{breach.pk}/ico/",
        f"/breaches/{breach.pk}/families/",
        f"/breaches/{breach.pk}/actions/new/",
        f"/cases/{case.pk}/parents/{parent.pk}/remove/",
        f"/cases/{case.pk}/children/{child.pk}/remove/",
        f"/cases/{case.pk}/child-information/documents/{item.documents.get().pk}/remove/",
        f"/cases/{closed.pk}/reopen/",
        "/statistics/",
        *statistics_job_pages,
        reverse("disclosure:decide", args=(asked.pk, waiting.pk)),
        reverse("disclosure:detail", args=(asked.pk, approved.pk)),
        reverse("disclosure:decide", args=(asked.pk, approved.pk)),
        release_url,
        f"{release_url}?select=all",
    ):
        _visit(page, checker, path)
    # "Select all" ticks every item in place with JavaScript (no page load).
    page.goto(release_url)
    boxes = page.locator("#release-form input[type=checkbox]")
    expect(boxes.first).not_to_be_checked()
    page.get_by_role("button", name="Select all", exact=True).click()
    for box in boxes.all():
        expect(box).to_be_checked()
    assert "select=" not in page.url
    page.get_by_role("button", name="Select none", exact=True).click()
    expect(boxes.first).not_to_be_checked()
    _send_empty(page, checker, f"/cases/{closed.pk}/reopen/", "Reopen the case")
    _send_empty(page, checker, "/breaches/new/", "Save")
    _send_empty(page, checker, f"/staff-training/{staff.pk}/new/", "Save")
    _send_empty(page, checker, f"/breaches/{breach.pk}/actions/new/", "Save")

    # A volunteer without the undertaking (GOV-2): their list says why it is empty.
    page, checker = signed_in("volunteer")
    checkers.append(checker)
    _visit(page, checker, "/cases/")
    expect(page.locator("#casework-refusal")).to_be_visible()

    # An administrator lands on the application's administration home.
    page, checker = signed_in("admin")
    checkers.append(checker)
    _visit(page, checker, "/administration/")
    _visit(page, checker, f"/breaches/{breach.pk}/")
    for path in (
        "/maintainers/",
        "/maintainers/new/",
        f"/maintainers/{maintainer.pk}/",
        f"/maintainers/{maintainer.pk}/edit/",
    ):
        _visit(page, checker, path)
    _send_empty(page, checker, "/maintainers/new/", "Save")
    # The purge previewed for a later day (planning only), and a date in the past.
    page.goto("/retention/purge/")
    confirm_it_is_you_on(page, "admin")  # the purge pages ask first
    later = timezone.localdate() + datetime.timedelta(days=400)
    _visit(
        page,
        checker,
        f"/retention/purge/?as_of_day={later.day}&as_of_month={later.month}"
        f"&as_of_year={later.year}",
    )
    response = page.goto("/retention/purge/?as_of_day=1&as_of_month=1&as_of_year=2020")
    assert response.status == 400
    assert_accessible(page)
    checker.record()
    # A form's address opened directly (GET on a POST-only URL): the service's 405 page.
    response = page.goto("/retention/purge/confirm/")
    assert response.status == 405
    assert_accessible(page)
    checker.record()

    for context in pages:
        context.close()
    errors = [error for checker in checkers for error in checker.errors()]
    assert errors == [], "\n".join(errors)
    assert sum(len(checker.pages) for checker in checkers) >= 30


def test_the_html_checker_reports_what_it_should(page, html_checker):
    """The checker really runs: a page with a stray htmx attribute and a repeated id
    fails it, as the rule in the issue expects (``data-hx-*``, unique ids)."""
    page.route(
        "**/broken/",
        lambda route: route.fulfill(
            content_type="text/html",
            body=(
                '<!DOCTYPE html><html lang="en"><head><title>Broken</title></head><body>'
                '<p id="a" hx-get="/x">One</p><p id="a">Two</p></body></html>'
            ),
        ),
    )
    page.goto("/broken/")
    html_checker.record()
    errors = " ".join(html_checker.errors())
    assert "hx-get" in errors and "Duplicate ID" in errors
