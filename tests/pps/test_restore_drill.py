"""The restore drill on PostgreSQL, onto new database servers (OPS-4, SEC-4, ACC-10).

tests/pps/test_backup_restore.py restores over the live databases in place.
This is the drill docs/security.md describes for a lost server: the case
database and the key store are backed up with ``manage.py backup`` (two
directories), restored into fresh, empty databases with ``manage.py restore
--live-database-lost``, and the application reads the cases again, except a
case purged between the two backups, which is removed. Restoring the case
database without its key store reads nothing: every encrypted value in every
table is refused, and the backup itself holds no personal value in plain text.
"""

import subprocess
import sys

import pytest
from django.db import connection

from pps.backups import pg_tool
from tests.security.scratch import ROOT, clean_environment, manage, scratch_databases
from tests.security.test_soak import soak_json

pytestmark = pytest.mark.postgres_only  # runs commands against scratch databases only

SURNAME = "Drillsentinelworth"
PURGED_SURNAME = "Drillsentinelpurged"
SUMMARY = "Drillsentinel enquiry about an EHC needs assessment"

SETUP = f"""
import datetime, json
from cases import services
from pps.models import Service
from pps.services import user_create

service = Service.objects.create(code="drill", name="Drill SENDIASS")
services.topics_create_defaults(service=service)
user = user_create(username="drill", password="drill-passphrase-for-testing", service=service,
                   role="staff", first_name="Drill", last_name="Staff")
cases = [services.case_open(service=service, by=user, summary={SUMMARY!r}, parent={{
    "given_name": "Robin", "family_name": surname, "relationship": "mother",
    "parental_responsibility": "yes", "phone": "07700 900123",
    "email": "robin.drillsentinelworth@example.com", "address": "7 Drillsentinel Road",
    "postcode": "ZZ9 9ZZ", "storage_agreed_on": datetime.date.today(),
    "storage_agreed_how": "telephone"}}) for surname in ({SURNAME!r}, {PURGED_SURNAME!r})]
print("SOAK" + json.dumps([[case.pk, str(case.data_key_id)] for case in cases]))
"""

# Every encrypted value in every table (history included): read, or refused?
READ_EVERYTHING = """
import json
from django.apps import apps
from pps import crypto
from pps.fields import _EncryptedField

readable = refused = 0
for model in apps.get_models():
    for field in model._meta.concrete_fields:
        if not isinstance(field, _EncryptedField):
            continue
        rows = model._base_manager.filter(**{field.attname + "__isnull": False})
        for pk in rows.values_list("pk", flat=True):
            try:
                model._base_manager.filter(pk=pk).values_list(field.attname, flat=True).get()
                readable += 1
            except crypto.EncryptionKeyError:
                refused += 1
print("SOAK" + json.dumps({"readable": readable, "refused": refused}))
"""

READ_THE_CASES = """
import json
from cases.models import Case
print("SOAK" + json.dumps({case.pk: [case.summary, case.parents.get().family_name]
                           for case in Case.objects.all()}))
"""


@pytest.fixture(scope="module")
def backups(tmp_path_factory, django_db_setup, django_db_blocker):
    """Both databases of a live service, backed up into two directories."""
    if connection.vendor != "postgresql":
        pytest.skip("The drill restores pg_dump backups into new PostgreSQL databases.")
    tmp_path = tmp_path_factory.mktemp("drill")
    with django_db_blocker.unblock(), scratch_databases(tmp_path, copy_test_databases=True) as env:
        manage(env, "migrate", "--noinput", "-v0")
        manage(env, "migrate", "--database", "keystore", "--noinput", "-v0")
        (kept, _), (purged, purged_key) = soak_json(manage(env, "shell", "-c", SETUP).stdout)
        manage(env, "backup", "--to", str(tmp_path / "cases"))
        # Purged after the case database's backup, before the key store's: its key is gone.
        manage(env, "shell", "-c", f"import uuid; from pps.crypto import destroy_data_key; "
               f"assert destroy_data_key(uuid.UUID({purged_key!r}))")  # fmt: skip
        manage(env, "backup", "--keystore", "--to", str(tmp_path / "keystore"))
    (cases,) = (tmp_path / "cases").glob("*.pgdump")
    (keys,) = (tmp_path / "keystore").glob("*.pgdump")
    return {"cases": cases, "keystore": keys, "kept": kept, "purged": purged}


def restore(env: dict, backup, *options: str) -> None:
    # New servers: there is no live database to replay from, so the drill says so.
    manage(env, "restore", str(backup), "--yes", "--live-database-lost", *options)


def test_ops4_restore_both_databases_onto_new_servers_and_read_the_cases(
    backups, tmp_path, django_db_blocker
):
    with django_db_blocker.unblock(), scratch_databases(tmp_path) as fresh:
        restore(fresh, backups["keystore"], "--keystore")
        restore(fresh, backups["cases"])
        manage(fresh, "migrate", "--check", "-v0")  # the schema is the code's, nothing pending
        cases = soak_json(manage(fresh, "shell", "-c", READ_THE_CASES).stdout)
        counts = soak_json(manage(fresh, "shell", "-c", READ_EVERYTHING).stdout)
    # The purged case is removed again (its key was destroyed): every value left is readable.
    assert cases == {str(backups["kept"]): [SUMMARY, SURNAME]}, cases
    assert counts["readable"] > 5 and counts["refused"] == 0, counts


def test_acc10_the_case_database_restored_without_its_key_store_reads_nothing(
    backups, tmp_path, django_db_blocker
):
    # A new, empty key store (a copy of the test run's) beside the restored case database.
    with (
        django_db_blocker.unblock(),
        scratch_databases(tmp_path, copy_test_databases=True) as fresh,
    ):
        manage(fresh, "migrate", "--database", "keystore", "--noinput", "-v0")
        refused = subprocess.run(
            [sys.executable, "manage.py", "restore", str(backups["cases"]), "--yes"]
            + ["--live-database-lost"],
            cwd=ROOT,
            env=clean_environment(**fresh),
            capture_output=True,
            text=True,
            timeout=300,
        )
        # The restore itself notices: no case has its key, so it removes none.
        assert refused.returncode != 0 and "wrong key store" in refused.stderr, refused.stderr
        counts = soak_json(manage(fresh, "shell", "-c", READ_EVERYTHING).stdout)
    assert counts["readable"] == 0 and counts["refused"] > 5, counts


def test_acc10_the_case_database_backup_holds_no_personal_value_in_plain_text(backups):
    """The pg_dump file is compressed, so it is turned back into SQL text first."""
    result = subprocess.run(  # noqa: S603 - a fixed tool and a file this test made
        [pg_tool("pg_restore"), "--file=-", str(backups["cases"])],
        env=clean_environment(),
        capture_output=True,
        check=True,
        timeout=120,
    )
    dump = result.stdout.lower()
    assert b"drill sendiass" in dump  # the scan reads the data (a service name is not secret)
    for value in ("drillsentinel", "07700 900123", "zz9 9zz"):
        assert value.encode() not in dump, value
        assert value.encode().hex().encode() not in dump, value  # nor as bytea hex
