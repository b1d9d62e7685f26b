"""The permission-checked fetches of a case's parents, assignments, letters,
statements and case studies (ACC-2, ACC-5, ACC-6, ACC-7).

Each loads one record of one case in ``cases/access.py`` or
``cases/letters/access.py``: found and logged for who may read it; 404, logged,
for a missing id, another service's record, a volunteer, and a record of
another case under this case's URL.
"""

from cases import services as case_services
from cases.access import get_assignment_for_user, get_parent_for_user
from cases.case_studies.access import get_case_study_for_user
from cases.case_studies.services import case_study_prepare
from cases.letters.access import get_letter_for_user, get_privacy_statement_for_user
from cases.letters.services import letter_send, privacy_statement_send
from pps.models import AccessLogEntry
from tests.consent.helpers import record as record_consent
from tests.factories import make_case, make_user
from tests.record_access import assert_fetch_rule


def _cases(service, staff, other_service, other_service_staff):
    return make_case(service, staff), make_case(other_service, other_service_staff)


def _letter(case, by):
    return letter_send(
        case=case, parent=case.parents.get(), kind="closure", method="post", details={}, by=by
    )


def test_acc6_get_letter_for_user(
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
        get_letter_for_user,
        object_type="letter",
        user=staff,
        record=_letter(assigned_case, staff),
        other_case_record=_letter(other_case, staff),
        other_service_record=_letter(south_case, other_service_staff),
        refused_users=[volunteer, volunteer_unassigned],
    )


def test_acc7_get_letter_for_user_logs_the_download_as_a_download(case, staff):
    letter = _letter(case, staff)
    get_letter_for_user(staff, case.pk, letter.pk, action=AccessLogEntry.Action.DOWNLOAD)
    entry = AccessLogEntry.objects.get(object_type="letter")
    assert (entry.action, entry.object_id, entry.case_id) == ("download", str(letter.pk), case.pk)


def _statement(case, by):
    return privacy_statement_send(parent=case.parents.get(), method="post", by=by)


def test_acc6_get_privacy_statement_for_user(
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
        get_privacy_statement_for_user,
        object_type="privacystatementsent",
        user=staff,
        record=_statement(assigned_case, staff),
        other_case_record=_statement(other_case, staff),
        other_service_record=_statement(south_case, other_service_staff),
        refused_users=[volunteer, volunteer_unassigned],
    )


def test_acc6_get_case_study_for_user(
    assigned_case,
    service,
    staff,
    coordinator,
    volunteer,
    volunteer_unassigned,
    other_service,
    other_service_staff,
):
    other_case, south_case = _cases(service, staff, other_service, other_service_staff)
    south_coordinator = make_user(other_service, "coordinator")
    assert_fetch_rule(
        get_case_study_for_user,
        object_type="casestudy",
        user=coordinator,
        record=case_study_prepare(case=assigned_case, by=coordinator),
        other_case_record=case_study_prepare(case=other_case, by=coordinator),
        other_service_record=case_study_prepare(case=south_case, by=south_coordinator),
        # Case studies are the coordinators' alone (COM-6).
        refused_users=[staff, volunteer, volunteer_unassigned],
    )


def test_acc6_get_parent_for_user(
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
        get_parent_for_user,
        object_type="parent",
        user=staff,
        record=assigned_case.parents.get(),
        other_case_record=other_case.parents.get(),
        other_service_record=south_case.parents.get(),
        refused_users=[volunteer, volunteer_unassigned],
    )


def _assignment(case, coordinator, volunteer):
    record_consent(case, coordinator)  # the parent agreed to a volunteer (CON-8)
    return case_services.volunteer_assign(case=case, volunteer=volunteer, by=coordinator)


def test_acc6_get_assignment_for_user(
    assigned_case,
    service,
    staff,
    coordinator,
    volunteer,
    volunteer_unassigned,
    other_service,
    other_service_staff,
):
    other_case, south_case = _cases(service, staff, other_service, other_service_staff)
    south_coordinator = make_user(other_service, "coordinator")
    assert_fetch_rule(
        get_assignment_for_user,
        object_type="volunteerassignment",
        user=coordinator,
        record=assigned_case.volunteer_assignments.get(),
        other_case_record=_assignment(other_case, coordinator, make_user(service, "volunteer")),
        other_service_record=_assignment(
            south_case, south_coordinator, make_user(other_service, "volunteer")
        ),
        # Only coordinators assign and unassign (ACC-4).
        refused_users=[staff, volunteer, volunteer_unassigned],
    )
