"""Load a realistic demo: two services with users of every role and a hundred cases each.

Idempotent: a second run changes nothing and prints the accounts again. Every
name, address and story here is invented (Faker, en_GB).
"""

import contextlib
import datetime
import random
from pathlib import Path

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand
from django.db import transaction
from django.http import Http404
from django.utils import timezone
from faker import Faker

from cases import services
from cases.access import get_case_for_user, visible_cases
from cases.family import services as family_services
from cases.models import (
    AgreementMethod,
    Case,
    Channel,
    Child,
    ChildInformation,
    Outcome,
    Parent,
    ParentalResponsibility,
)
from demo import accounts as demo
from demo import consent as consent_demo
from demo.communications import seed_communications
from demo.disclosure import seed_disclosure
from demo.family import seed_family
from demo.governance import seed_breaches
from demo.helpline import HELPLINE_DEMO_CASES, seed_helpline
from demo.maintainers import seed_maintainers
from demo.paper_files import seed_paper_files
from demo.retention import seed_retention
from demo.safeguarding import seed_overrides
from demo.tasks import seed_tasks_and_closures
from demo.two_factor import demo_sign_in_lines
from pps.models import Service, User
from pps.roles import Role
from pps.services import user_create

DEMO_PASSWORD = "demo-password-2026"
SERVICES = [
    ("north", "Northshire SEND Information, Advice and Support"),
    ("south", "Southvale SEND Information, Advice and Support"),
]
ACCOUNTS = [
    ("staff", Role.STAFF, "Priya", "Shah"),
    ("staff2", Role.STAFF, "Tom", "Hughes"),
    ("coordinator", Role.COORDINATOR, "Helen", "Okafor"),
    ("volunteer", Role.VOLUNTEER, "Gareth", "Lloyd"),
    ("volunteer2", Role.VOLUNTEER, "Aisha", "Begum"),
    ("volunteer3", Role.VOLUNTEER, "Owen", "Price"),
    ("volunteer4", Role.VOLUNTEER, "Ruth", "Evans"),
    ("volunteer5", Role.VOLUNTEER, "Megan", "Jones"),
    ("admin", Role.ADMIN, "Sam", "Fletcher"),
]
SEN_NEEDS = [
    "Autism spectrum condition; finds changes of routine very hard.",
    "Dyslexia and slow processing speed; reading age well below peers.",
    "Speech, language and communication needs; sees a speech therapist.",
    "ADHD; struggles to stay in class and has had several fixed-term exclusions.",
    "Social, emotional and mental health needs; school refusal since Year 7.",
    "Hearing impairment; uses hearing aids and needs a radio aid in class.",
    "Cerebral palsy; uses a wheelchair and needs help with personal care.",
    "Global developmental delay; one-to-one support in the mornings only.",
]
SUPPORT = [
    "SEN support plan reviewed termly by the SENCO.",
    "EHC plan in place since 2024; annual review due.",
    "Parent asked for an EHC needs assessment; LA refused, appeal considered.",
    "Part-time timetable agreed with school, parent unhappy with it.",
]
CALL_NOTES = [
    "Parent worried the school is not following the support plan. Explained SEN support and the graduated approach.",
    "Talked through the EHC needs assessment process and timescales; will send the information sheet.",
    "Mother upset after a meeting with the head teacher. Advised on requesting minutes and a follow-up meeting.",
    "Father asked about home-to-school transport refusal. Explained the appeal stages.",
    "Discussed the draft EHC plan and how to comment on section F within 15 days.",
    "Callback to confirm the tribunal hearing date and what evidence to bring.",
    "Parent asked what happens at an annual review; explained and offered a volunteer to attend.",
]


class Command(BaseCommand):
    help = "Load demo data (two services, every role, a hundred cases each). Idempotent."

    def add_arguments(self, parser):
        parser.add_argument(
            # 100 shows every state and list page; each open case's parents get a statement
            # rendered as a PDF (the exact copy kept), the slowest step of the seeding.
            "--cases",
            type=int,
            default=100,
            help="Cases per service (default 100).",
        )
        parser.add_argument("--seed", type=int, default=2026)

    def handle(self, *args, cases: int, seed: int, **options):
        self.fake = Faker("en_GB")
        self.fake.seed_instance(seed)
        self.random = random.Random(seed)
        # Argon2id is slow on purpose: hash the one demo password once for every account.
        self.password_hash = make_password(DEMO_PASSWORD)
        mail_before = self.mail_files()
        for code, name in SERVICES:
            if Service.objects.filter(code=code).exists():
                self.stdout.write(f"{name}: already seeded.")
                continue
            with transaction.atomic():
                self.seed_service(code, name, cases)
        self.print_accounts()
        self.print_mail_summary(mail_before)

    @staticmethod
    def mail_files() -> set[str] | None:
        """The emails already in development's mail folder (None when mail goes elsewhere)."""
        folder = settings.MAILERS["default"].get("OPTIONS", {}).get("file_path")
        if folder is None:
            return None
        return {p.name for p in Path(folder).glob("*")} if Path(folder).is_dir() else set()

    def print_mail_summary(self, before: set[str] | None) -> None:
        # One line instead of the emails themselves (their PDFs would fill the console).
        after = self.mail_files()
        if before is None or after is None:
            return
        folder = settings.MAILERS["default"]["OPTIONS"]["file_path"]
        self.stdout.write(
            f"Demo emails are written to {folder}/ ({len(after - before)} new file(s))."
        )

    def seed_service(self, code: str, name: str, case_count: int) -> None:
        service = Service.objects.create(code=code, name=name)
        topics = services.topics_create_defaults(service=service)
        users = {
            username: user_create(
                username=f"{username}.{code}",
                password=DEMO_PASSWORD,
                password_hash=self.password_hash,
                service=service,
                role=role,
                first_name=first,
                last_name=last,
                email=f"{username}.{code}@example.org",
            )
            for username, role, first, last in ACCOUNTS
        }
        caseworkers = [users["staff"], users["staff2"], users["coordinator"]]
        today = timezone.localdate()
        self.seed_access(service, users, today)
        # The helpline's demo cases count towards the total asked for.
        for number in range(case_count - HELPLINE_DEMO_CASES):
            self.seed_case(service, caseworkers, topics, today, number)
        seed_family(service=service, users=users, fake=self.fake, today=today)
        consent_demo.seed_consent(service=service, users=users, rnd=self.random)
        seed_overrides(service=service, users=users)
        self.seed_assignments(service, users)
        seed_helpline(service, users, topics, today, self.fake, self.random)
        seed_tasks_and_closures(service=service, users=users, topics=topics)
        self.seed_access_log(service, users)
        seed_retention(service=service, users=users, fake=self.fake, rnd=self.random)
        seed_disclosure(service=service, users=users)
        seed_breaches(service=service, users=users)
        seed_maintainers(service=service, users=users)
        seed_paper_files(service=service, users=users)
        for _ in range(case_count // 2):
            services.anonymous_contact_log(
                service=service,
                by=self.random.choice(caseworkers),
                channel=self.random.choice(
                    [Channel.HELPLINE, Channel.HELPLINE, Channel.EMAIL, Channel.WEB_FORM]
                ),
                topic=self.random.choice(topics),
                outcome=self.random.choice(
                    [Outcome.INFORMATION, Outcome.SIGNPOSTED, Outcome.ADVICE]
                ),
                occurred_at=self.moment(
                    today - datetime.timedelta(days=self.random.randint(0, 400))
                ),
            )
        seed_communications(
            service=service, users=users, rnd=self.random, threshold=10 if code == "south" else None
        )
        self.stdout.write(f"{name}: {case_count} cases seeded.")

    def moment(self, day: datetime.date) -> datetime.datetime:
        hour, minute = self.random.randint(9, 16), self.random.choice([0, 10, 20, 30, 40, 50])
        return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, minute)))

    def seed_case(self, service, caseworkers, topics, today, number) -> None:
        fake, rnd = self.fake, self.random
        family_name = fake.last_name()
        opened_on = today - datetime.timedelta(days=rnd.randint(0, 5 * 365))
        by = rnd.choice(caseworkers)
        case = services.case_open(
            service=service,
            by=by,
            opened_on=opened_on,
            summary=rnd.choice(SUPPORT),
            parent=self.parent_fields(
                family_name, opened_on, relationship=rnd.choice(["mother", "father", "carer"])
            ),
        )
        services.case_assign_staff(case=case, staff=rnd.choice(caseworkers), by=by)
        if rnd.random() < 0.2:
            services.parent_add(
                case=case,
                by=by,
                **self.parent_fields(family_name, opened_on, relationship="father"),
            )
        for _ in range(rnd.choice([1, 1, 1, 2, 3])):
            age_days = rnd.randint(3 * 365, 18 * 365)
            child = services.child_add(
                case=case,
                by=by,
                given_name=fake.first_name(),
                family_name=family_name,
                date_of_birth=opened_on - datetime.timedelta(days=age_days),
                school_phase=self.phase_for(age_days // 365),
            )
            self.seed_child_information(child, by)
        # Casework only where someone holds parental responsibility (REF-5).
        # Callbacks arranged, with their tasks, are seeded by demo.tasks (CAS-5).
        outcomes = [
            o
            for o in Outcome.values
            if o != Outcome.CALLBACK
            and (o != Outcome.CASEWORK or services.case_allows_in_depth_support(case))
        ]
        contact_day = opened_on
        for _ in range(rnd.randint(1, 8)):
            if contact_day > today:
                break
            services.contact_log(
                case=case,
                by=rnd.choice(caseworkers),
                channel=rnd.choice(
                    [Channel.HELPLINE] * 4 + [Channel.EMAIL, Channel.IN_PERSON, Channel.VOICEMAIL]
                ),
                topic=rnd.choice(topics),
                outcome=rnd.choice(outcomes),
                notes=rnd.choice(CALL_NOTES),
                occurred_at=self.moment(contact_day),
            )
            contact_day += datetime.timedelta(days=rnd.randint(1, 60))
        self.seed_status(case, by, opened_on, today, number)

    def parent_fields(self, family_name, opened_on, *, relationship) -> dict:
        fake, rnd = self.fake, self.random
        return {
            "given_name": fake.first_name_female()
            if relationship == "mother"
            else fake.first_name_male(),
            "family_name": family_name,
            "relationship": relationship,
            "parental_responsibility": rnd.choice(
                [ParentalResponsibility.YES] * 8
                + [ParentalResponsibility.NO, ParentalResponsibility.UNKNOWN]
            ),
            "phone": fake.cellphone_number(),
            "email": f"{fake.user_name()}@example.com" if rnd.random() < 0.7 else "",
            "address": fake.street_address(),
            "postcode": fake.postcode(),
            "storage_agreed_on": opened_on,
            "storage_agreed_how": rnd.choice(AgreementMethod.values),
            "email_permission": rnd.random() < 0.5,
            # GOV-4: recorded since the service began asking, a year ago in the demo;
            # the older families show "Not recorded" on their case page.
            "purpose_explained": (timezone.localdate() - opened_on).days < 365,
        }

    @staticmethod
    def phase_for(age: int) -> str:
        if age < 5:
            return Child.SchoolPhase.EARLY_YEARS
        if age < 11:
            return Child.SchoolPhase.PRIMARY
        if age < 16:
            return Child.SchoolPhase.SECONDARY
        return Child.SchoolPhase.POST_16

    def seed_child_information(self, child, by) -> None:
        rnd = self.random
        school = f"{self.fake.city()} {rnd.choice(['Primary School', 'Academy', 'High School', 'C of E Primary'])}"
        family_services.child_information_add(
            child=child,
            by=by,
            kind=ChildInformation.Kind.SCHOOL,
            source=ChildInformation.Source.PARENT,
            text=school,
        )
        family_services.child_information_add(
            child=child,
            by=by,
            kind=ChildInformation.Kind.SEN_NEED,
            source=ChildInformation.Source.PARENT,
            text=rnd.choice(SEN_NEEDS),
        )
        if rnd.random() < 0.5:
            family_services.child_information_add(
                child=child,
                by=by,
                kind=ChildInformation.Kind.SCHOOL_RECORD,
                source=ChildInformation.Source.CASE_FILE,
                text="Educational psychologist report on file: " + rnd.choice(SEN_NEEDS).lower(),
            )

    def seed_status(self, case, by, opened_on, today, number) -> None:
        age = (today - opened_on).days
        if age > 400 and number % 3 != 0:
            services.case_close(
                case=case, by=by, closed_on=opened_on + datetime.timedelta(days=120)
            )
            if (today - case.closed_on).days > 365:
                # Archived after a year closed (the retention work automates this).
                services.case_archive(case=case, by=by, archived_on=today)

    def seed_assignments(self, service, users) -> None:
        open_cases = list(
            Case.objects.filter(
                service=service,
                status=Case.Status.OPEN,
                pk__in=Parent.objects.filter(
                    parental_responsibility=ParentalResponsibility.YES
                ).values("case_id"),
            ).order_by("pk")[:3]
        )
        for case in open_cases:
            consent_demo.agree_to_volunteer(case=case, by=users["coordinator"])
            services.volunteer_assign(
                case=case,
                volunteer=users["volunteer"],
                by=users["coordinator"],
                # REF-5: a parent who holds parental responsibility.
                parent=case.parents.filter(
                    parental_responsibility=ParentalResponsibility.YES
                ).first(),
            )

    def seed_access(self, service, users, today) -> None:
        """Policy versions and acknowledgements (ACC-9), volunteer onboarding (ACC-4),
        the remote working undertaking (GOV-2) and staff training (GOV-1).

        staff2 has not acknowledged the version in force, so signing in as
        staff2 shows the acknowledgement step; volunteer2 has no agreement yet;
        volunteer5's agreement lacks the undertaking; staff2's training is overdue.
        """
        demo.seed_policy(service, users["coordinator"], today)
        demo.seed_acknowledgements(
            service, list(users.values()), not_yet={users["staff2"].username}
        )
        demo.seed_volunteers(
            ready=users["volunteer"],
            due_soon=users["volunteer4"],
            overdue=users["volunteer3"],
            no_undertaking=users["volunteer5"],
            by=users["coordinator"],
            today=today,
        )
        demo.seed_staff_training(
            up_to_date=users["staff"],
            due_soon=users["coordinator"],
            overdue=users["staff2"],
            by=users["coordinator"],
            today=today,
        )

    def seed_access_log(self, service, users) -> None:
        """Reads and refused attempts for the coordinators' access-log pages (ACC-7)."""
        assigned = list(visible_cases(users["volunteer"]).order_by("pk"))
        for case in assigned:
            get_case_for_user(users["staff"], case.pk)
            get_case_for_user(users["volunteer"], case.pk)
        attempts = [(users["volunteer2"], assigned[0].pk)] if assigned else []
        other = User.objects.filter(role=Role.STAFF).exclude(service=service).first()
        if other is not None and assigned:
            attempts.append((other, assigned[0].pk))
        for user, case_id in attempts:
            # Refused (404, or 403 for a volunteer without the undertaking) and
            # logged, which is the point.
            with contextlib.suppress(Http404, PermissionDenied):
                get_case_for_user(user, case_id)

    def print_accounts(self) -> None:
        users = list(
            User.objects.filter(service__code__in=[c for c, _ in SERVICES])
            .select_related("service")
            .order_by("service__code", "role", "username")
        )
        self.stdout.write(f"\nDemo accounts (password for all: {DEMO_PASSWORD})")
        for user in users:
            self.stdout.write(
                f"  {user.username:<24} {user.get_role_display():<45} {user.service.name}"
            )
        for line in demo_sign_in_lines(users):
            self.stdout.write(line)
        self.stdout.write(
            "staff2 has not yet acknowledged the confidentiality policy (shows that step); "
            "volunteer2 has no signed agreement, volunteer3's refresher is overdue, "
            "volunteer4's is due soon and volunteer5's agreement lacks the remote working "
            "undertaking, so volunteer5 can open no case (see Volunteers as coordinator); "
            "staff2's training is overdue and the coordinator's due soon (see Staff training)."
        )
        self.stdout.write("Sign in at http://127.0.0.1:8000/ with any of these.\n")
