"""A case search kept in a session is never readable there and does not outlive the
purge of the case it found (SEC-1, RET-6); ended sessions go with the daily run.

Django signs a session row but does not encrypt it: base64 of zlib of JSON,
readable from a copy of the database without any key. These tests read every
session row, and every text and blob cell of both databases, with whatever
they encode (``tests.raw_db.decoded_forms``).
"""

import datetime
import io

from django.conf import settings
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.core.management import call_command
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from cases.saved_searches import SESSION_KEY
from pps.fields import blind_index_for
from tests.factories import make_case
from tests.raw_db import decoded_forms, tables_holding
from tests.retention.helpers import make_expired_case

SURNAME = "Qzxwbrightwater"
SURVIVOR = "Survivorsonnet"
SHARED = "Ollerenshawe"


def search(client, query):
    response = client.post(reverse("cases:search"), {"q": query}, follow=True)
    assert response.status_code == 200
    return response.redirect_chain[0][0], response.content.decode()


def purge() -> str:
    out = io.StringIO()
    call_command("purge_expired", "--no-input", stdout=out)
    return out.getvalue()


def needles(surname: str) -> dict[str, bytes]:
    return {
        "surname": surname.encode(),
        "surname's blind index": blind_index_for("name", surname).encode(),
    }


def session_texts() -> list[bytes]:
    """Every session row, raw and decoded every way the scan knows."""
    rows = Session.objects.values_list("session_data", flat=True)
    return [form.lower() for row in rows for form in decoded_forms(row.encode())]


def test_sec1_a_searched_surname_is_never_readable_in_the_session(service, staff, client_for):
    case = make_case(service, staff, family_name=SURNAME)
    _url, page = search(client_for(staff), SURNAME)
    # The feature still works: the case is found and the words are back in the box.
    assert case.reference in page and f'value="{SURNAME}"' in page

    texts = session_texts()
    assert any(SESSION_KEY.encode() in text for text in texts)  # the scan reads the search
    assert not [text for text in texts if SURNAME.lower().encode() in text]
    assert "django_session" not in tables_holding({"surname": SURNAME.encode()})


def test_sec1_without_the_browsers_key_the_search_runs_but_shows_no_words(
    service, staff, client_for
):
    case = make_case(service, staff, family_name=SURNAME)
    client = client_for(staff)
    url, _page = search(client, SURNAME)
    # A browser that no longer holds the key (anything but the session cookie gone).
    for name in [name for name in client.cookies if name != settings.SESSION_COOKIE_NAME]:
        del client.cookies[name]
    page = client.get(url).content.decode()
    assert case.reference in page and f'value="{SURNAME}"' not in page


def test_ret6_sec1_searched_surname_leaves_no_trace_after_the_purge(
    service, staff, coordinator, client_for
):
    purged = make_expired_case(service, staff, family_name=SURNAME)
    survivor = make_case(service, staff, family_name=SURVIVOR)
    staff_client, coordinator_client = client_for(staff), client_for(coordinator)
    by_name, _ = search(staff_client, SURNAME)
    by_reference, _ = search(staff_client, purged.reference)
    also_by_name, _ = search(coordinator_client, SURNAME)
    survivor_url, _ = search(staff_client, SURVIVOR)
    wanted = needles(SURNAME)
    # Positive control: the family's blind index is in its rows before the purge.
    assert "cases_parent" in tables_holding(wanted)["surname's blind index"]

    assert "Purged 1 cases" in purge()

    for alias in ("default", "keystore"):
        assert tables_holding(wanted, alias) == {}, alias
    for client, url in [
        (staff_client, by_name),
        (staff_client, by_reference),
        (coordinator_client, also_by_name),
    ]:
        assert client.get(url).context["search_expired"], url
    # Only the searches that pointed at the purged case are gone.
    still = staff_client.get(survivor_url)
    assert not still.context["search_expired"]
    assert [case.pk for case in still.context["cases"]] == [survivor.pk]
    assert f'value="{SURVIVOR}"' in still.content.decode()


def test_ret6_a_search_for_a_surname_the_purged_family_shared_is_forgotten(
    service, staff, client_for
):
    make_expired_case(service, staff, family_name=SHARED)
    make_case(service, staff, family_name=SHARED)
    client = client_for(staff)
    url, _ = search(client, SHARED)
    assert "Purged 1 cases" in purge()
    assert client.get(url).context["search_expired"]


def test_cas6_ret6_partial_soundalike_and_phone_searches_for_a_purged_family_are_forgotten(
    service, staff, client_for
):
    """A search by a surname's beginning, its sound or a phone number keeps those
    digests: one that found the purged family goes; one that found another stays."""
    purged = make_expired_case(service, staff, family_name=SURNAME, phone="07700 900777")
    survivor = make_case(service, staff, family_name=SURVIVOR)
    client = client_for(staff)
    gone = []
    for query in (SURNAME[:5], SURNAME + SURNAME[-1], "+44 7700 900777"):
        url, page = search(client, query)
        assert purged.reference in page, query  # found before the purge
        gone.append(url)
    kept, page = search(client, SURVIVOR[:4])
    assert survivor.reference in page

    assert "Purged 1 cases" in purge()

    for url in gone:
        assert client.get(url).context["search_expired"], url
    still = client.get(kept)
    assert not still.context["search_expired"]
    assert [case.pk for case in still.context["cases"]] == [survivor.pk]


def test_ret6_the_daily_run_clears_ended_sessions(service, staff, client_for):
    client = client_for(staff)
    search(client, SURNAME)
    ended = SessionStore()
    ended[SESSION_KEY] = {"old": SURNAME}  # as an old release kept them
    ended.set_expiry(timezone.now() - datetime.timedelta(minutes=1))
    ended.save()
    assert Session.objects.filter(session_key=ended.session_key).exists()

    output = purge()  # nothing is due: the sessions are cleared all the same

    assert "Nothing is due" in output and "Expired sessions cleared: 1" in output
    assert not Session.objects.filter(session_key=ended.session_key).exists()
    assert Session.objects.filter(session_key=client.session.session_key).exists()


@override_settings(SESSION_COOKIE_SECURE=True)
def test_sec1_the_browsers_key_is_a_secure_httponly_host_cookie(service, staff, client_for):
    response = client_for(staff).post(reverse("cases:search"), {"q": SURNAME}, secure=True)
    cookie = response.cookies["__Host-searchkey"]
    assert cookie["httponly"] and cookie["secure"] and cookie["path"] == "/"
    assert cookie["samesite"] == "Lax" and not cookie["max-age"] and not cookie["domain"]
