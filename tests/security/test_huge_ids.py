"""An id no database integer can hold is a 404 or a form error, never a 500 (SEC-4).

``GET /cases/99999999999999999999999/`` as staff overflowed the access log's
insert (OverflowError on SQLite, DataError on PostgreSQL): a 500. The same
on every ``<int:...>`` URL and on the helpline's ``case_choice``. The
authorisation matrix tries every URL with an id
(``test_sec4_matrix_huge_ids_are_not_found``); these are the reported cases
and every form field that takes an id.
"""

import pytest
from django import forms
from django.test import Client
from django.urls import reverse

from cases.models import Contact
from tests.cases.helpline_helpers import contact_post
from tests.security.project_forms import all_project_form_classes, build_form

HUGE = [str(2**63), str(10**30), "99999999999999999999999"]
ID_FIELDS = (
    forms.ModelChoiceField,
    forms.IntegerField,
    forms.TypedChoiceField,
    forms.ChoiceField,
)
# Text fields that carry an id (a case chosen from the search, the purge's list).
ID_TEXT_FIELDS = {"case_choice", "case_ids"}


def test_sec4_a_huge_case_id_in_the_url_is_not_found(staff, case):
    client = Client(raise_request_exception=False)
    client.force_login(staff)
    for huge in HUGE:
        for path in (f"/cases/{huge}/", f"/cases/{huge}/edit/", f"/retention/cases/{huge}/"):
            assert client.get(path).status_code == 404, path
    assert client.get(f"/cases/{case.pk}/").status_code == 200


def test_sec4_a_huge_case_choice_is_a_form_error(service, staff, client_for):
    for huge in HUGE:
        response = client_for(staff).post(
            reverse("helpline:caller"), contact_post(service, case_choice=huge, notes="x")
        )
        assert response.status_code == 200
        assert "Choose a case from the list, or open a new case." in response.content.decode()
    assert not Contact.objects.exists()


@pytest.mark.parametrize("form_class", all_project_form_classes(), ids=lambda c: c.__qualname__)
def test_sec4_every_id_field_of_every_form_refuses_huge_ids(form_class, case, staff):
    fields = build_form(form_class, {}, case=case, user=staff).fields
    for name, field in fields.items():
        if not (isinstance(field, ID_FIELDS) or name in ID_TEXT_FIELDS):
            continue
        for huge in HUGE:
            several = (forms.MultipleChoiceField, forms.ModelMultipleChoiceField)
            value = [huge] if isinstance(field, several) else huge
            form = build_form(form_class, {name: value}, case=case, user=staff)
            assert not form.is_valid()  # and raised nothing
            assert name in form.errors, (name, huge)
