"""Case searches kept in the user's session, so the searched words never enter a URL.

A surname typed into the case search is personal data. URLs end up in browser
history, server and proxy logs and Referer headers (ASVS 14.2.1), so the search
form POSTs, the search is kept here under a random token, and the results page
and its pagination carry only the token. A token means nothing outside the
session that made it, and ends with that session.

The session row is a database row that outlives a purge until the session ends,
and Django only signs it (base64 and zlib, readable without any key). So it
never holds the words (SEC-1, RET-6): it keeps what the search looks for (a
case id, or blind-index digests: ``cases.search.selectors``) and, to show the
words again in the search box, the words encrypted under a key that only the
browser holds (an HttpOnly cookie that ends with the browser session). A copy
of the database alone reads neither. The purge removes every saved search pointing at a
purged case from every session (``saved_searches_forget``).
"""

import base64
import binascii
import secrets
from dataclasses import dataclass
from importlib import import_module

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.conf import settings
from django.utils import timezone

from cases.models import Case, Child, Parent, SearchTerm
from cases.search.selectors import search_criteria

SESSION_KEY = "pps_case_searches"
# Enough for a few tabs and the back button; older searches must be typed again.
KEPT = 10
KEY_BYTES = 32
NONCE_BYTES = 12
# Sessions rewritten, and ids or digests looked up, per statement.
BATCH = 500
# Where a digest a search looks for can be (cases.search.selectors).
DIGEST_COLUMNS = (
    (Parent, ("family_name_bidx", "phone_bidx", "postcode_bidx")),
    (Child, ("family_name_bidx",)),
    (SearchTerm, ("digest",)),
)


@dataclass(frozen=True)
class SavedSearch:
    criteria: dict
    # None when the browser no longer holds the key: the search still runs.
    words: str | None


def key_cookie_name() -> str:
    # Same rules as the session cookie: __Host- (Secure, path /, no domain) in production.
    return "__Host-searchkey" if settings.SESSION_COOKIE_SECURE else "pps_searchkey"


def browser_key(request) -> bytes:
    """The key the browser holds for its searches' words, or a new one."""
    try:
        key = base64.urlsafe_b64decode(request.COOKIES.get(key_cookie_name(), ""))
    except (binascii.Error, ValueError):
        key = b""
    return key if len(key) == KEY_BYTES else secrets.token_bytes(KEY_BYTES)


def keep_browser_key(response, key: bytes) -> None:
    """Hand the key to the browser for as long as the browser session lasts."""
    response.set_cookie(
        key_cookie_name(),
        base64.urlsafe_b64encode(key).decode(),
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
        samesite=settings.SESSION_COOKIE_SAMESITE,
    )


def search_remember(session, query: str, *, key: bytes) -> str:
    token = secrets.token_urlsafe(16)
    nonce = secrets.token_bytes(NONCE_BYTES)
    sealed = nonce + AESGCM(key).encrypt(nonce, query.encode(), token.encode())
    searches = dict(session.get(SESSION_KEY, {}))
    searches[token] = {
        "criteria": search_criteria(query),
        "words": base64.b64encode(sealed).decode(),
    }
    session[SESSION_KEY] = dict(list(searches.items())[-KEPT:])
    return token


def search_recall(session, token: str, *, key: bytes) -> SavedSearch | None:
    saved = session.get(SESSION_KEY, {}).get(token)
    if not isinstance(saved, dict) or not isinstance(saved.get("criteria"), dict):
        return None  # unknown, or kept in the old form (the words)
    words = None
    try:
        sealed = base64.b64decode(saved["words"])
        words = AESGCM(key).decrypt(sealed[:NONCE_BYTES], sealed[NONCE_BYTES:], token.encode())
        words = words.decode()
    except (InvalidTag, ValueError, KeyError):
        words = None
    return SavedSearch(criteria=saved["criteria"], words=words)


def search_marks(case_ids) -> dict[int, set[str]]:
    """Each case's search digests: what a saved search pointing at it could hold
    (its people's surname, phone and postcode indexes and their ``SearchTerm`` rows)."""
    marks: dict[int, set[str]] = {case_id: set() for case_id in case_ids}
    for model, columns in DIGEST_COLUMNS:
        rows = model.objects.filter(case_id__in=list(marks)).values_list("case_id", *columns)
        for case_id, *digests in rows:
            marks[case_id].update(digest for digest in digests if digest)
    return marks


def _batches(values: set):
    values = sorted(values)
    for start in range(0, len(values), BATCH):
        yield values[start : start + BATCH]


def _still_there(case_ids: set[int], digests: set[str]) -> tuple[set[int], set[str]]:
    cases, live = set(), set()
    for batch in _batches(case_ids):
        cases |= set(Case.objects.filter(pk__in=batch).values_list("pk", flat=True))
    for batch in _batches(digests):
        for model, columns in DIGEST_COLUMNS:
            for column in columns:
                found = model.objects.filter(**{f"{column}__in": batch})
                live |= set(found.values_list(column, flat=True))
    return cases, live


def _criteria_digests(criteria: dict) -> set[str]:
    """The digests a saved search looks for (every criterion but a case id)."""
    return {value for key, value in criteria.items() if key != "case" and isinstance(value, str)}


def saved_searches_forget(*, case_ids: set[int], digests: set[str]) -> int:
    """Remove every saved search that points at a purged case, from every session.

    One pass over the live sessions per purge run (never per case). A search
    points at a purged case if it names the case, or any digest it looks for
    (surname, its beginning or sound, phone, postcode, child) is one the case
    held (even if other families share it), or it names a case no record holds
    any more, or digests none of which any record holds (which also covers a run
    that stopped before reaching this step). Returns the number of searches removed.
    """
    store_class = import_module(settings.SESSION_ENGINE).SessionStore
    store = store_class()
    model = store_class.get_model_class()
    found = []
    for row in (
        model.objects.filter(expire_date__gt=timezone.now())
        .only("session_key", "session_data")
        .iterator(chunk_size=BATCH)
    ):
        searches = store.decode(row.session_data).get(SESSION_KEY)
        if searches:
            found.append((row, searches))
    named = [saved.get("criteria", {}) for _, searches in found for saved in searches.values()]
    named = [criteria for criteria in named if isinstance(criteria, dict)]
    existing, live = _still_there(
        {criteria["case"] for criteria in named if "case" in criteria},
        set().union(*(_criteria_digests(criteria) for criteria in named)),
    )

    def points_at_purged(saved) -> bool:
        criteria = saved.get("criteria") if isinstance(saved, dict) else None
        if not isinstance(criteria, dict):
            return True  # the old form held the words themselves
        if "case" in criteria:
            return criteria["case"] in case_ids or criteria["case"] not in existing
        wanted = _criteria_digests(criteria)
        return bool(wanted) and (bool(wanted & digests) or not wanted & live)

    removed = 0
    for row, searches in found:
        kept = {token: saved for token, saved in searches.items() if not points_at_purged(saved)}
        if len(kept) == len(searches):
            continue
        removed += len(searches) - len(kept)
        data = store.decode(row.session_data)
        data[SESSION_KEY] = kept
        # Only if the session has not changed since it was read; a request that
        # saves it meanwhile keeps its own copy until the next run or its end.
        model.objects.filter(pk=row.pk, session_data=row.session_data).update(
            session_data=store.encode(data)
        )
    return removed
