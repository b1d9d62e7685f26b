"""The permission-checked fetches of consent decisions, signed forms and shares
in ``consent/access.py`` (ACC-2, ACC-5, ACC-6, ACC-7).

Found and logged for staff and coordinators of the case's service; 404, logged,
for a missing id, another service's record, a volunteer (assigned or not), and
a record of another case under this case's URL.
"""

from consent.access import (
    get_consent_decision_for_user,
    get_sharing_event_for_user,
    get_signed_form_for_user,
)
from consent.sharing import sharing_record
from tests.consent.helpers import attach_scan, record
from tests.factories import make_case
from tests.record_access import assert_fetch_rule


def _cases(service, staff, other_service, other_service_staff):
    return make_case(service, staff), make_case(other_service, other_service_staff)


def test_acc6_get_consent_decision_for_user(
    assigned_case,
    service,
    staff,
    volunteer,
    volunteer_unassigned,
    other_service,
    other_service_staff,
):
    other_case, south_case = _cases(service, staff, other_service, other_service_staff)
    assert_fetch_rule(
        get_consent_decision_for_user,
        object_type="consentdecision",
        user=staff,
        record=record(assigned_case, staff),
        other_case_record=record(other_case, staff),
        other_service_record=record(south_case, other_service_staff),
        refused_users=[volunteer, volunteer_unassigned],
    )


def _signed_form(case, by):
    return attach_scan(record(case, by, "full", how="in_person"), by)


def test_acc6_get_signed_form_for_user(
    assigned_case,
    service,
    staff,
    volunteer,
    volunteer_unassigned,
    other_service,
    other_service_staff,
):
    other_case, south_case = _cases(service, staff, other_service, other_service_staff)
    assert_fetch_rule(
        get_signed_form_for_user,
        object_type="signedconsentform",
        user=staff,
        record=_signed_form(assigned_case, staff),
        other_case_record=_signed_form(other_case, staff),
        other_service_record=_signed_form(south_case, other_service_staff),
        refused_users=[volunteer, volunteer_unassigned],
    )


def _share(case, by):
    record(case, by)
    return sharing_record(
        case=case,
        kind="referral_to_agency",
        recipient_role="health",
        party="Community paediatrics",
        what="Referral",
        by=by,
    )


def test_acc6_get_sharing_event_for_user(
    assigned_case,
    service,
    staff,
    volunteer,
    volunteer_unassigned,
    other_service,
    other_service_staff,
):
    other_case, south_case = _cases(service, staff, other_service, other_service_staff)
    assert_fetch_rule(
        get_sharing_event_for_user,
        object_type="sharingevent",
        user=staff,
        record=_share(assigned_case, staff),
        other_case_record=_share(other_case, staff),
        other_service_record=_share(south_case, other_service_staff),
        refused_users=[volunteer, volunteer_unassigned],
    )
