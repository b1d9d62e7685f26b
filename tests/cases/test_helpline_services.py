"""The helpline's rules, proved at the service layer (REF-1 to REF-7, SEC-4)."""

import contextlib
import datetime
import uuid

import pytest
from django.db import IntegrityError, models, transaction
from django.utils import timezone

from cases import services
from cases.helpline import services as helpline
from cases.models import (
    AnonymousContact,
    Case,
    CaseLink,
    Contact,
    Parent,
    Referral,
    Voicemail,
)
from pps.crypto import EncryptionKeyError
from pps.keystore.models import DataKey
from pps.submission import AlreadySaved, save_once
from tests.cases.helpline_helpers import contact_args, referral_args, topic_of
from tests.factories import make_case, parent_fields
from tests.raw_db import tables_containing


def open_call(service, staff, *, child=None, referral=None, **kwargs):
    return helpline.helpline_case_open(
        service=service,
        by=staff,
        parent=parent_fields(family_name="Pennyfeather", given_name="Imelda"),
        child=child,
        contact=contact_args(service),
        referral=referral,
        **kwargs,
    )


# --- REF-1 -------------------------------------------------------------------


def test_ref1_service_topics_are_the_configurable_default_list(service):
    assert list(service.topics.values_list("name", flat=True)) == [
        "EHC needs assessment",
        "School exclusion",
        "SEN support in school",
        "Tribunal / appeal",
        "Transport",
        "Annual review",
        "Other",
    ]


def test_ref1_a_contact_records_channel_time_staff_topic_outcome(case, staff, service):
    args = contact_args(service, channel="email", outcome="signposted")
    contact = services.contact_log(case=case, by=staff, notes="n", **args)
    contact.refresh_from_db()
    assert (contact.channel, contact.outcome, contact.staff, contact.topic) == (
        "email",
        "signposted",
        staff,
        topic_of(service),
    )
    assert contact.occurred_at == args["occurred_at"]


def test_ref1_topic_of_another_service_is_refused(case, staff, other_service):
    with pytest.raises(services.RuleError):
        services.contact_log(case=case, by=staff, **contact_args(other_service))
    assert not Contact.objects.exists()


# --- REF-2 -------------------------------------------------------------------


def test_ref2_anonymous_contact_has_no_field_that_could_identify(service, staff):
    free_text = [
        f.name
        for f in AnonymousContact._meta.concrete_fields
        if isinstance(f, (models.CharField, models.TextField, models.BinaryField)) and not f.choices
    ]
    assert free_text == []
    contact = services.anonymous_contact_log(service=service, by=staff, **contact_args(service))
    assert contact.pk and not hasattr(contact, "case")


def test_ref2_anonymous_contact_cannot_record_casework(service, staff):
    with pytest.raises(services.RuleError):
        services.anonymous_contact_log(
            service=service, by=staff, **contact_args(service, outcome="casework")
        )
    assert not AnonymousContact.objects.exists()


# --- REF-3 -------------------------------------------------------------------


def test_ref3_no_agreement_to_storage_no_record(service, staff):
    parent = parent_fields(family_name="Nobodyknows", storage_agreed_on=None)
    with pytest.raises(services.RuleError):
        helpline.helpline_case_open(
            service=service, by=staff, parent=parent, contact=contact_args(service)
        )
    assert not Case.objects.exists() and not Parent.objects.exists()
    assert tables_containing("Nobodyknows") == set()


def test_ref3_new_case_records_agreement_date_and_method(service, staff):
    opened = open_call(service, staff)
    parent = opened.case.parents.get()
    assert parent.storage_agreed_on == datetime.date.today()
    assert parent.storage_agreed_how == "telephone"
    assert opened.contact.case == opened.case


# --- REF-4 -------------------------------------------------------------------


@pytest.mark.parametrize("missing", ["agreement_evidence", "parent_agreed_on", "parent_agreed_how"])
def test_ref4_referral_without_parental_agreement_saves_nothing(service, staff, missing):
    referral = referral_args(**{missing: "" if missing != "parent_agreed_on" else None})
    with pytest.raises(services.RuleError, match="parent agreed"):
        open_call(service, staff, referral=referral)
    assert not Case.objects.exists() and not Referral.objects.exists()
    assert tables_containing("Pennyfeather") == set()
    assert tables_containing("Quibble") == set()


def test_ref4_referral_needs_referrer_name_organisation_and_role(service, staff):
    with pytest.raises(services.RuleError, match="referrer"):
        open_call(service, staff, referral=referral_args(organisation=" "))
    assert not Case.objects.exists()


def test_ref4_referral_with_evidence_is_recorded_encrypted(service, staff):
    opened = open_call(service, staff, referral=referral_args())
    referral = opened.case.referrals.get()
    assert (referral.referrer_name, referral.organisation, referral.referrer_role) == (
        "Ottoline Quibble",
        "Hillside Primary School",
        "SENCO",
    )
    assert referral.agreement_evidence.startswith("Signed parental consent")
    # Names and evidence are ciphertext at rest, history included.
    assert tables_containing("Quibble") == set()
    assert tables_containing("parental consent section") == set()
    assert referral.history.count() == 1


def test_ref4_database_refuses_a_referral_without_evidence(case, staff):
    referral = Referral(
        case=case, recorded_by=staff, **referral_args(agreement_evidence="", parent_agreed_how="")
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        referral.save()


# --- REF-5 -------------------------------------------------------------------


@pytest.fixture
def case_without_pr(service, staff):
    return make_case(service, staff, parental_responsibility="unknown")


def test_ref5_in_depth_support_needs_parental_responsibility(case, case_without_pr, staff):
    assert services.case_allows_in_depth_support(case)
    assert not services.case_allows_in_depth_support(case_without_pr)
    services.parent_add(
        case=case_without_pr, by=staff, **parent_fields(parental_responsibility="no")
    )
    assert not services.case_allows_in_depth_support(case_without_pr)
    services.parent_add(
        case=case_without_pr, by=staff, **parent_fields(parental_responsibility="yes")
    )
    assert services.case_allows_in_depth_support(case_without_pr)


def test_ref5_no_casework_without_parental_responsibility(case_without_pr, staff, service):
    with pytest.raises(services.RuleError, match="parental responsibility"):
        services.contact_log(
            case=case_without_pr, by=staff, **contact_args(service, outcome="casework")
        )
    assert not Contact.objects.exists()
    # General information is still given and logged.
    services.contact_log(
        case=case_without_pr, by=staff, **contact_args(service, outcome="information")
    )
    assert Contact.objects.count() == 1


def test_ref5_no_volunteer_without_parental_responsibility(case_without_pr, volunteer, coordinator):
    with pytest.raises(services.RuleError, match="parental responsibility"):
        services.volunteer_assign(case=case_without_pr, volunteer=volunteer, by=coordinator)
    assert not case_without_pr.volunteer_assignments.exists()
    assert not volunteer.has_perm("cases.view_case", case_without_pr)


def test_ref5_casework_allowed_with_parental_responsibility(case, staff, service):
    services.contact_log(case=case, by=staff, **contact_args(service, outcome="casework"))
    assert case.contacts.get().outcome == "casework"


# --- REF-6 -------------------------------------------------------------------


@pytest.fixture
def mothers_case(service, staff):
    case = make_case(service, staff, family_name="Pennyfeather", given_name="Rosalind")
    services.child_add(
        case=case,
        by=staff,
        given_name="Ava",
        family_name="Pennyfeather",
        date_of_birth=datetime.date(2015, 3, 27),
    )
    return case


AVA = {
    "given_name": "Ava",
    "family_name": "pennyfeather",
    "date_of_birth": datetime.date(2015, 3, 27),
}


def test_ref6_same_child_from_another_parent_opens_a_separate_unlinked_case(
    mothers_case, service, staff
):
    opened = open_call(service, staff, child=AVA)
    assert opened.case.pk != mothers_case.pk
    assert (opened.separate_enquiries, opened.linked) == (1, 0)
    assert not CaseLink.objects.exists()
    # Nothing of the mother's case is attached to the new one, or changed in it.
    assert opened.case.parents.get().given_name == "Imelda"
    assert opened.case.children.count() == 1 and mothers_case.children.count() == 1
    assert mothers_case.parents.get().given_name == "Rosalind"


def test_ref6_link_only_on_the_callers_word(mothers_case, service, staff):
    opened = open_call(service, staff, child=AVA, caller_knows_other_contact=True)
    link = CaseLink.objects.get()
    assert {link.case_id, link.other_case_id} == {opened.case.pk, mothers_case.pk}
    assert link.caller_stated_knowledge and link.recorded_by == staff
    assert opened.linked == 1
    with pytest.raises(services.RuleError):
        helpline.case_link_record(
            case=opened.case, other_case=mothers_case, by=staff, caller_stated_knowledge=False
        )


def test_ref6_database_refuses_a_link_without_the_callers_statement(mothers_case, case, staff):
    first, second = sorted([mothers_case, case], key=lambda c: c.pk)
    with pytest.raises(IntegrityError), transaction.atomic():
        CaseLink.objects.create(
            case=first, other_case=second, caller_stated_knowledge=False, recorded_by=staff
        )


def test_ref6_other_services_children_are_not_separate_enquiries(
    mothers_case, other_service, other_service_staff
):
    opened = open_call(other_service, other_service_staff, child=AVA)
    assert opened.separate_enquiries == 0


# --- REF-7 -------------------------------------------------------------------


def log_voicemail(service, staff, number="07700 900 982"):
    return helpline.voicemail_log(
        service=service,
        by=staff,
        received_at=contact_args(service)["occurred_at"],
        caller_number=number,
        summary="Wants to talk about a refused EHC needs assessment.",
        action_taken="Called back, no answer.",
    )


def test_ref7_voicemail_is_encrypted_under_its_own_key(service, staff, case):
    voicemail = log_voicemail(service, staff)
    assert voicemail.data_key_id != case.data_key_id
    assert tables_containing("900 982") == set()
    assert tables_containing("refused EHC") == set()
    voicemail.refresh_from_db()
    assert voicemail.caller_number == "07700 900 982"


def test_ref7_logged_on_a_case_the_message_moves_and_is_erased(
    service, staff, case, django_capture_on_commit_callbacks
):
    voicemail = log_voicemail(service, staff)
    key_id = voicemail.data_key_id
    with django_capture_on_commit_callbacks(execute=True):
        contact = helpline.voicemail_log_on_case(
            voicemail=voicemail,
            case=case,
            by=staff,
            topic=topic_of(service),
            outcome="callback",
            callback={"due_at": timezone.now()},
        )
    assert (contact.channel, contact.case) == ("voicemail", case)
    assert "refused EHC needs assessment" in contact.notes
    assert "Called back, no answer." in contact.notes
    voicemail.refresh_from_db()
    assert (voicemail.status, voicemail.case, voicemail.caller_number, voicemail.summary) == (
        "on_case",
        case,
        "",
        "",
    )
    assert not DataKey.objects.filter(id=key_id).exists()
    # The earlier history rows are crypto-shredded with the key.
    with pytest.raises(EncryptionKeyError):
        voicemail.history.earliest("history_date")
    with pytest.raises(services.RuleError, match="already"):
        helpline.voicemail_log_anonymously(
            voicemail=voicemail, by=staff, topic=topic_of(service), outcome="advice"
        )


def test_ref7_anonymous_caller_leaves_only_an_anonymous_contact(
    service, staff, django_capture_on_commit_callbacks
):
    voicemail = log_voicemail(service, staff)
    with django_capture_on_commit_callbacks(execute=True):
        helpline.voicemail_log_anonymously(
            voicemail=voicemail, by=staff, topic=topic_of(service), outcome="information"
        )
    anonymous = AnonymousContact.objects.get()
    assert (anonymous.channel, anonymous.occurred_at) == ("voicemail", voicemail.received_at)
    voicemail.refresh_from_db()
    assert voicemail.status == "anonymous" and voicemail.caller_number == ""
    assert not DataKey.objects.filter(id=voicemail.data_key_id).exists()


def test_ref7_database_refuses_a_dealt_with_message_that_keeps_its_content(service, staff):
    voicemail = log_voicemail(service, staff)
    voicemail.status = Voicemail.Status.ANONYMOUS
    with pytest.raises(IntegrityError), transaction.atomic():
        voicemail.save()


def test_ref7_voicemail_needs_a_number_or_a_message(service, staff):
    with pytest.raises(services.RuleError):
        helpline.voicemail_log(
            service=service,
            by=staff,
            received_at=contact_args(service)["occurred_at"],
            caller_number=" ",
            summary="",
        )
    assert not Voicemail.objects.exists()


# --- SEC-4 -------------------------------------------------------------------


def test_sec4_double_submit_saves_one_contact(case, staff, service):
    submission = uuid.uuid4()

    def save():
        return services.contact_log(
            case=case, by=staff, submission_id=submission, **contact_args(service)
        )

    first = save_once(Contact, submission, save)
    with pytest.raises(AlreadySaved) as again:
        save_once(Contact, submission, save)
    assert again.value.record == first
    assert Contact.objects.count() == 1


def test_sec4_racing_double_submit_is_stopped_by_the_database(case, staff, service):
    """The other submission commits between our check and our insert."""
    submission = uuid.uuid4()

    def log():
        return services.contact_log(
            case=case, by=staff, submission_id=submission, **contact_args(service)
        )

    def racing_save():
        log()  # the other request, just ahead of us
        return log()

    with pytest.raises(AlreadySaved) as again:
        save_once(Contact, submission, racing_save)
    assert Contact.objects.get() == again.value.record


def test_sec4_double_submit_of_a_new_call_opens_one_case(service, staff):
    submission = uuid.uuid4()
    for _ in range(2):
        with contextlib.suppress(AlreadySaved):
            save_once(
                Contact, submission, lambda: open_call(service, staff, submission_id=submission)
            )
    assert Case.objects.count() == 1 and Contact.objects.count() == 1


def test_archived_case_takes_no_new_contact(case, staff, service):
    services.case_close(case=case, by=staff)
    services.case_archive(case=case, by=staff)
    with pytest.raises(services.RuleError, match="archived"):
        services.contact_log(case=case, by=staff, **contact_args(service))


def test_contacts_have_history_with_the_acting_user(case, staff, service):
    contact = services.contact_log(case=case, by=staff, **contact_args(service))
    assert contact.history.get().history_user == staff
