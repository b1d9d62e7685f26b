"""Browser journey: an administrator confirms who they are (SEC-4 sudo), previews and
confirms a purge, follows the background worker's progress on the run's page without
reloading it (OPS-2), then downloads the destruction certificate (RET-3, RET-5)."""

import io
import re
from pathlib import Path

from playwright.sync_api import expect
from pypdf import PdfReader

from cases.models import Case
from retention.models import DestructionLogEntry
from retention.services import legal_hold_place
from tests.retention.helpers import make_expired_case
from tests.retention.test_purge_task import DATABASE_BACKEND, run_worker_here


def test_admin_previews_confirms_purge_and_downloads_certificate(
    page, sign_in, confirm_it_is_you, service, staff, coordinator, admin_user, settings
):
    # The purge is queued for the worker, which this test runs when it chooses.
    settings.TASKS = DATABASE_BACKEND
    due = make_expired_case(service, staff, family_name="Hollowbrook")
    held = make_expired_case(service, staff, family_name="Heldmoor")
    legal_hold_place(case=held, reason="tribunal", by=coordinator)
    console_errors, failed_loads = [], []
    page.on(
        "console", lambda message: message.type == "error" and console_errors.append(message.text)
    )
    # Styles and scripts all load (the form's own 400 answer is intended). The
    # Django admin site, where administrators land, has no icon; ours do.
    page.on(
        "response",
        lambda r: (
            r.status >= 400
            and r.request.resource_type != "document"
            and not r.url.endswith("/favicon.ico")
            and failed_loads.append(r.url)
        ),
    )

    sign_in("admin")
    page.goto("/retention/")
    expect(page.get_by_role("heading", name="Retention", exact=True)).to_be_visible()
    page.get_by_role("link", name="Preview the purge").click()
    # Destruction asks for the password and a fresh code first, then comes back.
    expect(page).to_have_url(re.compile(r"/accounts/confirm/\?next="))
    confirm_it_is_you("admin")
    expect(page).to_have_url(re.compile(r"/retention/purge/$"))

    expect(
        page.get_by_role("heading", name="Purge records past their retention date")
    ).to_be_visible()
    expect(page.locator("#due-count")).to_have_text("1")
    expect(page.get_by_role("cell", name=due.reference)).to_be_visible()
    expect(page.get_by_role("cell", name=held.reference)).to_be_visible()  # listed as held back
    assert "Hollowbrook" not in page.content() and "Heldmoor" not in page.content()

    # Without the confirmation box: an error, nothing destroyed.
    page.get_by_role("button", name="Destroy 1 cases").click()
    expect(page.get_by_role("alert")).to_contain_text("Confirm that these records may be destroyed")
    assert Case.objects.filter(pk=due.pk).exists()

    page.get_by_label("I confirm these records are due for destruction").check()
    page.get_by_role("button", name="Destroy 1 cases").click()
    expect(page).to_have_url(re.compile(r"/retention/purge/runs/\d+/$"))
    announce = page.locator("#run-announce")
    expect(announce).to_have_attribute("aria-live", "polite")
    expect(announce).to_have_text("0 of 1 cases purged: waiting for the background worker")
    expect(page.get_by_role("link", name="Refresh")).to_be_visible()
    assert Case.objects.filter(pk=due.pk).exists()

    # The worker runs; htmx polling brings the result in without a reload.
    page.evaluate("window.notReloaded = true")
    run_worker_here()
    expect(announce).to_have_text("1 of 1 cases purged", timeout=15000)
    assert page.evaluate("window.notReloaded") is True
    expect(page.get_by_role("link", name="Refresh")).to_have_count(0)
    expect(page.locator("#run-progress")).to_have_text("1 of 1 cases")
    expect(page.locator("#run-purged")).to_have_text("1")
    assert not Case.objects.filter(pk=due.pk).exists()
    assert Case.objects.filter(pk=held.pk).exists()
    assert DestructionLogEntry.objects.get().case_reference == due.reference

    page.get_by_role("link", name="Destruction log and certificates").click()
    expect(page.get_by_role("cell", name=due.reference)).to_be_visible()
    with page.expect_download() as download_info:
        page.get_by_role("button", name="Download certificate (PDF)").click()
    download = download_info.value
    assert download.suggested_filename.startswith("DC-NORTH-")
    pdf = PdfReader(io.BytesIO(Path(download.path()).read_bytes()))
    text = " ".join(" ".join(p.extract_text().split()) for p in pdf.pages)
    assert "Certificate of destruction" in text and due.reference in text
    assert "Hollowbrook" not in text
    assert failed_loads == []
    assert [error for error in console_errors if "Failed to load resource" not in error] == []
    assert page.evaluate("document.body.classList.contains('js-enabled')")
