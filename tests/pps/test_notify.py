"""Email: personal information only with permission, marked Confidential; otherwise coded (COM-2, COM-3)."""

import datetime

import pytest
from django.core import mail

from cases import services
from pps.history import save_as
from pps.notify import (
    NotificationRefused,
    coded_reference,
    email_parent,
    email_third_party,
    notify_staff,
)
from tests.factories import make_case, make_user


@pytest.fixture(autouse=True)
def _staff_have_email_addresses(staff, coordinator):
    for user in (staff, coordinator):
        user.email = f"{user.username}@example.org"
        user.save(update_fields=["email"])


@pytest.fixture
def named_case(service, staff):
    case = make_case(
        service,
        staff,
        given_name="Ann",
        family_name="Featherstonehaugh",
        phone="07700 900123",
        email="ann.f@example.com",
        address="12 Larkspur Gardens\nLittle Wenham",
        postcode="NR1 4QT",
        email_permission=False,
    )
    services.child_add(
        case=case,
        by=staff,
        given_name="Jasper",
        family_name="Featherstonehaugh",
        date_of_birth=datetime.date(2016, 3, 14),
    )
    return case


def test_com3_coded_reference_is_initials_and_date_of_birth_or_the_case_reference(
    named_case, staff
):
    child = named_case.children.get()
    assert coded_reference(child) == "JF 14/03/2016"
    assert coded_reference(named_case) == named_case.reference
    no_birthday = services.child_add(case=named_case, by=staff, given_name="Kit", family_name="F")
    assert coded_reference(no_birthday) == named_case.reference


def test_com2_no_personal_email_without_the_parents_permission(named_case):
    parent = named_case.parents.get()
    with pytest.raises(NotificationRefused, match="not agreed"):
        email_parent(parent=parent, subject="Your appointment", body="Dear Ann")
    assert mail.outbox == []


def test_com2_personal_email_with_permission_is_marked_confidential(named_case, staff):
    parent = named_case.parents.get()
    parent.email_permission = True
    save_as(parent, staff)
    email_parent(
        parent=parent,
        subject="Your appointment",
        body="Dear Ann",
        attachments=[("letter.pdf", b"%PDF-1.7", "application/pdf")],
    )
    (message,) = mail.outbox
    assert message.subject == "Confidential: Your appointment"
    assert message.to == ["ann.f@example.com"]
    assert message.attachments[0][0] == "letter.pdf"


@pytest.mark.parametrize(
    "body",
    [
        "Mrs Featherstonehaugh rang again",
        "jasper is refusing school",
        "Call back on 07700900123",
        "Call back on +44 7700 900 123",
        "Her email is ANN.F@example.com",
        "Lives at 12 larkspur gardens",
        "Postcode nr14qt",
        "Ann called",
    ],
)
def test_com3_staff_notification_refuses_anything_identifying(named_case, coordinator, body):
    with pytest.raises(NotificationRefused, match="coded reference"):
        notify_staff(
            case=named_case, recipients=[coordinator], subject="Override recorded", body=body
        )
    assert mail.outbox == []


def test_com3_staff_notification_carries_the_coded_reference(named_case, coordinator, staff):
    child = named_case.children.get()
    sent = notify_staff(
        case=named_case,
        recipients=[coordinator, staff],
        subject="Child-protection override to review",
        body="An override was recorded. Annual review of the plan is also due.",
        child=child,
    )
    assert sent == 2
    subjects = {message.subject for message in mail.outbox}
    assert subjects == {"[JF 14/03/2016] Child-protection override to review"}
    for message in mail.outbox:
        assert "Featherstonehaugh" not in message.subject + message.body
        assert "Jasper" not in message.subject + message.body


def test_com3_staff_notifications_stay_within_the_service(
    named_case, other_service_staff, volunteer
):
    for outsider in (other_service_staff, volunteer):
        with pytest.raises(NotificationRefused, match="own service"):
            notify_staff(case=named_case, recipients=[outsider], subject="x", body="y")
    assert mail.outbox == []


def test_com3_staff_without_an_email_address_are_skipped(named_case, service):
    nobody = make_user(service, "coordinator", email="")
    assert notify_staff(case=named_case, recipients=[nobody], subject="x", body="y") == 0


def test_com3_third_party_email_coded_and_checked(named_case):
    with pytest.raises(NotificationRefused):
        email_third_party(
            case=named_case, to="senco@school.example.org", subject="Jasper", body="Meeting"
        )
    with pytest.raises(NotificationRefused, match="valid email"):
        email_third_party(case=named_case, to="not an address", subject="x", body="y")
    assert mail.outbox == []
    email_third_party(
        case=named_case,
        to="senco@school.example.org",
        subject="Meeting about support",
        body="Please call the service about the pupil below.",
        child=named_case.children.get(),
    )
    (message,) = mail.outbox
    assert message.subject == "Confidential: [JF 14/03/2016] Meeting about support"


def test_com3_child_of_another_case_refused(named_case, service, staff):
    other = make_case(service, staff)
    stranger = services.child_add(case=other, by=staff, given_name="Zed", family_name="Q")
    with pytest.raises(NotificationRefused, match="not on this case"):
        email_third_party(
            case=named_case, to="a@example.org", subject="x", body="y", child=stranger
        )
