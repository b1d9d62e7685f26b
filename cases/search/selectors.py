"""Finding a family from one search box, and the helpline's finder (CAS-6).

A query becomes *criteria*: digests only, never the words, so the case list
can keep them in the session (``cases.saved_searches``). Keys:

- ``case``: a case id (a reference, "PPS-2026-00042", or its number);
- ``phone``, ``postcode``: a parent's phone number or postcode;
- ``child``: a child's first name with the date of birth ("Amelia 27/03/2015");
- ``name``, ``prefix``, ``sound``, ``sound2``: anything else is a surname,
  matched whole, by its beginning (3 letters or more) and by how it sounds
  (Double Metaphone's primary and alternate codes).

A value of ``None`` matches nothing (a name of punctuation only, an impossible
date). Matching reads the blind-index columns and ``SearchTerm`` by digest and
always within ``cases.access.visible_cases``.
"""

import datetime
import re

from django.db.models import Q, QuerySet

from cases.access import sees_archived_cases, visible_cases
from cases.models import Case, Child, Parent, SearchTerm
from cases.search.terms import PREFIX_MIN, child_digest, prefix_digest, sound_digests
from pps import normalise
from pps.fields import blind_index_for
from pps.models import User

REFERENCE_PATTERN = re.compile(r"^(?:PPS-\d{4}-)?0*(\d{1,12})$", re.IGNORECASE)
# Digits with the usual spacing and punctuation; a number of ten or more digits
# starting 0 (or +44/44, which the phone normaliser turns into 0) is a phone.
PHONE_PATTERN = re.compile(r"^\+?[0-9 ()-]{7,24}$")
POSTCODE_PATTERN = re.compile(r"^[A-Z]{1,2}[0-9][A-Z0-9]?\s*[0-9][A-Z]{2}$", re.IGNORECASE)
CHILD_PATTERN = re.compile(
    r"^(?P<name>[^\d/]+?)\s+(?P<day>\d{1,2})[/.-](?P<month>\d{1,2})[/.-](?P<year>\d{4})$"
)

# How each criterion matched, as the results say it.
MATCH_LABELS = {
    "case": "reference",
    "name": "surname",
    "prefix": "beginning of surname",
    "sound": "surname sounds alike",
    "sound2": "surname sounds alike",
    "phone": "phone number",
    "postcode": "postcode",
    "child": "child's first name and date of birth",
}
SURNAME_KEYS = ("name", "prefix", "sound", "sound2")
# Criteria looked up in SearchTerm rather than a column of the person.
TERM_KEYS = ("prefix", "sound", "sound2", "child")
# Criteria on a parent's own blind-index columns.
PARENT_COLUMNS = {"name": "family_name_bidx", "phone": "phone_bidx", "postcode": "postcode_bidx"}


class QueryProblem(ValueError):
    """The query has the shape of a date of birth search but no real date."""


def surname_criteria(text: str) -> dict:
    normalised = normalise.name(text or "")
    if not normalised:
        return {"name": None}
    # Under 3 letters only the whole surname ("Li", "Ng"): a beginning that short,
    # or its sound, would match a large part of the service.
    short = len(normalised) < PREFIX_MIN
    sounds = [] if short else sound_digests(normalised)
    return {
        "name": blind_index_for("name", text),
        "prefix": None if short else prefix_digest(normalised),
        # Double Metaphone's primary code, and its alternate if it has one.
        "sound": sounds[0] if sounds else None,
        "sound2": sounds[1] if len(sounds) > 1 else None,
    }


def phone_criteria(text: str) -> dict:
    return {"phone": blind_index_for("phone", text)}


def postcode_criteria(text: str) -> dict:
    return {"postcode": blind_index_for("postcode", text)}


def child_date(day: str, month: str, year: str) -> datetime.date:
    try:
        return datetime.date(int(year), int(month), int(day))
    except ValueError as exc:
        raise QueryProblem(
            "Date of birth must be a real date, for example Amelia 27/03/2015"
        ) from exc


def _is_phone(text: str) -> bool:
    digits = normalise.phone(text)
    return bool(PHONE_PATTERN.match(text)) and len(digits) >= 10 and digits.startswith("0")


def search_criteria(query: str) -> dict:
    """What one search box query looks for (see the module docstring); ``{}`` for
    nothing typed. Raises ``QueryProblem`` for a name and date with no real date."""
    query = " ".join((query or "").split())
    if not query:
        return {}
    child = CHILD_PATTERN.match(query)
    if child:
        born = child_date(child["day"], child["month"], child["year"])
        return {"child": child_digest(child["name"], born)}
    if POSTCODE_PATTERN.match(query):
        return postcode_criteria(query)
    if _is_phone(query):
        return phone_criteria(query)
    reference = REFERENCE_PATTERN.match(query)
    if reference:
        return {"case": int(reference.group(1))}
    return surname_criteria(query)


def query_problem(query: str) -> str | None:
    """Why a query cannot be searched, said for the form (None if it can)."""
    try:
        search_criteria(query)
    except QueryProblem as problem:
        return str(problem)
    return None


def _digests(criteria: dict, keys) -> list[str]:
    return [criteria[key] for key in keys if criteria.get(key)]


def matching_case_ids(criteria: dict):
    """The ids of cases with a person matching any criterion (not access-checked), as
    one UNION of index-only lookups; None if the criteria can match nothing."""
    lookups = []
    for key, column in PARENT_COLUMNS.items():
        if criteria.get(key):
            lookups.append(Parent.objects.filter(**{column: criteria[key]}).values("case_id"))
    if criteria.get("name"):
        lookups.append(Child.objects.filter(family_name_bidx=criteria["name"]).values("case_id"))
    terms = _digests(criteria, TERM_KEYS)
    if terms:
        lookups.append(SearchTerm.objects.filter(digest__in=terms).values("case_id"))
    if not lookups:
        return None
    # Unordered: a compound statement's parts cannot be ordered, and need not be.
    lookups = [lookup.order_by() for lookup in lookups]
    return lookups[0].union(*lookups[1:]) if len(lookups) > 1 else lookups[0]


def search_cases_matching(user: User, criteria: dict, *, archived: bool = False) -> QuerySet[Case]:
    """Visible cases matching ``search_criteria`` (``{}``: every visible case).

    Archived cases are out of everyday lists and search; ``archived=True`` asks
    for them instead (RET-2). The encrypted summary is deferred: lists never
    show it, and decrypting it would unwrap each case's key one query at a time
    before ``with_people`` can load them all at once.
    """
    cases = visible_cases(user).select_related("assigned_staff").defer("summary")
    archived_only = Q(status=Case.Status.ARCHIVED)
    if archived:
        cases = cases.filter(archived_only)
    elif sees_archived_cases(user):
        # For anyone else ``visible_cases`` has already left them out: saying
        # it twice made PostgreSQL misjudge the pager's count (a parallel scan,
        # 20 ms instead of 16 at 100,000 cases).
        cases = cases.exclude(archived_only)
    if not criteria:
        return cases
    if "case" in criteria:
        return cases.filter(pk=criteria["case"])
    # One set of case ids from index-only lookups. An OR across joins to the
    # people's tables scans every case; an OR of IN lists makes PostgreSQL walk
    # the service's cases testing each against each (69 ms for a surname of
    # 115 cases at 100,000, against 12 ms for the union; SQLite 13 -> 10 ms).
    matching = matching_case_ids(criteria)
    if matching is None:
        return cases.none()
    return cases.filter(pk__in=matching)


def labels_for(keys) -> list[str]:
    """What to show for the ways one case matched: a whole surname says it all."""
    keys = set(keys)
    if "name" in keys:
        keys -= {"prefix", "sound", "sound2"}
    labels = [MATCH_LABELS[key] for key in MATCH_LABELS if key in keys]
    return list(dict.fromkeys(labels))


def how_matched(criteria: dict, case_ids) -> dict[int, list[str]]:
    """For a page of found cases, how each matched (one query; none for a reference)."""
    case_ids = list(case_ids)
    if not criteria or not case_ids:
        return {}
    if "case" in criteria:
        return {case_id: [MATCH_LABELS["case"]] for case_id in case_ids}
    key_of = {criteria[key]: key for key in MATCH_LABELS if criteria.get(key)}
    lookups = []
    for key, column in PARENT_COLUMNS.items():
        if criteria.get(key):
            lookups.append(
                Parent.objects.filter(case_id__in=case_ids, **{column: criteria[key]}).values_list(
                    "case_id", column
                )
            )
    if criteria.get("name"):
        lookups.append(
            Child.objects.filter(
                case_id__in=case_ids, family_name_bidx=criteria["name"]
            ).values_list("case_id", "family_name_bidx")
        )
    terms = _digests(criteria, TERM_KEYS)
    if terms:
        lookups.append(
            SearchTerm.objects.filter(case_id__in=case_ids, digest__in=terms).values_list(
                "case_id", "digest"
            )
        )
    if not lookups:
        return {}
    lookups = [lookup.order_by() for lookup in lookups]
    rows = lookups[0].union(*lookups[1:]).order_by() if len(lookups) > 1 else lookups[0]
    found: dict[int, set[str]] = {}
    for case_id, digest in rows:
        found.setdefault(case_id, set()).add(key_of[digest])
    return {case_id: labels_for(keys) for case_id, keys in found.items()}


def parent_conditions(criteria: dict) -> dict[str, Q]:
    """Each criterion as a condition on a parent row (the helpline's ranking needs
    to know which of them each parent matched)."""
    conditions = {}
    for key, column in PARENT_COLUMNS.items():
        if criteria.get(key):
            conditions[key] = Q(**{column: criteria[key]})
    for key in ("prefix", "sound", "sound2"):
        if criteria.get(key):
            matching = SearchTerm.objects.filter(digest=criteria[key], parent__isnull=False)
            conditions[key] = Q(pk__in=matching.values("parent_id"))
    return conditions
