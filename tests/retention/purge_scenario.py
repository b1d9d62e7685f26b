"""The no-trace scenario (RET-3, RET-6), run in its own process against real files.

    python -m tests.retention.purge_scenario prepare|purge|read WORKDIR

with DJANGO_SETTINGS_MODULE=tests.retention.probe_settings and DATABASE_URL /
KEYSTORE_DATABASE_URL pointing at scratch databases (``test_no_trace.py`` sets
all of it up). Each step writes WORKDIR/<step>.json for the test to check.

- prepare: migrate; create a case with sentinels in every personal field, edit
  it (history), view it (access log), record consent and a disclosure (probe
  models standing in for apps built alongside), give it a callback task (done,
  then reassigned history), documents on an item of child information (one
  removed) and a closure reopened with a reason, then close it
  13 years ago;
  and a second case that is not due; records not about families (GOV-7), one
  due and one not yet due of each kind. Report the byte patterns to look for.
- purge: run ``purge_expired --no-input`` and scan every table of both
  databases for the patterns.
- read: open a copy of the case database taken before the purge with the key
  store as it is now, and try to decrypt both cases.
"""

import datetime
import json
import os
import sys
from pathlib import Path

import django

SENTINELS = {
    "family_name": "Qzxwvendrickson",
    "given_name": "Ylvaquintessa",
    "child_name": "Jorvikbartholomew",
    "phone": "07999 812345",
    "email": "qzxwvendrickson@example.org",
    "postcode": "ZZ9 9ZZ",
    "address": "1 Qzxwvendrickson Lane",
    "summary": "SUMMARY-SENTINEL-3b7e",
    "note": "NOTE-SENTINEL-5c1e",
    "sen": "SEN-SENTINEL-77aa",
    "consent": "CONSENT-SENTINEL-0c2d",
    "form": "FORM-SENTINEL-e1f0",
    "pack": "PACK-SENTINEL-4a4b",
    "hold": "HOLD-SENTINEL-99c3",
    "task": "TASK-SENTINEL-6d2a",
    "reopen": "REOPEN-SENTINEL-8e1b",
    "document": "DOCUMENT-SENTINEL-2f7c",
    "document title": "DOCTITLE-SENTINEL-a3d9",
    "paper file": "PAPER-SENTINEL-c4e8",
}
DATE_OF_BIRTH = datetime.date(2011, 11, 11)
# Stored in a plain text column of a probe model on purpose: the positive
# control that the raw-file scan reads the file and that deleted bytes are wiped.
PLAINTEXT_CONTROL = "PLAINTEXT-SENTINEL-9d0f"
SURVIVOR_NAME = "Survivorsonnet"


def _write(workdir: Path, step: str, result: dict) -> None:
    (workdir / f"{step}.json").write_text(json.dumps(result, indent=1, default=str))


def _needles(case, task_note_ciphertext: bytes, document_ciphertext: bytes) -> dict[str, str]:
    """Byte patterns (hex) that exist only while ``case`` does."""
    from cases.search.terms import child_digest, prefix_digest, sound_digests
    from pps import normalise
    from pps.crypto import FORMAT_V1
    from pps.fields import blind_index_for
    from pps.keystore.models import DataKey

    key = case.data_key_id
    needles = {
        # Every ciphertext under the case's key starts with these 17 bytes.
        "ciphertext prefix": FORMAT_V1 + key.bytes,
        "key id (hex text)": key.hex.encode(),
        "key id (text)": str(key).encode(),
        "wrapped data key": bytes(DataKey.objects.get(id=key).wrapped),
        "plain text control": PLAINTEXT_CONTROL.encode(),
        # The task's note as stored (CAS-5: tasks are purged with their case).
        "task note ciphertext": task_note_ciphertext,
        # A document on an item of child information, as stored (CAS-2).
        "child information document ciphertext": document_ciphertext,
    }
    for normaliser, value in [
        ("name", SENTINELS["family_name"]),
        ("phone", SENTINELS["phone"]),
        ("email", SENTINELS["email"]),
        ("postcode", SENTINELS["postcode"]),
        ("date", DATE_OF_BIRTH),
    ]:
        needles[f"blind index of {normaliser} {value}"] = blind_index_for(
            normaliser, value
        ).encode()
    # The search digests beyond the whole-value columns (CAS-6): a beginning of
    # the surname, its sound, the child's first name with the date of birth.
    surname = normalise.name(SENTINELS["family_name"])
    for label, digest in [
        ("surname's first 3 letters", prefix_digest(surname[:3])),
        ("surname's sound", sound_digests(surname)[0]),
        (
            "child's first name and date of birth",
            child_digest(SENTINELS["child_name"], DATE_OF_BIRTH),
        ),
    ]:
        needles[f"blind index of {label}"] = digest.encode()
    for name, value in SENTINELS.items():
        needles[f"plain {name}"] = value.encode()
    return {label: value.hex() for label, value in needles.items()}


def _scan(needles: dict[str, str]) -> dict[str, list[str]]:
    """Every table of both databases, cell by cell and whatever a cell encodes
    (a session row is base64 of zlib): which needles are where."""
    from tests.raw_db import all_decoded_cell_bytes

    wanted = {label: bytes.fromhex(value) for label, value in needles.items()}
    found: dict[str, set[str]] = {}
    for alias in ("default", "keystore"):
        for table, cell in all_decoded_cell_bytes(alias):
            folded = cell.lower()
            for label, needle in wanted.items():
                if needle in cell or (label.startswith("plain") and needle.lower() in folded):
                    found.setdefault(label, set()).add(f"{alias}.{table}")
    return {label: sorted(tables) for label, tables in found.items()}


def prepare(workdir: Path) -> None:
    from django.core.management import call_command
    from django.test import Client

    call_command("migrate", verbosity=0)
    call_command("migrate", database="keystore", verbosity=0)

    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.db import connection
    from django.utils import timezone

    from cases import services
    from cases.family import services as family
    from cases.models import Parent, Task
    from cases.paper.services import paper_file_locate, paper_file_shred
    from cases.tasks.services import task_done, task_reassign
    from pps.history import save_as
    from retention.services import legal_hold_lift, legal_hold_place
    from tests.consent.helpers import record
    from tests.factories import ServiceFactory, make_user
    from tests.retention.gov7_scenario import prepare_records
    from tests.retention.probe.models import (
        ProbeConsentRecord,
        ProbeDisclosureRequest,
        ProbePackPage,
    )

    # Users as the suite makes them: policy acknowledged, volunteer onboarded.
    service = ServiceFactory(name="Scenario SENDIASS", code="scenario")
    topic = service.topics.first()
    staff, coordinator, volunteer = (
        make_user(service, role, f"s.{role}") for role in ("staff", "coordinator", "volunteer")
    )
    today = datetime.date.today()
    opened_on = today.replace(year=today.year - 15, month=1, day=10)
    case = services.case_open(
        service=service,
        by=staff,
        opened_on=opened_on,
        summary=SENTINELS["summary"],
        parent={
            "given_name": SENTINELS["given_name"],
            "family_name": SENTINELS["family_name"],
            "relationship": "mother",
            "parental_responsibility": "yes",
            "phone": SENTINELS["phone"],
            "email": SENTINELS["email"],
            "address": SENTINELS["address"],
            "postcode": SENTINELS["postcode"],
            "storage_agreed_on": opened_on,
            "storage_agreed_how": "telephone",
        },
    )
    child = services.child_add(
        case=case,
        by=staff,
        given_name=SENTINELS["child_name"],
        family_name=SENTINELS["family_name"],
        date_of_birth=DATE_OF_BIRTH,
    )
    family.child_information_add(
        child=child, by=staff, kind="sen_need", source="parent", text=SENTINELS["sen"]
    )
    services.contact_log(
        case=case,
        by=staff,
        channel="helpline",
        topic=topic,
        outcome="advice",
        notes=SENTINELS["note"],
    )
    record(case, coordinator)  # the parent agreed to a volunteer (CON-8)
    services.volunteer_assign(case=case, volunteer=volunteer, by=coordinator)
    # Through the family screens' services (CAS-1, CAS-2): an EHC plan with its
    # dates, and a parent added in error and removed, whose "deleted" history
    # row keeps their ciphertext until this purge.
    family.child_information_add(
        child=child,
        by=staff,
        kind="ehc_plan",
        source="case_file",
        text=SENTINELS["sen"],
        started_on=DATE_OF_BIRTH,
        review_on=DATE_OF_BIRTH,
    )
    mistaken = family.parent_add(
        case=case,
        by=staff,
        given_name=SENTINELS["given_name"],
        family_name=SENTINELS["family_name"],
        relationship="father",
        parental_responsibility="no",
        phone=SENTINELS["phone"],
        email="",
        email_permission=False,
        address=SENTINELS["address"],
        postcode=SENTINELS["postcode"],
        storage_agreed_on=opened_on,
        storage_agreed_how="telephone",
        purpose_explained=True,
    )
    family.parent_remove(
        parent=mistaken, by=coordinator, reason="added_in_error", expected_version=1
    )
    # Several edits: history rows, each with its own ciphertext copies.
    for number in range(3):
        parent = Parent.objects.get(case=case)
        parent.address = f"{SENTINELS['address']} {number}"
        save_as(parent, staff)
    # Reads: access-log rows (detail and list), by staff and the volunteer.
    for user in (staff, volunteer):
        client = Client()
        client.force_login(user)
        assert client.get(f"/cases/{case.pk}/").status_code == 200
        searched = client.post("/cases/search/", {"q": SENTINELS["family_name"]}, follow=True)
        assert searched.status_code == 200 and case.reference in searched.content.decode()
    # Consent, a disclosure request and a page of its pack (probe apps).
    consent = ProbeConsentRecord(
        case=case,
        decision="full",
        notes=SENTINELS["consent"],
        signed_form=b"%PDF-1.7 " + SENTINELS["form"].encode(),
    )
    save_as(consent, staff)
    consent.notes = SENTINELS["consent"] + " reviewed"
    save_as(consent, staff)
    request = save_as(
        ProbeDisclosureRequest(case=case, what_is_asked_plain=PLAINTEXT_CONTROL), staff
    )
    save_as(
        ProbePackPage(request=request, content=SENTINELS["pack"], data_key_id=case.data_key_id),
        staff,
    )
    hold = legal_hold_place(
        case=case, reason="complaint", by=coordinator, details=SENTINELS["hold"]
    )
    legal_hold_lift(hold=hold, by=coordinator)
    # A callback task (CAS-5), given to someone else and done; a closure reopened
    # with a reason (CAS-3): both encrypted under the case's key, both with history.
    services.contact_log(
        case=case,
        by=staff,
        channel="helpline",
        topic=topic,
        outcome="callback",
        callback={"due_at": timezone.now(), "note": SENTINELS["task"]},
    )
    task = Task.objects.get(case=case)
    task_reassign(task=task, owner=coordinator, by=staff)
    task_done(task=task, by=coordinator)
    with connection.cursor() as cursor:
        cursor.execute("SELECT note FROM cases_task WHERE id = %s", [task.pk])
        task_note_ciphertext = bytes(cursor.fetchone()[0])
    # Documents on the EHC plan's item (CAS-2): one kept, one removed in error
    # (its "deleted" history row keeps the title's ciphertext until this purge).
    plan = case.child_information.get(kind="ehc_plan")
    kept, removed = (
        family.child_information_document_attach(
            item=plan,
            uploaded_file=SimpleUploadedFile(
                "plan.pdf", b"%PDF-1.7 " + SENTINELS["document"].encode()
            ),
            description=SENTINELS["document title"],
            by=staff,
        )
        for _ in range(2)
    )
    family.child_information_document_remove(document=removed, by=coordinator, reason="duplicate")
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT content FROM cases_childinformationdocument WHERE id = %s", [kept.pk]
        )
        document_ciphertext = bytes(cursor.fetchone()[0])
    services.case_close(
        case=case, by=staff, closed_on=today.replace(year=today.year - 14, month=1, day=15)
    )
    services.case_reopen(case=case, by=coordinator, reason=SENTINELS["reopen"])
    case = services.case_close(
        case=case,
        by=staff,
        closed_on=today.replace(year=today.year - 13, month=1, day=20),
        reason="support_complete",
    )
    # Its paper file (GOV-8): where it was kept, and that it was shredded.
    paper_file_locate(case=case, by=staff, location=SENTINELS["paper file"])
    paper_file_shred(case=case, by=staff, shredded_on=today.replace(year=today.year - 12))
    with connection.cursor() as cursor:
        cursor.execute("SELECT location FROM cases_paperfile WHERE case_id = %s", [case.pk])
        paper_file_ciphertext = bytes(cursor.fetchone()[0])

    survivor = services.case_open(
        service=service,
        by=staff,
        opened_on=opened_on,
        summary="Survivor summary",
        parent={
            "given_name": "Sam",
            "family_name": SURVIVOR_NAME,
            "relationship": "father",
            "phone": "07000 000000",
            "storage_agreed_on": opened_on,
            "storage_agreed_how": "telephone",
        },
    )
    services.case_close(case=survivor, by=staff, closed_on=today)

    needles = _needles(case, task_note_ciphertext, document_ciphertext)
    needles["paper file location ciphertext"] = paper_file_ciphertext.hex()
    # GOV-7: records not about families, due ones among the needles, the others kept.
    records_due, records_kept = prepare_records(service, coordinator)
    needles.update(records_due)
    _write(
        workdir,
        "prepare",
        {
            "case_id": case.pk,
            "reference": case.reference,
            "survivor_id": survivor.pk,
            "survivor_prefix": (b"\x01" + survivor.data_key_id.bytes).hex(),
            "needles": needles,
            "found_before": _scan(needles),
            "gov7_due": sorted(records_due),
            "gov7_kept": records_kept,
            "gov7_kept_before": _scan(records_kept),
        },
    )


def purge(workdir: Path) -> None:
    import io

    from django.core.management import call_command

    from pps.models import AccessLogEntry
    from retention.models import DestructionLogEntry

    prepared = json.loads((workdir / "prepare.json").read_text())
    out = io.StringIO()
    call_command("purge_expired", "--no-input", stdout=out)
    _write(
        workdir,
        "purge",
        {
            "output": out.getvalue(),
            "found_after": _scan(prepared["needles"]),
            "gov7_kept_after": _scan(prepared["gov7_kept"]),
            "gov7_log": list(
                DestructionLogEntry.objects.exclude(kind="case").values_list("kind", "count")
            ),
            "access_log_rows": AccessLogEntry.objects.filter(case_id=prepared["case_id"]).count(),
            "log": list(
                DestructionLogEntry.objects.filter(kind="case").values(
                    "case_reference", "categories", "closed_on", "destroy_due_on", "data_key_id"
                )
            ),
            "log_text": json.dumps(list(DestructionLogEntry.objects.values()), default=str),
        },
    )


def read(workdir: Path) -> None:
    from cases.models import Child, Parent
    from pps.crypto import EncryptionKeyError

    prepared = json.loads((workdir / "prepare.json").read_text())

    def attempt(load):
        try:
            return {"readable": True, "value": str(load())}
        except EncryptionKeyError as exc:
            return {"readable": False, "error": type(exc).__name__}

    purged, survivor = prepared["case_id"], prepared["survivor_id"]
    _write(
        workdir,
        "read",
        {
            "purged_rows_in_backup": Parent.objects.filter(case_id=purged).values("id").count(),
            "purged_parent": attempt(lambda: Parent.objects.get(case_id=purged).family_name),
            "purged_child": attempt(lambda: Child.objects.get(case_id=purged).date_of_birth),
            "survivor_parent": attempt(lambda: Parent.objects.get(case_id=survivor).family_name),
        },
    )


if __name__ == "__main__":
    step, workdir = sys.argv[1], Path(sys.argv[2])
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.retention.probe_settings")
    django.setup()
    # Test clients sign in with both factors here too, as under pytest.
    from tests import two_factor

    two_factor.install()
    {"prepare": prepare, "purge": purge, "read": read}[step](workdir)
