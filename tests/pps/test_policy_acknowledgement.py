"""Staff, coordinators and volunteers acknowledge the policy in force before opening cases (ACC-9)."""

import datetime

import pytest
from django.urls import resolve, reverse
from django.utils import timezone

from pps.models import ConfidentialityPolicy, PolicyAcknowledgement
from pps.policy.gate import is_exempt
from pps.policy.services import PolicyRuleError, current_policy, policy_acknowledge, policy_publish
from tests.access_world import build_world, rolled_back
from tests.factories import ServiceFactory, make_case, make_user
from tests.pps.test_authorization_matrix import MATRIX, url_for

# Views a user who has not acknowledged the policy may still use: signing in
# and out, staying signed in, the policy pages themselves, and the security of
# their own account (second factor, recovery codes, password, sessions).
EXEMPT = {
    "login",
    "logout",
    "keepalive",
    "health",
    "policy:acknowledge",
    "policy:manage",
    "policy:publish",
    "policy:detail",
    "security:verify",
    "security:recover",
    "security:setup",
    "security:recovery_codes",
    "security:account",
    "security:new_recovery_codes",
    "security:reset_authenticator",
    "security:end_other_sessions",
    "security:sudo",
    "security:password_change",
    "security:password_reset",
    "security:password_reset_done",
    "security:password_reset_confirm",
    "security:password_reset_complete",
}
TODAY = timezone.localdate


def publish(service, *, by=None, days_from_today=0, cycle=24, title="Confidentiality policy"):
    return policy_publish(
        service=service,
        by=by,
        title=title,
        text="Keep what parents tell us confidential.\n\nOpen cases only when you need to.",
        effective_from=TODAY() + datetime.timedelta(days=days_from_today),
        review_cycle_months=cycle,
    )


def held(response) -> bool:
    return response.status_code == 302 and response["Location"].startswith(
        reverse("policy:acknowledge")
    )


@pytest.fixture
def fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.mark.slow
def test_acc9_every_url_holds_case_readers_until_they_acknowledge(fast_passwords, client_for):
    world = build_world()
    publish(world["service"])  # a new version nobody has acknowledged yet
    for persona in ("staff", "coordinator", "volunteer"):
        for name in MATRIX:
            url = url_for(name, world)
            for method in ("get", "post"):
                with rolled_back():
                    response = getattr(client_for(world["users"][persona]), method)(url)
                assert held(response) == (name not in EXEMPT), (persona, method, name)
    assert {n for n in MATRIX if is_exempt(resolve(url_for(n, world)).func)} == EXEMPT
    # Administrators open no cases, so nothing holds them.
    assert client_for(world["users"]["admin"]).get("/")["Location"] == reverse("administration")


def test_acc9_acknowledging_opens_cases_and_returns_to_the_page(service, staff, client_for):
    case = make_case(service, staff)
    new = publish(service)
    client = client_for(staff)
    first = client.get(reverse("cases:detail", args=[case.pk]))
    assert first["Location"] == f"/policy/?next=%2Fcases%2F{case.pk}%2F"

    page = client.get(first["Location"])
    assert "Open cases only when you need to." in page.content.decode()
    assert f"Version {new.version}" in page.content.decode()

    refused = client.post(reverse("policy:acknowledge"), {"policy_id": new.pk})
    assert refused.status_code == 400
    assert "Confirm that you have read the policy" in refused.content.decode()
    assert not PolicyAcknowledgement.objects.filter(user=staff, policy=new).exists()

    done = client.post(
        reverse("policy:acknowledge"),
        {"policy_id": new.pk, "confirm": "on", "next": f"/cases/{case.pk}/"},
    )
    assert done["Location"] == f"/cases/{case.pk}/"
    assert client.get(done["Location"]).status_code == 200
    assert PolicyAcknowledgement.objects.filter(user=staff, policy=new).count() == 1


def test_acc9_next_never_leaves_the_site(service, staff, client_for):
    policy = publish(service)
    response = client_for(staff).post(
        reverse("policy:acknowledge"),
        {"policy_id": policy.pk, "confirm": "on", "next": "https://evil.example/"},
    )
    assert response["Location"] == reverse("home")


def test_acc9_acknowledging_an_outdated_version_does_not_count(service, staff, client_for):
    old = current_policy(service.pk)
    new = publish(service)
    response = client_for(staff).post(
        reverse("policy:acknowledge"), {"policy_id": old.pk, "confirm": "on"}
    )
    assert response["Location"] == reverse("policy:acknowledge")
    assert not PolicyAcknowledgement.objects.filter(user=staff, policy=new).exists()


def test_acc9_double_submit_records_one_acknowledgement(service, staff):
    policy = publish(service)
    policy_acknowledge(user=staff, policy=policy)
    policy_acknowledge(user=staff, policy=policy)
    assert PolicyAcknowledgement.objects.filter(user=staff, policy=policy).count() == 1


def test_acc9_a_version_holds_people_only_from_its_effective_date(service, staff, client_for):
    case = make_case(service, staff)
    publish(service, days_from_today=7)
    assert client_for(staff).get(reverse("cases:detail", args=[case.pk])).status_code == 200


def test_acc9_htmx_requests_are_sent_to_the_policy_page(service, staff, client_for):
    publish(service)
    response = client_for(staff).get(reverse("cases:list"), headers={"HX-Request": "true"})
    assert response["HX-Redirect"] == reverse("policy:acknowledge")


def test_acc9_without_a_published_policy_nobody_opens_cases(client_for):
    service = ServiceFactory(policy=False)
    staff = make_user(service, "staff")
    coordinator = make_user(service, "coordinator")
    case = make_case(service, staff)
    page = client_for(staff).get(reverse("policy:acknowledge")).content.decode()
    assert "not yet published" in page and "Ask your coordinator" in page
    assert held(client_for(staff).get(reverse("cases:detail", args=[case.pk])))

    client = client_for(coordinator)
    assert held(client.get(reverse("cases:list")))
    response = client.post(
        reverse("policy:publish"),
        {
            "title": "Our policy",
            "text": "Confidential.",
            "effective_from": TODAY().isoformat(),
            "review_cycle_months": "12",
        },
    )
    policy = ConfidentialityPolicy.objects.get(service=service)
    assert response["Location"] == reverse("policy:detail", args=[policy.pk])
    assert (policy.version, policy.published_by) == (1, coordinator)
    assert held(client.get(reverse("cases:list")))  # the coordinator acknowledges too
    client.post(reverse("policy:acknowledge"), {"policy_id": policy.pk, "confirm": "on"})
    assert client.get(reverse("cases:list")).status_code == 200


@pytest.mark.parametrize(
    ("effective", "cycle", "due"),
    [
        (datetime.date(2026, 3, 1), 12, datetime.date(2027, 3, 1)),
        (datetime.date(2026, 3, 1), 24, datetime.date(2028, 3, 1)),
        (datetime.date(2028, 2, 29), 12, datetime.date(2029, 2, 28)),
    ],
)
def test_acc9_review_date_is_annual_or_two_yearly(service, effective, cycle, due):
    ConfidentialityPolicy.objects.filter(service=service).delete()
    policy = policy_publish(
        service=service,
        by=None,
        title="P",
        text="T",
        effective_from=effective,
        review_cycle_months=cycle,
    )
    assert policy.review_due_on == due


def test_acc9_bad_publications_change_nothing(service, coordinator, staff, client_for):
    before = ConfidentialityPolicy.objects.count()
    with pytest.raises(PolicyRuleError):
        publish(service, cycle=36)
    with pytest.raises(PolicyRuleError):
        publish(service, by=staff)
    later = publish(service, days_from_today=10)
    with pytest.raises(PolicyRuleError, match="cannot take effect before version"):
        publish(service, days_from_today=5)
    client = client_for(coordinator)
    yesterday = (TODAY() - datetime.timedelta(days=1)).isoformat()
    for data in (
        {"title": "P", "text": "T", "effective_from": yesterday, "review_cycle_months": "12"},
        {"title": "P", "text": "T", "effective_from": "31/02/2026", "review_cycle_months": "12"},
        {
            "title": "",
            "text": "T",
            "effective_from": TODAY().isoformat(),
            "review_cycle_months": "12",
        },
        {
            "title": "P",
            "text": "T",
            "effective_from": TODAY().isoformat(),
            "review_cycle_months": "7",
        },
    ):
        assert client.post(reverse("policy:publish"), data).status_code == 400
    assert ConfidentialityPolicy.objects.count() == before + 1
    assert current_policy(service.pk) != later


def test_acc9_coordinator_sees_who_has_not_acknowledged(
    service, other_service, coordinator, client_for
):
    reader = make_user(service, "staff", "reader", last_name="Readwell")
    make_user(service, "volunteer", "laggard", last_name="Latecomer")
    make_user(service, "coordinator", "deputy", last_name="Deputyson")
    make_user(other_service, "staff", "outsider", last_name="Elsewhereton")
    gone = make_user(service, "staff", "gone", last_name="Departedson")
    gone.is_active = False
    gone.save()
    policy = publish(service)
    policy_acknowledge(user=reader, policy=policy)
    page = client_for(coordinator).get(reverse("policy:detail", args=[policy.pk]))
    outstanding, acknowledged = (
        page.content.decode()
        .split('data-testid="outstanding"')[1]
        .split('data-testid="acknowledged"')
    )
    assert "Latecomer" in outstanding and "Deputyson" in outstanding
    assert "Readwell" not in outstanding and "Readwell" in acknowledged
    # Nobody from another service, and nobody who has left.
    assert "Elsewhereton" not in page.content.decode()
    assert "Departedson" not in page.content.decode()


def test_acc9_overdue_review_is_flagged_to_coordinators(service, coordinator, client_for):
    ConfidentialityPolicy.objects.filter(service=service).update(
        review_due_on=TODAY() - datetime.timedelta(days=1)
    )
    page = client_for(coordinator).get(reverse("policy:manage")).content.decode()
    assert "Review overdue" in page


def test_acc9_policy_of_another_service_cannot_be_acknowledged(service, other_service):
    outsider = make_user(other_service, "staff")
    with pytest.raises(PolicyRuleError):
        policy_acknowledge(user=outsider, policy=current_policy(service.pk))


def test_sec4_empty_posts_get_clear_messages(service, coordinator, client_for):
    publish(service)
    client = client_for(coordinator)
    acknowledge = client.post(reverse("policy:acknowledge"))
    assert acknowledge.status_code == 400
    assert "Confirm that you have read the policy" in acknowledge.content.decode()
    published = client.post(reverse("policy:publish"))
    assert published.status_code == 400
    assert "Enter title" in published.content.decode()
    assert "Enter a date for “Takes effect on”" in published.content.decode()
