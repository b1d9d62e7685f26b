"""Reliability (SEC-4; ASVS 5.0 2.3.3, 2.3.4, 15.4.2): conflicts, double submissions,
serialised state changes, and database constraints behind every rule."""

import datetime

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from cases import services
from cases.models import Case, Contact, Parent, VolunteerAssignment
from pps.security.idempotency import KEY_FIELD
from pps.security.models import FormSubmission
from tests.consent.helpers import record as record_consent
from tests.factories import make_case, make_user


def edit(client, case, *, summary, version, key=None):
    data = {"summary": summary, "assigned_staff": "", "version": version}
    if key:
        data[KEY_FIELD] = key
    return client.post(reverse("cases:edit", args=[case.pk]), data)


# --- optimistic locking --------------------------------------------------------------


def test_sec4_two_people_editing_at_once_get_a_conflict_not_an_overwrite(
    case, staff, coordinator, client_for
):
    first, second = client_for(staff), client_for(coordinator)
    version = case.version
    assert first.get(reverse("cases:edit", args=[case.pk])).status_code == 200
    assert second.get(reverse("cases:edit", args=[case.pk])).status_code == 200

    assert edit(first, case, summary="First person's words", version=version).status_code == 302
    clash = edit(second, case, summary="Second person's words", version=version)

    assert clash.status_code == 409
    page = clash.content.decode()
    assert "Someone else saved changes" in page
    assert "First person&#x27;s words" in page  # what is saved now
    assert "Second person&#x27;s words" in page  # what they typed, kept in the form
    case.refresh_from_db()
    assert case.summary == "First person's words" and case.version == version + 1

    # Having seen both, they can save deliberately over the new version.
    again = edit(second, case, summary="Second person's words", version=case.version)
    assert again.status_code == 302
    case.refresh_from_db()
    assert case.summary == "Second person's words" and case.history.count() == 4


def test_sec4_a_forged_or_missing_version_changes_nothing(case, staff, client_for):
    client = client_for(staff)
    for version in ["", "abc", "-1", "99999999999999"]:
        response = edit(client, case, summary="Forged", version=version)
        assert response.status_code in (200, 409), version
    case.refresh_from_db()
    assert case.summary != "Forged"


# --- double submission -------------------------------------------------------------------


def test_sec4_a_form_sent_twice_is_acted_on_once(case, staff, client_for):
    client = client_for(staff)
    version = case.version
    key = "8a4d2c0e-5a1b-4f43-9c7e-2f6b1d3e9a10"
    first = edit(client, case, summary="Said once", version=version, key=key)
    second = edit(client, case, summary="Said once", version=version, key=key)
    assert first.status_code == second.status_code == 302
    assert second["Location"] == first["Location"]
    follow = client.get(second["Location"]).content.decode()
    assert "already been sent" in follow
    case.refresh_from_db()
    assert case.version == version + 1 and case.history.count() == 3
    assert FormSubmission.objects.get(key=key).completed_at is not None


def test_sec4_a_form_refused_for_bad_input_can_be_corrected_and_sent_again(case, staff, client_for):
    client = client_for(staff)
    key = "0f1e2d3c4b5a69788796a5b4c3d2e1f0"
    bad = edit(client, case, summary="bell \x07 character", version=case.version, key=key)
    assert bad.status_code == 200 and "unusual invisible characters" in bad.content.decode()
    assert not FormSubmission.objects.filter(key=key).exists()
    good = edit(client, case, summary="Corrected", version=case.version, key=key)
    assert good.status_code == 302


def test_sec4_idempotency_keys_are_per_user(case, staff, coordinator, client_for):
    key = "shared-key-0123456789abcdef"
    edit(client_for(staff), case, summary="Staff edit", version=case.version, key=key)
    case.refresh_from_db()
    response = edit(
        client_for(coordinator), case, summary="Coordinator edit", version=case.version, key=key
    )
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.summary == "Coordinator edit"


# --- serialised state changes (ASVS 15.4.2: check and act as one) -------------------------------


def test_asvs_15_4_2_a_stale_copy_cannot_close_a_case_twice(case, staff):
    stale = Case.objects.get(pk=case.pk)
    services.case_close(case=case, by=staff)
    with pytest.raises(services.RuleError, match="Only an open case"):
        services.case_close(case=stale, by=staff)
    assert case.history.filter(status="closed").count() == 1


def test_asvs_15_4_2_a_volunteer_cannot_be_assigned_to_a_case_closed_meanwhile(
    case, staff, volunteer, coordinator
):
    stale = Case.objects.get(pk=case.pk)
    services.case_close(case=case, by=staff)
    with pytest.raises(services.RuleError, match="open cases"):
        services.volunteer_assign(case=stale, volunteer=volunteer, by=coordinator)
    assert not volunteer.has_perm("cases.view_case", case)


def test_asvs_2_3_3_a_failed_rule_rolls_back_everything(case, staff, service, other_service):
    stranger = make_user(other_service, "staff")
    version = case.version
    with pytest.raises(services.RuleError):
        services.case_update(
            case=case, by=staff, expected_version=version, summary="x", assigned_staff=stranger
        )
    case.refresh_from_db()
    assert case.version == version and case.summary != "x"


def test_sec4_an_archived_case_is_read_only(case, staff, coordinator, client_for):
    services.case_close(case=case, by=staff)
    services.case_archive(case=case, by=staff)
    # Archived cases leave staff's everyday view (RET-2); coordinators still see them.
    client = client_for(coordinator)
    assert client.get(reverse("cases:edit", args=[case.pk]))["Location"] == reverse(
        "cases:detail", args=[case.pk]
    )
    with pytest.raises(services.RuleError, match="read-only"):
        services.case_update(
            case=case, by=staff, expected_version=case.version, summary="x", assigned_staff=None
        )


# --- database constraints behind the rules -------------------------------------------------------


def breaks_a_constraint(write) -> bool:
    try:
        with transaction.atomic():
            write()
    except IntegrityError:
        return True
    return False


def test_sec4_the_database_refuses_what_the_rules_forbid(service, staff, volunteer, coordinator):
    case = make_case(service, staff)
    parent = case.parents.get()
    contact = services.contact_log(
        case=case, by=staff, channel="helpline", topic=service.topics.first(), outcome="advice"
    )
    record_consent(case, coordinator)  # the parent agreed to a volunteer (CON-8)
    assignment = services.volunteer_assign(case=case, volunteer=volunteer, by=coordinator)

    def update(model, pk, **values):
        return lambda: model.objects.filter(pk=pk).update(**values)

    assert breaks_a_constraint(update(Case, case.pk, status="deleted"))
    assert breaks_a_constraint(
        update(Case, case.pk, status="archived", closed_on=timezone.localdate())
    )
    assert breaks_a_constraint(update(Case, case.pk, version=0))
    assert breaks_a_constraint(update(Parent, parent.pk, storage_agreed_how=""))  # REF-3
    assert breaks_a_constraint(update(Parent, parent.pk, parental_responsibility="maybe"))
    assert breaks_a_constraint(update(Contact, contact.pk, channel="carrier pigeon"))
    assert breaks_a_constraint(
        update(
            VolunteerAssignment,
            assignment.pk,
            ended_at=assignment.assigned_at - datetime.timedelta(days=1),
        )
    )
    assert breaks_a_constraint(lambda: service.topics.create(name=""))
    # ...while the values the forms allow are fine.
    assert not breaks_a_constraint(update(Contact, contact.pk, channel="voicemail"))


@pytest.mark.parametrize("posted", [str(2**80), "-1", "0", "999999999999999999999999"])
def test_sec4_out_of_range_ids_are_form_errors_not_crashes(service, posted):
    from django import forms

    from cases.models import Topic
    from pps.form_fields import ModelChoiceField, ModelMultipleChoiceField

    class Probe(forms.Form):
        one = ModelChoiceField(queryset=Topic.objects.all())
        many = ModelMultipleChoiceField(queryset=Topic.objects.all())

    form = Probe(data={"one": posted, "many": [posted]})
    assert not form.is_valid()
    assert set(form.errors) == {"one", "many"}
