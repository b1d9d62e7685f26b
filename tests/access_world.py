"""One small world with every persona the access tests need (ACC-1, ACC-2, ACC-6).

Service "north" holds the objects under test: a case assigned to ``volunteer``,
a second case assigned to ``volunteer_other_case``, the volunteer's signed
agreement, the policy in force. Service "south" has its own case and users,
who must see nothing of north's. Distinctive names make leaks easy to find.
"""

from contextlib import contextmanager

from django.db import transaction

from cases import services as case_services
from consent import services as consent_services
from pps.policy.services import current_policy
from tests.factories import ServiceFactory, make_case, make_user

PERSONAS = [
    "anonymous",
    "inactive",
    "staff",
    "coordinator",
    "volunteer",
    "volunteer_other_case",
    "admin",
    "other_service_staff",
    "other_service_coordinator",
]
SIGNED_OUT = ("anonymous", "inactive")
OTHER_SERVICE = ("other_service_staff", "other_service_coordinator")

# Strings that identify north's data; none may reach a user of another service.
NORTH_MARKERS = ("Northshire", "Quillfeather", "Brackenbury", "Wyndham-Oakes")


def build_world() -> dict:
    north = ServiceFactory(name="Northshire SENDIASS", code="north")
    south = ServiceFactory(name="Southvale SENDIASS", code="south")
    staff = make_user(north, "staff", "staff", last_name="Wyndham-Oakes")
    coordinator = make_user(north, "coordinator", "coordinator")
    volunteer = make_user(north, "volunteer", "volunteer", last_name="Brackenbury")
    volunteer_other_case = make_user(north, "volunteer", "volunteer-other")
    inactive = make_user(north, "staff", "inactive")
    inactive.is_active = False
    inactive.save(update_fields=["is_active"])
    users = {
        "anonymous": None,
        "inactive": inactive,
        "staff": staff,
        "coordinator": coordinator,
        "volunteer": volunteer,
        "volunteer_other_case": volunteer_other_case,
        "admin": make_user(north, "admin", "admin"),
        "other_service_staff": make_user(south, "staff", "staff-south"),
        "other_service_coordinator": make_user(south, "coordinator", "coordinator-south"),
    }
    case = make_case(north, staff, family_name="Quillfeather", summary="Northshire enquiry")
    other_case = make_case(north, staff)
    for parent_agreed in (case, other_case):  # to sharing with a volunteer (CON-8)
        consent_services.consent_record(
            case=parent_agreed,
            by=coordinator,
            kind="full",
            obtained_how="telephone",
            decided_on=parent_agreed.opened_on,
        )
    assignment = case_services.volunteer_assign(case=case, volunteer=volunteer, by=coordinator)
    case_services.volunteer_assign(case=other_case, volunteer=volunteer_other_case, by=coordinator)
    make_case(south, users["other_service_staff"])
    return {
        "service": north,
        "other_service": south,
        "users": users,
        "case": case,
        "other_case": other_case,
        "assignment": assignment,
        "volunteer": volunteer,
        "agreement": volunteer.volunteer_agreements.get(),
        "policy": current_policy(north.pk),
    }


@contextmanager
def rolled_back():
    """Run a request whose writes are undone afterwards, on both databases."""
    with transaction.atomic(using="default"), transaction.atomic(using="keystore"):
        yield
        transaction.set_rollback(True, using="default")
        transaction.set_rollback(True, using="keystore")
