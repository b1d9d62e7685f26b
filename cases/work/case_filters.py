"""The case list's filters and column sorting (CAS-4).

A GET form (nothing personal: a caseworker's id, a status, dates), so a
filtered list can be bookmarked and paged. Sorting is by a whitelisted column
key; every ordering ends with the primary key, so the list's order is total
and ``pps.paging.IdFirstPaginator`` can read a deep page from the far end.
"""

from django import forms
from django.db.models import QuerySet

from cases.models import Case
from pps.date_fields import DateField
from pps.form_fields import PlainTextForm
from pps.models import User
from pps.roles import CASE_WORKER_ROLES

NOT_ASSIGNED = "none"

# Column key -> ordering, ascending; "-key" is the same, descending.
SORTS = {
    "reference": ("reference", "id"),
    "opened": ("opened_on", "id"),
    "status": ("status", "opened_on", "id"),
}
DEFAULT_SORT = "-opened"
COLUMNS = (("reference", "Reference"), ("opened", "Opened"), ("status", "Status"))


def ordering_for(sort: str) -> tuple[str, ...]:
    descending = sort.startswith("-")
    fields = SORTS.get(sort.lstrip("-")) or SORTS["opened"]
    if not descending:
        return fields
    return tuple(field[1:] if field.startswith("-") else f"-{field}" for field in fields)


class CaseFilterForm(PlainTextForm):
    caseworker = forms.ChoiceField(label="Caseworker", required=False)
    status = forms.ChoiceField(
        label="Status",
        required=False,
        choices=[
            ("", "Any"),
            (Case.Status.OPEN, Case.Status.OPEN.label),
            (Case.Status.CLOSED, Case.Status.CLOSED.label),
        ],
        error_messages={"invalid_choice": "Choose a status from the list."},
    )
    opened_from = DateField(
        label="Opened on or after", required=False, help_text="For example, 1 9 2026."
    )
    opened_to = DateField(
        label="Opened on or before", required=False, help_text="For example, 31 12 2026."
    )
    sort = forms.ChoiceField(
        required=False,
        widget=forms.HiddenInput,
        choices=[(key, key) for name in SORTS for key in (name, f"-{name}")],
    )

    def __init__(self, *args, user: User, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["caseworker"].error_messages["invalid_choice"] = (
            "Choose a caseworker from the list."
        )
        if user.role in CASE_WORKER_ROLES:
            workers = User.objects.filter(
                service_id=user.service_id, role__in=CASE_WORKER_ROLES, is_active=True
            ).order_by("first_name", "last_name", "pk")
            self.fields["caseworker"].choices = [
                ("", "Anyone"),
                (NOT_ASSIGNED, "Not assigned"),
                *((str(w.pk), w.get_full_name() or w.get_username()) for w in workers),
            ]
        else:
            # A volunteer's list is their own assigned cases: no caseworker filter.
            del self.fields["caseworker"]

    def clean(self):
        data = super().clean()
        start, end = data.get("opened_from"), data.get("opened_to")
        if start and end and end < start:
            self.add_error(
                "opened_to", "Opened on or before must be the same as or after opened on or after."
            )
        return data

    @property
    def filtering(self) -> bool:
        """Whether any filter narrows the list (the sort alone does not)."""
        data = getattr(self, "cleaned_data", {})
        return any(data.get(name) for name in ("caseworker", "status", "opened_from", "opened_to"))


def filtered_cases(cases: QuerySet[Case], data: dict) -> QuerySet[Case]:
    """``cases`` narrowed by a valid ``CaseFilterForm``'s data and put in its order."""
    caseworker = data.get("caseworker")
    if caseworker == NOT_ASSIGNED:
        cases = cases.filter(assigned_staff__isnull=True)
    elif caseworker:
        cases = cases.filter(assigned_staff_id=int(caseworker))
    if data.get("status"):
        cases = cases.filter(status=data["status"])
    if data.get("opened_from"):
        cases = cases.filter(opened_on__gte=data["opened_from"])
    if data.get("opened_to"):
        cases = cases.filter(opened_on__lte=data["opened_to"])
    return cases.order_by(*ordering_for(data.get("sort") or DEFAULT_SORT))


def sort_links(params, current: str) -> list[dict]:
    """Each sortable column: its link (``params``, the list's other GET parameters,
    kept; back to the first page) and its ``aria-sort``."""
    links = []
    for key, label in COLUMNS:
        if current == key:
            state, next_sort = "ascending", f"-{key}"
        elif current == f"-{key}":
            state, next_sort = "descending", key
        else:
            state, next_sort = "none", key
        query = params.copy()
        query.pop("page", None)
        query["sort"] = next_sort
        links.append({"label": label, "aria_sort": state, "href": f"?{query.urlencode()}"})
    return links


def paging_params(params) -> str:
    """The filters and sort, for the pager's links (which add the page, the saved
    search's token and the archived flag themselves)."""
    query = params.copy()
    for name in ("page", "search", "archived"):
        query.pop(name, None)
    return query.urlencode()
