"""GOV-4: at the first contact with a parent or carer, staff record that they told them why
the service keeps their information and that nothing is shared without their permission."""

import pytest
from django.urls import reverse

from cases.family import services as family
from cases.helpline import services as helpline
from cases.models import Case, Parent
from cases.rules import PURPOSE_NOT_EXPLAINED
from pps.rules import RuleError
from tests.cases.helpline_helpers import contact_args, new_caller_post, referral_args
from tests.cases.test_family_views import parent_post
from tests.factories import make_case, parent_fields

CALLER = reverse("helpline:caller")


def test_gov4_a_new_case_from_a_call_needs_the_record_that_the_parent_was_told(
    service, staff, client_for
):
    client = client_for(staff)
    post = new_caller_post(service)
    del post["purpose_explained"]
    response = client.post(CALLER, post)
    assert response.status_code == 200
    assert "record that you did" in response.content.decode()
    assert not Case.objects.exists()

    response = client.post(CALLER, new_caller_post(service))
    assert response.status_code == 302
    parent = Parent.objects.get()
    assert parent.purpose_explained is True
    assert parent.history.get().purpose_explained is True  # who recorded it, and when
    page = client.get(response["Location"]).content.decode()
    assert "Told why we keep information" in page and "nothing is shared without" in page


def test_gov4_the_service_refuses_a_call_without_it_but_not_a_referral(service, staff):
    with pytest.raises(RuleError, match="record that you did"):
        helpline.helpline_case_open(
            service=service,
            by=staff,
            parent=parent_fields(purpose_explained=False),
            contact=contact_args(service),
        )
    assert not Case.objects.exists()
    # A referral reaches the service before the parent does: told at the first call.
    opened = helpline.helpline_case_open(
        service=service,
        by=staff,
        parent=parent_fields(purpose_explained=False),
        contact=contact_args(service, channel="email"),
        referral=referral_args(),
    )
    assert opened.case.parents.get().purpose_explained is False


def test_gov4_a_further_parent_is_added_only_once_told_and_a_correction_records_it(
    service, staff, client_for
):
    case = make_case(service, staff, purpose_explained=False)
    with pytest.raises(RuleError, match="record that you did"):
        family.parent_add(case=case, by=staff, **parent_fields(purpose_explained=False))
    client = client_for(staff)
    add_url = reverse("cases:parent_add", args=[case.pk])
    post = parent_post()
    del post["purpose_explained"]
    response = client.post(add_url, post)
    assert response.status_code == 400 and PURPOSE_NOT_EXPLAINED[:40] in response.content.decode()
    assert case.parents.count() == 1

    # The first parent, from before it was asked: the case page says so, and the
    # correction screen records it.
    first = case.parents.get()
    page = client.get(reverse("cases:detail", args=[case.pk])).content.decode()
    assert "Not recorded" in page
    edit = reverse("cases:parent_edit", args=[case.pk, first.pk])
    assert client.post(edit, parent_post(version="1")).status_code == 302
    first.refresh_from_db()
    assert first.purpose_explained is True and first.history.count() == 2
