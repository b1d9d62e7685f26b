"""The benchmark's users, signed in the way the product requires.

Case readers have acknowledged the service's policy, the measured volunteer is
onboarded (agreement and training), and every user has a confirmed
authenticator so a session can be marked as having passed the second factor,
exactly what ``django_otp.login`` stores after a real code.
"""

from django.test import Client
from django.utils import timezone
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from demo import accounts as demo
from pps.models import Service, User
from pps.policy import services as policy
from pps.services import user_create

PASSWORD = "benchmark-password-2026"
OTHER_VOLUNTEERS = 10


def _user(service: Service, username: str, role: str) -> User:
    user = user_create(
        username=username, password=PASSWORD, service=service, role=role, last_name=username
    )
    TOTPDevice.objects.create(user=user, name="Benchmark authenticator", confirmed=True)
    return user


def make_people(service: Service) -> dict:
    staff = [_user(service, f"staff{n}", "staff") for n in range(1, 6)]
    coordinator = _user(service, "coordinator", "coordinator")
    volunteer = _user(service, "volunteer", "volunteer")
    others = [_user(service, f"volunteer{n}", "volunteer") for n in range(1, OTHER_VOLUNTEERS + 1)]
    superuser = User.objects.create_superuser(
        username="benchmark.superuser", password=PASSWORD, email="", service=service
    )
    TOTPDevice.objects.create(user=superuser, name="Benchmark authenticator", confirmed=True)
    today = timezone.localdate()
    policy.policy_publish(
        service=service,
        by=coordinator,
        title="Confidentiality policy",
        text=demo.DEMO_POLICY_TEXT,
        effective_from=today - timezone.timedelta(days=30),
    )
    demo.seed_acknowledgements(
        service, [*staff, coordinator, volunteer, *others, superuser], not_yet=set()
    )
    demo.onboard_volunteer(
        volunteer,
        by=coordinator,
        signed_on=today - timezone.timedelta(days=100),
        trained_on=today - timezone.timedelta(days=50),
    )
    return {
        "staff": staff,
        "coordinator": coordinator,
        "volunteer": volunteer,
        "other_volunteers": others,
        "superuser": superuser,
    }


def signed_in_client(user: User) -> Client:
    """A test client whose session has passed both factors."""
    client = Client()
    client.force_login(user)
    session = client.session
    device = TOTPDevice.objects.get(user=user, confirmed=True)
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client
