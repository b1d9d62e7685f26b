"""Test data built through the same service functions the app uses."""

import datetime

import factory
from django.utils import timezone
from faker import Faker

from cases import services as case_services
from cases.models import AgreementMethod, Case, ParentalResponsibility
from demo.accounts import DEMO_POLICY_TEXT, onboard_volunteer
from pps.models import Service
from pps.policy.services import current_policy, policy_acknowledge, policy_publish
from pps.roles import CASE_READER_ROLES, Role
from pps.services import user_create

fake = Faker("en_GB")
PASSWORD = "correct-horse-battery-staple"


class ServiceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Service
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Test SENDIASS {n}")
    code = factory.Sequence(lambda n: f"svc{n}")

    @factory.post_generation
    def topics(service, create, extracted, **kwargs):
        if create:
            case_services.topics_create_defaults(service=service)

    @factory.post_generation
    def policy(service, create, extracted, **kwargs):
        """A confidentiality policy in force (ACC-9); ``ServiceFactory(policy=False)`` for none."""
        if create and extracted is not False:
            policy_publish(
                service=service,
                by=None,
                title="Confidentiality policy",
                text=DEMO_POLICY_TEXT,
                effective_from=timezone.localdate() - datetime.timedelta(days=30),
            )


def make_user(
    service: Service,
    role: Role | str,
    username: str | None = None,
    *,
    acknowledge_policy: bool = True,
    onboarded: bool = True,
    **extra,
):
    """A user ready to work: they have acknowledged the policy in force (ACC-9) and,
    for a volunteer, have a signed agreement and training recorded (ACC-4).
    Pass ``acknowledge_policy=False`` / ``onboarded=False`` to test those gates."""
    user = user_create(
        username=username or f"{role}-{fake.unique.user_name()}",
        password=PASSWORD,
        service=service,
        role=role,
        first_name=extra.pop("first_name", fake.first_name()),
        last_name=extra.pop("last_name", fake.last_name()),
        **extra,
    )
    policy = current_policy(service.pk)
    if acknowledge_policy and policy is not None and role in CASE_READER_ROLES:
        policy_acknowledge(user=user, policy=policy)
    if onboarded and role == Role.VOLUNTEER:
        today = timezone.localdate()
        onboard_volunteer(user, by=None, signed_on=today, trained_on=today)
    return user


def parent_fields(**overrides) -> dict:
    fields = {
        "given_name": fake.first_name(),
        "family_name": fake.last_name(),
        "relationship": "mother",
        "parental_responsibility": ParentalResponsibility.YES,
        "phone": fake.cellphone_number(),
        "email": f"{fake.user_name()}@example.com",
        "address": fake.street_address(),
        "postcode": fake.postcode(),
        "storage_agreed_on": datetime.date.today(),
        "storage_agreed_how": AgreementMethod.TELEPHONE,
        "purpose_explained": True,
    }
    fields.update(overrides)
    return fields


def make_case(service: Service, by, *, summary: str = "", **parent_overrides) -> Case:
    return case_services.case_open(
        service=service, by=by, parent=parent_fields(**parent_overrides), summary=summary
    )
