"""The tables other apps add to the statistics (STA-1): consent decisions by kind
and cases purged, on the page, in the CSV and the PDF, with suppression."""

import datetime

from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from cases.statistics.export import report_csv
from cases.statistics.report import Period, build_report
from retention.purge import purge_execute
from tests.cases.suppression_oracle import possible_values
from tests.consent.helpers import record, refuse
from tests.factories import make_case
from tests.pps.test_pdf_and_uploads import pdf_pages_text
from tests.retention.helpers import make_expired_case

CONSENT_TITLE = "Consent decisions by kind"
PURGES_TITLE = "Cases destroyed at the end of their retention period"


def this_month() -> Period:
    today = timezone.localdate()
    return Period.parse(f"{today.year}-{today.month:02d}")


def table(report, key):
    return next(t for t in report.tables if t.table.key == key)


def test_sta1_consent_decisions_counted_by_kind_with_suppression(
    service, other_service, staff, other_service_staff
):
    for _ in range(6):
        record(make_case(service, staff), staff, "full")
    refuse(make_case(service, staff), staff)
    theirs = make_case(other_service, other_service_staff)
    record(theirs, other_service_staff, "full")  # another service's: not counted
    report = build_report(service=service, period=this_month(), threshold=5)
    rows = table(report, "consent_decisions").rows()
    assert rows[-1] == ["Total", "7"]
    shown = dict(row[:2] for row in rows[:-1])
    assert set(shown) == {
        "Full consent",
        "Restricted consent",
        "Consent refused",
        "Consent withdrawn",
    }
    # The 1 refusal is hidden, and nothing shown gives it away.
    assert shown["Consent refused"] == "<5"
    for values in possible_values(table(report, "consent_decisions").cells).values():
        assert len(values) >= 2
    last_year = Period.parse(f"{timezone.localdate().year - 1}-01")
    earlier = build_report(service=service, period=last_year, threshold=5)
    assert table(earlier, "consent_decisions").rows()[-1] == ["Total", "0"]


def test_sta1_purges_counted_from_the_destruction_log(
    service, other_service, staff, other_service_staff, admin_user
):
    due = [make_expired_case(service, staff) for _ in range(6)]
    purge_execute(case_ids=[c.pk for c in due], by=admin_user, method="screen", service=service)
    theirs = make_expired_case(other_service, other_service_staff)
    purge_execute(case_ids=[theirs.pk], by=None, method="command", service=other_service)
    report = build_report(service=service, period=this_month(), threshold=5)
    rows = table(report, "purges").rows()
    assert rows == [
        ["Scheduled command", "0"],
        ["Administration screen", "6"],
        ["Total", "6"],
    ]
    text = report_csv(report).decode("utf-8-sig")
    assert PURGES_TITLE in text and all(case.reference not in text for case in due)
    earlier = this_month().start - datetime.timedelta(days=40)
    before = Period.parse(f"{earlier.year}-{earlier.month:02d}")
    assert table(build_report(service=service, period=before, threshold=5), "purges").rows()[
        -1
    ] == ["Total", "0"]


def test_sta1_new_tables_on_the_page_and_in_both_exports(
    service, staff, coordinator, admin_user, client_for, tmp_path
):
    record(make_case(service, staff), staff, "full")
    due = make_expired_case(service, staff)
    purge_execute(case_ids=[due.pk], by=admin_user, method="screen", service=service)
    period = this_month().code

    page = client_for(coordinator).get(reverse("statistics:page"), {"period": period})
    assert CONSENT_TITLE in page.content.decode() and PURGES_TITLE in page.content.decode()

    csv_file, pdf_file = tmp_path / "s.csv", tmp_path / "s.pdf"
    for fmt, output in (("csv", csv_file), ("pdf", pdf_file)):
        call_command(
            "stats_report",
            *("--period", period, "--format", fmt, "--output", str(output)),
            *("--service", service.code),
        )
    csv_text = csv_file.read_text(encoding="utf-8-sig")
    assert f"{CONSENT_TITLE},Full consent,Decisions,<5" in csv_text
    assert f"{PURGES_TITLE},Administration screen,Cases,<5" in csv_text
    pdf_text = " ".join(" ".join(p.split()) for p in pdf_pages_text(pdf_file.read_bytes()))
    assert CONSENT_TITLE in pdf_text and PURGES_TITLE in pdf_text
    assert due.reference not in csv_text + pdf_text
