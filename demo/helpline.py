"""Demo data for the helpline, so every state shows in `make run`.

Called by the seed_demo command for each service: referrals with the parent's
agreement, a family limited to general information (no parental
responsibility), two parents of one child as separate enquiries (one pair
linked at a caller's word, one not), and voicemail awaiting action and dealt
with. Everything goes through the same services the screens use.
"""

import datetime
import random

from django.utils import timezone
from faker import Faker

from cases.helpline import services as helpline
from cases.models import AgreementMethod, Case, Channel, Outcome, ParentalResponsibility, Topic
from pps.models import Service, User

# Cases seed_helpline opens: two referrals, one without parental
# responsibility, two pairs of separate enquiries.
HELPLINE_DEMO_CASES = 7

VOICEMAIL_MESSAGES = [
    "Mum of a Year 4 boy, school says he cannot go on the residential trip. Wants advice.",
    "Dad asking how to appeal the decision not to assess. Please call after 3pm.",
    "Grandparent caring for a child, asking what the annual review involves.",
    "Parent upset about a part-time timetable; asks for a call back tomorrow morning.",
]


def seed_helpline(
    service: Service,
    users: dict[str, User],
    topics: list[Topic],
    today: datetime.date,
    fake: Faker,
    rnd: random.Random,
) -> None:
    staff = users["staff"]
    topic = {t.name: t for t in topics}

    def when(days_ago: int) -> datetime.datetime:
        day = today - datetime.timedelta(days=days_ago)
        moment = datetime.datetime.combine(day, datetime.time(rnd.randint(9, 16), 15))
        return min(timezone.make_aware(moment), timezone.now())

    def parent(family_name: str, *, relationship: str, responsibility: str, days_ago: int):
        return {
            "given_name": fake.first_name_female()
            if relationship == "mother"
            else fake.first_name_male(),
            "family_name": family_name,
            "relationship": relationship,
            "parental_responsibility": responsibility,
            "phone": fake.cellphone_number(),
            "email": "",
            "address": fake.street_address(),
            "postcode": fake.postcode(),
            "storage_agreed_on": today - datetime.timedelta(days=days_ago),
            "storage_agreed_how": AgreementMethod.TELEPHONE,
            "purpose_explained": True,
        }

    def contact(name: str, outcome: str, days_ago: int, notes: str, channel=Channel.HELPLINE):
        return {
            "channel": channel,
            "topic": topic[name],
            "outcome": outcome,
            "notes": notes,
            "occurred_at": when(days_ago),
        }

    def child(family_name: str, date_of_birth: datetime.date) -> dict:
        return {
            "given_name": fake.first_name(),
            "family_name": family_name,
            "date_of_birth": date_of_birth,
            "school_phase": "primary",
        }

    # REF-4: two referrals, each with the parent's agreement on record.
    for referrer_type, organisation, role in [
        ("school", f"{fake.city()} Primary School", "SENCO"),
        ("caf", "Team Around the Child, Eastern locality", "Family support worker"),
    ]:
        family_name = fake.last_name()
        parent_fields = parent(
            family_name, relationship="mother", responsibility="yes", days_ago=20
        )
        helpline.helpline_case_open(
            service=service,
            by=staff,
            parent=parent_fields,
            child=child(family_name, today - datetime.timedelta(days=8 * 365)),
            summary="Referred for support with an EHC needs assessment request.",
            contact=contact(
                "EHC needs assessment",
                Outcome.INFORMATION,
                20,
                "Referral received; parent called to introduce the service.",
                channel=Channel.EMAIL,
            ),
            referral={
                "referrer_type": referrer_type,
                "referrer_name": fake.name(),
                "organisation": organisation,
                "referrer_role": role,
                "referred_on": today - datetime.timedelta(days=21),
                "parent_agreed_on": parent_fields["storage_agreed_on"],
                "parent_agreed_how": AgreementMethod.LETTER,
                "agreement_evidence": "Signed parental consent section of the referral form.",
            },
        )

    # REF-5: a carer without parental responsibility: general information only.
    family_name = fake.last_name()
    helpline.helpline_case_open(
        service=service,
        by=staff,
        parent=parent(
            family_name,
            relationship="carer",
            responsibility=ParentalResponsibility.NO,
            days_ago=12,
        ),
        child=child(family_name, today - datetime.timedelta(days=11 * 365)),
        summary="Family friend caring for the child while mum is in hospital.",
        contact=contact(
            "SEN support in school",
            Outcome.INFORMATION,
            12,
            "Gave general information about SEN support; casework needs someone with PR.",
        ),
    )

    # REF-6: two parents of the same child calling independently, twice over.
    for caller_knows in (True, False):
        family_name = fake.last_name()
        date_of_birth = today - datetime.timedelta(days=rnd.randint(6, 14) * 365)
        the_child = child(family_name, date_of_birth)
        for relationship, days_ago in (("mother", 60), ("father", 5)):
            helpline.helpline_case_open(
                service=service,
                by=staff,
                parent=parent(
                    family_name, relationship=relationship, responsibility="yes", days_ago=days_ago
                ),
                child=the_child,
                summary="Worried about a school exclusion.",
                contact=contact(
                    "School exclusion", Outcome.ADVICE, days_ago, "Explained exclusion appeals."
                ),
                caller_knows_other_contact=caller_knows and relationship == "father",
            )

    # REF-7: voicemail awaiting action, and two already dealt with.
    voicemails = [
        helpline.voicemail_log(
            service=service,
            by=staff,
            received_at=when(days_ago),
            caller_number=fake.cellphone_number(),
            summary=message,
            action_taken="Called back, no answer." if days_ago else "",
        )
        for days_ago, message in enumerate(VOICEMAIL_MESSAGES)
    ]
    known_case = Case.objects.filter(service=service, status=Case.Status.OPEN).first()
    helpline.voicemail_log_on_case(
        voicemail=voicemails[0],
        case=known_case,
        by=staff,
        topic=topic["Other"],
        outcome=Outcome.CALLBACK,
        # A callback arranged comes with its task (CAS-5).
        callback={
            "due_at": timezone.now() + datetime.timedelta(days=1),
            "note": "Return the call about the message left on the helpline.",
        },
    )
    helpline.voicemail_log_anonymously(
        voicemail=voicemails[1], by=staff, topic=topic["Tribunal / appeal"], outcome=Outcome.ADVICE
    )
