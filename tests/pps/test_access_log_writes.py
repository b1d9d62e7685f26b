"""The access log's plain INSERT writes what the model describes (ACC-6, ACC-7)."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from pps import access_log
from pps.models import AccessLogEntry


def test_acc7_insert_names_every_column_of_the_model():
    """A field added to the model and forgotten here would be left at its default
    (or refused) on every row: the writer must name them all."""
    written = {AccessLogEntry._meta.get_field(name).column for name in access_log.COLUMNS}
    model = {
        field.column for field in AccessLogEntry._meta.concrete_fields if not field.primary_key
    }
    assert written == model


def test_acc7_single_read_reads_back_as_the_model_would_have_saved_it(staff):
    before = timezone.now()
    access_log.record_access(
        staff,
        action=AccessLogEntry.Action.DOWNLOAD,
        object_type="letter",
        object_id="x" * 60,
        case_id=7,
        allowed=False,
    )
    entry = AccessLogEntry.objects.get()
    assert (entry.user, entry.service_id, entry.role, entry.action) == (
        staff,
        staff.service_id,
        "staff",
        "download",
    )
    assert (entry.object_type, entry.object_id, entry.case_id, entry.allowed) == (
        "letter",
        "x" * 40,  # cut to the column's length, as before
        7,
        False,
    )
    assert timezone.is_aware(entry.at)
    assert before - datetime.timedelta(seconds=1) <= entry.at <= timezone.now()


def test_acc7_a_listing_is_one_statement_with_one_stamp(staff):
    with CaptureQueriesContext(connection) as captured:
        access_log.record_listing(staff, object_type="case", case_ids=range(1, 26))
    inserts = [q for q in captured.captured_queries if q["sql"].startswith("INSERT")]
    assert len(inserts) == 1
    rows = AccessLogEntry.objects.filter(user=staff, action="list")
    assert sorted(rows.values_list("case_id", flat=True)) == list(range(1, 26))
    assert set(rows.values_list("object_id", flat=True)) == {str(n) for n in range(1, 26)}
    assert rows.values("at").distinct().count() == 1


@pytest.mark.django_db(transaction=True)
def test_acc7_a_long_listing_is_written_whole_or_not_at_all(staff, monkeypatch):
    count = access_log.ROWS_PER_STATEMENT * 2 + 3
    access_log.record_listing(staff, object_type="case", case_ids=range(count))
    assert AccessLogEntry.objects.filter(action="list").count() == count

    # A failure in a later statement takes the earlier ones back with it.
    real = access_log._insert_statement
    calls = []

    def failing_second(conn, rows):
        calls.append(rows)
        if len(calls) == 2:
            raise RuntimeError("the database went away")
        return real(conn, rows)

    monkeypatch.setattr(access_log, "_insert_statement", failing_second)
    with pytest.raises(RuntimeError):
        access_log.record_listing(staff, object_type="case", case_ids=range(count))
    assert AccessLogEntry.objects.filter(action="list").count() == count


def test_acc7_nothing_shown_writes_nothing(staff):
    with CaptureQueriesContext(connection) as captured:
        access_log.record_listing(staff, object_type="case", case_ids=[])
    assert captured.captured_queries == []
