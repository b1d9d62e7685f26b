"""The release step previews the pack and ticks every item at once (DIS-5).

The preview is the release's own rendering of exactly the ticked items, and
nothing else: no release, no share recorded, no copy sent, the read logged.
"Select all" works without JavaScript (the page again, all ticked).
"""

import re

import pytest
from django.core import mail
from django.urls import reverse

from consent.models import SharingEvent
from disclosure import views
from disclosure.items import case_items
from disclosure.models import DisclosureRelease, State
from pps.models import AccessLogEntry
from tests.disclosure.helpers import approved_request
from tests.two_factor import with_sudo


def url(name, request):
    return reverse(f"disclosure:{name}", args=[request.case_id, request.pk])


@pytest.fixture
def approved(case, staff, coordinator):
    return approved_request(case, staff, coordinator)


def ticked(page: str) -> set[str]:
    boxes = re.findall(r'<input class="govuk-checkboxes__input"[^>]*>', page)
    return {re.search(r'value="([^"]*)"', box).group(1) for box in boxes if " checked" in box}


def test_dis5_select_all_ticks_every_item_without_javascript(approved, coordinator, client_for):
    client = with_sudo(client_for(coordinator))
    keys = {item.key for item in case_items(approved.case)}
    assert len(keys) > 1
    page = client.get(url("release", approved)).content.decode()
    assert ticked(page) == set()
    assert 'name="select" value="all"' in page and 'data-select-items="release-form"' in page

    page = client.get(url("release", approved) + "?select=all").content.decode()
    assert ticked(page) == keys
    assert ticked(client.get(url("release", approved) + "?select=none").content.decode()) == set()


def test_dis5_preview_renders_the_ticked_items_and_releases_nothing(
    approved, coordinator, client_for, monkeypatch
):
    rendered = []
    real_render = views.render_pack

    def spy(disclosure, pack, **kwargs):
        rendered.append(pack.keys)
        return real_render(disclosure, pack, **kwargs)

    monkeypatch.setattr(views, "render_pack", spy)
    client = with_sudo(client_for(coordinator))
    page = client.get(url("release", approved)).content.decode()
    assert url("release_preview", approved) in page
    shares, reads = SharingEvent.objects.count(), AccessLogEntry.objects.count()
    mail.outbox.clear()

    response = client.post(
        url("release_preview", approved), {"version": approved.version, "items": ["summary:0"]}
    )
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert rendered == [["summary:0"]]

    approved.refresh_from_db()
    assert approved.state == State.APPROVED
    assert not DisclosureRelease.objects.filter(request=approved).exists()
    assert SharingEvent.objects.count() == shares and mail.outbox == []
    read = AccessLogEntry.objects.order_by("-id").first()
    assert AccessLogEntry.objects.count() == reads + 1
    assert (read.object_type, read.object_id, read.action, read.allowed) == (
        "disclosurerequest",
        str(approved.pk),
        AccessLogEntry.Action.VIEW,
        True,
    )


def test_dis5_preview_needs_a_ticked_item(approved, coordinator, client_for):
    client = with_sudo(client_for(coordinator))
    response = client.post(url("release_preview", approved), {"version": approved.version})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")
    assert "govuk-error-summary" in response.content.decode()
