"""One family's whole life in the service, with the keyboard only (CAS-1 to CAS-7, RET-1 to RET-6).

A helpline worker takes the first call and arranges a callback, adds the second
parent, records an SEN need the parent describes and a professional's report from
the case file (the report itself uploaded), makes the callback and marks it done, and closes the case. The clock
then moves past the destruction date; an administrator purges; nothing of the family
is left. Every page on the way passes axe-core and the W3C Nu HTML checker.
"""

import datetime
import re
from unittest import mock

from django.utils import timezone
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError
from playwright.sync_api import expect

from cases.helpline.forms import PURPOSE_EXPLAINED_LABEL
from cases.models import Case, ChildInformation, ChildInformationDocument, Parent, Task
from demo.documents import tiny_pdf
from retention.models import CaseRetention, DestructionLogEntry
from tests.e2e.page_checks import assert_accessible, tab_to, watch_console
from tests.raw_db import tables_containing

SURNAME = "Quennellworth"
SECOND_PARENT = "Tobias"
CHILD = "Marigold"
REPORT_PDF = tiny_pdf(f"Educational psychologist's report on {CHILD} {SURNAME}")


def tab_until(page, predicate: str, *, limit: int = 120) -> None:
    """Press Tab until ``predicate`` (JavaScript, given the focused element) holds."""
    for _ in range(limit):
        if page.evaluate(f"(element => {predicate})(document.activeElement)"):
            return
        page.keyboard.press("Tab")
    raise AssertionError(f"Tab never reached an element where {predicate}")


def type_into(page, locator, text: str) -> None:
    tab_to(page, locator, limit=120)
    page.keyboard.type(text)


def tick(page, label: str) -> None:
    tab_to(page, page.get_by_label(label), limit=120)
    page.keyboard.press("Space")


def activate(page, locator) -> None:
    """Tab to a link or button and press Enter, as a keyboard user does; wait for the
    page it leads to."""
    tab_to(page, locator, limit=120)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    page.wait_for_load_state("networkidle")


def choose_radio(page, label: str) -> None:
    """Tab into the radio group, then arrow to the choice (only one radio of a group is a
    tab stop, and arrow keys move the choice)."""
    target = page.get_by_label(label, exact=True)
    name = target.get_attribute("name")
    tab_until(page, f"element.type === 'radio' && element.name === {name!r}")
    for _ in range(12):
        if target.is_checked():
            return
        if not page.evaluate("document.activeElement.checked"):
            page.keyboard.press("Space")
        else:
            page.keyboard.press("ArrowDown")
    raise AssertionError(f"the arrow keys never reached {label!r}")


def choose_option(page, label: str, option: str) -> None:
    """Tab to a select and type the start of the option: the browser's type-ahead."""
    type_into(page, page.get_by_label(label, exact=True), option)
    expect(page.get_by_label(label, exact=True).locator("option:checked")).to_have_text(option)


def open_file_chooser_with_space(page, file_input, *, attempts: int = 3):
    """Space on the focused file input opens the file chooser. On a loaded machine
    headless Chromium now and then drops the first key press (the chooser never
    opens, though the input has focus), so the press is repeated, each time from
    the focused input: an input the keyboard cannot open still fails every time."""
    for attempt in range(attempts):
        assert file_input.evaluate("element => element === document.activeElement")
        try:
            with page.expect_file_chooser(timeout=10_000) as chooser:
                page.keyboard.press("Space")
            return chooser.value
        except PlaywrightTimeoutError:
            if attempt == attempts - 1:
                raise


def type_date(page, legend: str, day: datetime.date) -> None:
    """Type into the day, month and year boxes, over whatever a form offers (the close
    form offers today)."""
    group = page.get_by_role("group", name=legend)
    tab_to(page, group.get_by_label("Day"), limit=120)
    for part in (day.day, day.month, day.year):
        page.keyboard.press("Control+A")
        page.keyboard.type(str(part))
        page.keyboard.press("Tab")


def checked_page(page, html_checker) -> None:
    assert_accessible(page)
    html_checker.record()


def test_a_family_from_first_call_to_destruction_with_the_keyboard_only(
    page, sign_in, confirm_it_is_you, html_checker, service, staff, admin_user
):
    errors = watch_console(page)
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)

    # 1. The first call: the parent agrees to their details being kept, and a callback
    # is arranged in the same form.
    sign_in("staff")
    checked_page(page, html_checker)  # the staff home page
    page.keyboard.press("Alt+Shift+N")
    expect(page.get_by_role("heading", name="New contact")).to_be_visible()
    checked_page(page, html_checker)
    choose_radio(page, "Yes, the parent or carer agrees")
    activate(page, page.get_by_role("button", name="Continue"))
    expect(page).to_have_url(re.compile(r"/helpline/caller/$"))
    checked_page(page, html_checker)
    type_into(page, page.get_by_label("Parent or carer's surname"), SURNAME)
    expect(page.get_by_role("status")).to_have_text(re.compile("No matching"))
    choose_option(page, "Topic", "Annual review")
    choose_option(page, "Outcome", "Callback arranged")
    type_date(page, "Callback date", tomorrow)
    type_into(page, page.get_by_label("Callback time"), "10:30")
    type_into(page, page.get_by_label("Note for the callback (optional)"), "Ring after school.")
    tick(page, PURPOSE_EXPLAINED_LABEL)  # GOV-4: told why, at this first contact
    type_into(page, page.get_by_label("First name", exact=True), "Harriet")
    choose_option(page, "Relationship to the child", "Mother")
    choose_radio(page, "Holds parental responsibility")
    type_into(page, page.get_by_label("Child's first name"), CHILD)
    activate(page, page.get_by_role("button", name="Save contact"))
    expect(page.get_by_role("heading", name=re.compile(r"PPS-\d{4}-\d{5}"))).to_be_visible()
    case = Case.objects.get()
    checked_page(page, html_checker)
    callback = Task.objects.get(case=case)
    assert (callback.owner, callback.due_at.date(), callback.note) == (
        staff,
        tomorrow,
        "Ring after school.",
    )

    # 2. The second parent, added in one screen and one save.
    activate(page, page.get_by_role("link", name="Add a parent or carer"))
    checked_page(page, html_checker)
    type_into(page, page.get_by_label("First name"), SECOND_PARENT)
    type_into(page, page.get_by_label("Surname"), SURNAME)
    choose_radio(page, "Father")
    choose_radio(page, "Holds parental responsibility")
    type_into(page, page.get_by_label("Phone number"), "07700 900 461")
    choose_radio(page, "By telephone")  # the date they agreed is today, already filled in
    tick(page, PURPOSE_EXPLAINED_LABEL)
    activate(page, page.get_by_role("button", name="Add parent or carer"))
    expect(page.get_by_role("heading", name=f"{SECOND_PARENT} {SURNAME} (Father)")).to_be_visible()
    checked_page(page, html_checker)
    assert sorted(p.given_name for p in Parent.objects.filter(case=case)) == [
        "Harriet",
        SECOND_PARENT,
    ]

    # 3. What the parent says about the child's needs, and a report from the case file.
    for kind, source, text in (
        (
            "Special educational needs",
            "Supplied by the parent",
            "Dyslexia; struggles with reading.",
        ),
        (
            "Professional report",
            "Case file (school, LA or professional)",
            "Educational psychologist's report, May 2026.",
        ),
    ):
        activate(page, page.get_by_role("link", name=f"Add information about {CHILD} {SURNAME}"))
        checked_page(page, html_checker)
        choose_radio(page, kind)
        choose_radio(page, source)
        type_into(page, page.get_by_label("What is known"), text)
        activate(page, page.get_by_role("button", name="Add information"))
        expect(page.get_by_text(text)).to_be_visible()
    checked_page(page, html_checker)
    assert sorted(ChildInformation.objects.filter(case=case).values_list("source", flat=True)) == [
        "case_file",
        "parent",
    ]
    # The report itself, attached to its item: the file chooser opened from the keyboard.
    activate(page, page.get_by_role("link", name="Attach a document to professional report"))
    checked_page(page, html_checker)
    upload = page.get_by_label("Upload a file")
    tab_to(page, upload, limit=120)
    open_file_chooser_with_space(page, upload).set_files(
        files=[{"name": "report.pdf", "mimeType": "application/pdf", "buffer": REPORT_PDF}]
    )
    type_into(page, page.get_by_label("Title (optional)"), "Educational psychologist, May 2026")
    activate(page, page.get_by_role("button", name="Attach document"))
    expect(page.get_by_role("link", name="Educational psychologist, May 2026")).to_be_visible()
    checked_page(page, html_checker)
    assert ChildInformationDocument.objects.get(case=case).content == REPORT_PDF
    page.goto(f"/cases/{case.pk}/")

    # 4. The callback is made: the task is marked done.
    activate(page, page.get_by_role("link", name="Tasks: callbacks and follow-ups"))
    checked_page(page, html_checker)
    activate(page, page.get_by_role("button", name=re.compile(r"^Done")))
    callback.refresh_from_db()
    assert (callback.state, callback.finished_by) == ("done", staff)
    checked_page(page, html_checker)

    # 5. The case closes today, with a reason: its destruction date is set and shown.
    page.goto(f"/cases/{case.pk}/")
    activate(page, page.get_by_role("link", name="Close this case"))
    checked_page(page, html_checker)
    type_date(page, "Date the case closed", timezone.localdate())
    choose_radio(page, "Support complete: the family's questions are answered")
    activate(page, page.get_by_role("button", name="Close the case"))
    case.refresh_from_db()
    destroy_on = CaseRetention.objects.get(case=case).destroy_on
    assert case.status == "closed" and destroy_on > timezone.localdate()
    expect(page.get_by_text(destroy_on.strftime("%-d %B %Y")).first).to_be_visible()
    checked_page(page, html_checker)

    # 6. The clock moves past the destruction date; an administrator purges.
    moved = destroy_on - timezone.localdate() + datetime.timedelta(days=1)
    real_now = timezone.now
    with mock.patch("django.utils.timezone.now", lambda: real_now() + moved):
        page.context.clear_cookies()
        sign_in("admin")
        page.goto("/retention/purge/")
        confirm_it_is_you("admin")
        expect(page.locator("#due-count")).to_have_text("1")
        checked_page(page, html_checker)
        tab_to(page, page.get_by_label("I confirm these records are due for destruction"))
        page.keyboard.press("Space")
        activate(page, page.get_by_role("button", name="Destroy 1 cases"))
        # The purge is a background task (run at once here); its page announces the count.
        expect(page.locator("#run-announce")).to_have_text("1 of 1 cases purged")
        expect(page.locator("#run-purged")).to_have_text("1")
        checked_page(page, html_checker)

    # 7. The family is gone: no row holds their name, only the destruction log's line.
    assert not Case.objects.exists()
    destroyed = DestructionLogEntry.objects.get(kind=DestructionLogEntry.Kind.CASE)
    assert destroyed.case_reference == case.reference
    # Years on, the journey's own sign-in records are past their rule too (GOV-7).
    assert set(DestructionLogEntry.objects.values_list("kind", flat=True)) <= {
        DestructionLogEntry.Kind.CASE,
        DestructionLogEntry.Kind.SECURITY_EVENTS,
    }
    for name in (SURNAME, SECOND_PARENT, CHILD, "Dyslexia", "Ring after school"):
        assert tables_containing(name) == set(), name
    html_checker.assert_valid()
    assert errors == []
