"""Test data built through the same service functions the app uses."""

import datetime

import factory
from faker import Faker

from cases import services as case_services
from cases.models import AgreementMethod, Case, ParentalResponsibility
from pps.models import Service
from pps.roles import Role
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


def make_user(service: Service, role: Role | str, username: str | None = None, **extra):
    return user_create(
        username=username or f"{role}-{fake.unique.user_name()}",
        password=PASSWORD,
        service=service,
        role=role,
        first_name=extra.pop("first_name", fake.first_name()),
        last_name=extra.pop("last_name", fake.last_name()),
        **extra,
    )


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
    }
    fields.update(overrides)
    return fields


def make_case(service: Service, by, *, summary: str = "", **parent_overrides) -> Case:
    return case_services.case_open(
        service=service, by=by, parent=parent_fields(**parent_overrides), summary=summary
    )
