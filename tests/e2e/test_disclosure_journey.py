"""Browser journey for disclosure (DIS-4, DIS-5): a coordinator approves and releases a request.

The request is logged by staff, who also recorded the parent's notice and
signed consent; the coordinator confirms who they are (sudo), approves, picks
what to release and downloads the pack, marked on every page.
"""

import io
import re

from playwright.sync_api import expect
from pypdf import PdfReader

from disclosure.models import DisclosureRequest
from pps.models import User
from pps.pdf import MARKING
from tests.consent.helpers import record
from tests.disclosure.helpers import answer, log_request, notify
from tests.factories import PASSWORD, make_case
from tests.two_factor import authenticator, next_code


def test_coordinator_approves_and_releases_a_request(
    page, sign_in, service, staff, coordinator, tmp_path
):
    case = make_case(service, staff, summary="Parent asked about the EHC needs assessment.")
    record(case, staff, "full")
    request = log_request(case, staff)
    notify(request, staff)
    answer(request, staff)
    console_errors = []
    page.on("console", lambda m: m.type == "error" and console_errors.append(m.text))

    sign_in("coordinator")
    page.goto(f"/cases/{case.pk}/")
    page.get_by_role("link", name="Disclosure log and requests for information").click()
    page.get_by_role("link", name=f"Request {request.pk}").click()
    page.get_by_role("link", name="Approve or refuse").click()

    # Approving is a dangerous action: confirm who you are first.
    expect(page.get_by_role("heading", name="Confirm it is you")).to_be_visible()
    page.get_by_label("Your password").fill(PASSWORD)
    device = authenticator(User.objects.get(username="coordinator"))
    page.get_by_label("Code from your authenticator app").fill(next_code(device))
    page.get_by_role("button", name="Confirm").click()

    expect(
        page.get_by_role("heading", name=f"Approve or refuse request {request.pk}")
    ).to_be_visible()
    expect(page.get_by_text("Consent check: The parent gave full consent")).to_be_visible()
    page.get_by_role("button", name="Approve").click()
    expect(page.get_by_text("Request approved.")).to_be_visible()

    page.get_by_role("link", name="Prepare the release").click()
    page.get_by_label(re.compile(r"^Enquiry: opened")).check()
    page.get_by_role("button", name="Release the pack").click()
    expect(
        page.get_by_text("Released. The pack and the parents' copies are recorded.")
    ).to_be_visible()

    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download the pack as released (PDF)").click()
    saved = tmp_path / "pack.pdf"
    download_info.value.save_as(saved)
    pages = [p.extract_text() for p in PdfReader(io.BytesIO(saved.read_bytes())).pages]
    assert all(MARKING in text and case.reference in text for text in pages)
    assert "Parent asked about the EHC needs assessment." in "\n".join(pages)

    request = DisclosureRequest.objects.get(pk=request.pk)
    assert request.state == "released" and request.decided_by == coordinator
    assert request.release.copies.count() == 1
    assert console_errors == []
