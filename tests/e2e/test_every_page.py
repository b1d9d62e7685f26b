"""Every page each role reaches by following links passes axe-core and the W3C Nu
HTML checker (tests/e2e/page_checks.py), the Django admin included (issue 27, item 7).

test_casework_pages.py visits the pages it names; this crawls instead, so a page
nobody thought to name (an admin changelist, an add form, a filter) is checked too.
For staff, coordinator, volunteer and administrator in turn: breadth-first over
the same-origin links (``a[href]``) from "/", GET only (no form is ever sent), each
path once with the query string of the first link to it (sort orders and filters
would otherwise multiply without end), downloads and sign-out left out.
"""

import datetime
from collections import deque
from urllib.parse import urldefrag, urlsplit

from django.contrib import admin
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import Error as PlaywrightError

from cases.paper.services import paper_file_locate
from cases.services import topics_create_defaults
from cases.statistics.models import StatisticsSettings
from consent.models import ConsentSettings
from consent.roles import recipient_roles_ensure
from demo.documents import tiny_pdf
from pps.training.records import staff_training_record
from pps.volunteers.onboarding import volunteer_agreement_record
from tests.disclosure.helpers import answer, approved_request, log_request, notify
from tests.e2e.conftest import confirm_it_is_you_on, sign_in_page
from tests.e2e.page_checks import HtmlRecorder, assert_accessible
from tests.e2e.test_casework_pages import _background_jobs, _family_case
from tests.factories import make_case
from tests.governance.helpers import make_breach
from tests.governance.maintainer_helpers import make_maintainer
from tests.retention.helpers import make_closed_case, years_ago

# Well above what each role reaches today (at most 170 pages); reaching it means
# the crawl has found an unbounded family of links, which must be looked at.
PAGE_CAP = 250
# Signing out (a form, but a link could appear) would end the crawl.
SKIPPED_PATHS = ("/accounts/logout/", "/admin/logout/")
# Addresses that send files rather than pages.
DOWNLOAD_SUFFIXES = (".pdf", ".csv", ".zip", ".docx", ".odt", ".txt")


def _world(service, staff, coordinator, volunteer, admin_user):
    """Enough of everything that each list page has rows and each row its links."""
    case, _child, _item, _task = _family_case(service, staff)
    closed = make_closed_case(service, staff, closed_on=years_ago(1), family_name="Hartley")
    paper_file_locate(case=closed, by=staff, location="Cabinet 2, drawer B")
    make_breach(service, coordinator, aware_hours_ago=80, case=case)
    make_maintainer(service, admin_user)
    _background_jobs(case, staff, coordinator)
    staff_training_record(staff_member=staff, by=coordinator, completed_on=years_ago(2))
    volunteer_agreement_record(
        volunteer=volunteer,
        by=coordinator,
        signed_on=timezone.localdate(),
        uploaded_file=SimpleUploadedFile(
            "agreement.pdf", tiny_pdf("Signed"), content_type="application/pdf"
        ),
        remote_working_undertaking=True,
    )
    asked = make_case(service, staff, summary="Asked about the EHC plan.", family_name="Quinn")
    approved_request(asked, staff, coordinator)
    waiting = log_request(asked, staff)
    notify(waiting, staff)
    answer(waiting, staff)
    # The rows the admin's lists show (topics and recipient roles are editable in place).
    topics_create_defaults(service=service)
    recipient_roles_ensure(service=service)
    StatisticsSettings.objects.create(service=service, suppression_threshold=5)
    ConsentSettings.objects.get_or_create(service=service)
    return closed


def _is_download(response) -> bool:
    disposition = response.headers.get("content-disposition", "")
    kind = response.headers.get("content-type", "")
    return "attachment" in disposition or not kind.startswith("text/html")


def _crawl(page, base: str) -> tuple[HtmlRecorder, list[str], list[str]]:
    """Visit every page reachable from "/"; returns the recorder, the pages seen and
    the failures (axe-core violations, error statuses)."""
    checker = HtmlRecorder(page)
    origin = urlsplit(base).netloc
    queue = deque(["/"])
    queued = {"/"}
    seen: list[str] = []
    failures: list[str] = []

    def offer(href: str) -> None:
        address = urlsplit(urldefrag(href)[0])
        if address.scheme not in ("http", "https") or address.netloc != origin:
            return
        path = address.path
        if path.startswith(SKIPPED_PATHS) or path.lower().endswith(DOWNLOAD_SUFFIXES):
            return
        # Each path once, with the query string of the first link to it: sort
        # orders, filters and the admin's "_changelist_filters" would otherwise
        # multiply the same page many times over.
        if path in queued:
            return
        queued.add(path)
        queue.append(f"{path}?{address.query}" if address.query else path)

    while queue:
        target = queue.popleft()
        assert len(seen) < PAGE_CAP, f"the crawl reached {PAGE_CAP} pages: {seen[-20:]}"
        try:
            response = page.goto(target)
        except PlaywrightError as error:
            if "Download is starting" in str(error):
                continue
            raise
        if response is None or _is_download(response):
            continue
        if response.status >= 400:
            failures.append(f"{target}: status {response.status}")
        # Signed out on the way (a link that ends the session) would hide the rest.
        assert "/accounts/login/" not in page.url, f"{target} led to the sign-in page"
        seen.append(target)
        try:
            assert_accessible(page)
        except AssertionError as error:
            failures.append(str(error))
        checker.record()
        for href in page.eval_on_selector_all("a[href]", "links => links.map(a => a.href)"):
            offer(href)
    return checker, seen, failures


def test_every_page_each_role_reaches_passes_axe_and_the_html_checker(
    browser,
    live_server,
    html_checker_installed,
    service,
    staff,
    coordinator,
    volunteer,
    admin_user,
    assigned_case,
):
    """Issue 27 item 7 (ACC-1 administration, NFR accessibility): no role reaches a
    page with an axe-core violation or a Nu checker error, Django admin included."""
    closed = _world(service, staff, coordinator, volunteer, admin_user)
    # Dangerous pages ask "Confirm it is you" first; confirmed once, the crawl sees them.
    confirm_first = {
        "coordinator": f"/cases/{closed.pk}/reopen/",
        "admin": "/retention/purge/",
    }
    failures: list[str] = []
    counts: dict[str, int] = {}
    admin_pages: list[str] = []
    started = datetime.datetime.now()
    for username in ("staff", "coordinator", "volunteer", "admin"):
        context = browser.new_context(base_url=live_server.url, locale="en-GB")
        try:
            page = context.new_page()
            page.set_default_timeout(15_000)
            sign_in_page(page, username)
            if username in confirm_first:
                page.goto(confirm_first[username])
                confirm_it_is_you_on(page, username)
            checker, seen, role_failures = _crawl(page, live_server.url)
            counts[username] = len(seen)
            if username == "admin":
                admin_pages = [urlsplit(address).path for address in seen]
            failures += [f"[{username}] {failure}" for failure in role_failures]
            failures += [f"[{username}] {error}" for error in checker.errors()]
        finally:
            context.close()
    print(f"pages crawled: {counts} in {datetime.datetime.now() - started}")
    assert failures == [], "\n".join(failures)
    # The crawl really went somewhere: each role's pages, the admin's changelists too.
    assert counts["staff"] >= 20 and counts["coordinator"] >= 30, counts
    assert counts["volunteer"] >= 5 and counts["admin"] >= 30, counts
    # Django admin: every list the administrator may see and, where it has rows, a
    # change form (Django's groups are registered but not theirs to see).
    for model in admin.site._registry:
        opts = model._meta
        if not any(
            admin_user.has_perm(f"{opts.app_label}.{action}_{opts.model_name}")
            for action in ("view", "change")
        ):
            continue
        changelist = reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")
        assert changelist in admin_pages, changelist
        if model.objects.exists():
            assert any(
                path.startswith(changelist) and path.endswith("/change/") for path in admin_pages
            ), f"no change form under {changelist}"
