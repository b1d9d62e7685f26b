"""The no-trace scenario's records not about families (GOV-7).

``purge_scenario.prepare`` calls ``prepare_records``: one due record of each
kind, holding recognisable needles, and one not yet due of each, whose needles
must survive the purge. Returns both as hex byte patterns.
"""

from django.db import connection

from pps.crypto import FORMAT_V1
from pps.keystore.models import DataKey
from pps.models import VolunteerAgreement
from tests.retention.gov7_world import (
    closed_breach,
    departed_account,
    export_log,
    months_ago,
    security_event,
)

DEPARTED = {
    "username": "qzleaver.gov7",
    "first_name": "Quillonderry",
    "last_name": "Leaverstaff",
    "email": "quillonderry.leaverstaff@example.org",
}


def _stored(table: str, column: str, pk) -> bytes:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {column} FROM {table} WHERE id = %s", [pk])  # noqa: S608
        return bytes(cursor.fetchone()[0])


def _inet(address: str) -> bytes:
    """An IPv4 address as PostgreSQL's inet stores it: family, prefix length, the bytes."""
    return bytes([2, 32, *(int(part) for part in address.split("."))])


def _encrypted(prefix: str, key_id, table: str, column: str, pk) -> dict[str, bytes]:
    return {
        f"{prefix} ciphertext prefix": FORMAT_V1 + key_id.bytes,
        f"{prefix} stored bytes": _stored(table, column, pk),
        f"{prefix} wrapped key": bytes(DataKey.objects.get(id=key_id).wrapped),
    }


def _records(service, coordinator, *, due: bool, tag: str) -> dict[str, bytes]:
    """One record of each kind, due (months past every default) or not."""
    age = (lambda months: months_ago(months + 2)) if due else (lambda months: months_ago(1))
    address = "203.0.113.77" if due else "203.0.113.88"
    names = DEPARTED if due else {"username": "keeper.gov7", "last_name": "Keepworthystaff"}
    leaver = departed_account(service, "volunteer", left=age(24), **names)
    # A staff member's sign-in, and an attempt with an unknown username (no account).
    nobody = address.replace("203.0.113", "198.51.100")
    security_event(coordinator, ip_address=address, at=age(12))
    security_event(None, ip_address=nobody, at=age(12))
    operator = f"EXPORT-OPERATOR-{tag}"
    export, job = export_log(service, coordinator, at=age(24), content=f"FILE-{tag}".encode())
    type(export).objects.filter(pk=export.pk).update(operator=operator)
    breach = closed_breach(service, coordinator, closed_at=age(72), title=f"BREACH-{tag}")
    agreement = VolunteerAgreement.objects.get(volunteer=leaver)
    needles = {
        f"{tag} security event address": address.encode(),
        f"{tag} security event address (inet)": _inet(address),
        f"{tag} unknown user's address": nobody.encode(),
        f"{tag} unknown user's address (inet)": _inet(nobody),
        f"{tag} export operator": operator.encode(),
        f"{tag} export file": f"FILE-{tag}".encode(),
        **_encrypted(f"{tag} breach", breach.data_key_id, "governance_breach", "title", breach.pk),
        **_encrypted(
            f"{tag} agreement scan",
            agreement.data_key_id,
            VolunteerAgreement._meta.db_table,
            "document",
            agreement.pk,
        ),
    }
    needles.update({f"{tag} departed {field}": value.encode() for field, value in names.items()})
    return needles


def prepare_records(service, coordinator) -> tuple[dict[str, str], dict[str, str]]:
    """(needles of due records, needles of records not yet due), as hex."""
    due = _records(service, coordinator, due=True, tag="GOV7DUE")
    kept = _records(service, coordinator, due=False, tag="GOV7KEPT")
    return (
        {label: value.hex() for label, value in due.items()},
        {label: value.hex() for label, value in kept.items()},
    )
