"""Statistics for the Local Authority (STA-1, STA-2): tables, exports, the page and the command."""

import csv
import datetime
import io

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.management import CommandError, call_command
from django.db import IntegrityError
from django.urls import reverse
from django.utils import timezone

from cases import services
from cases.models import AnonymousContact, Child, Contact, Parent
from cases.statistics.export import CSV_COLUMNS, bar_chart, report_csv, report_pdf
from cases.statistics.models import (
    StatisticsExport,
    StatisticsSettings,
    suppression_threshold_for,
)
from cases.statistics.report import (
    Period,
    PeriodError,
    StatTable,
    allow_dimension,
    build_report,
    recent_periods,
    register_table,
    registered_tables,
    tally,
)
from cases.statistics.suppression import PRIMARY, SECONDARY
from cases.statistics.tables import children_by_age_and_phase
from pps.pdf import MARKING
from tests.cases.suppression_oracle import possible_values
from tests.factories import make_case, parent_fields
from tests.pps.test_pdf_and_uploads import pdf_pages_text

Q3 = Period.parse("2025-Q3")


def at(day: datetime.date, hour: int = 10) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


def log_contacts(case, staff, *, count, channel="helpline", outcome="advice", day=None, topic=None):
    for _ in range(count):
        services.contact_log(
            case=case,
            by=staff,
            channel=channel,
            topic=topic or case.service.topics.first(),
            outcome=outcome,
            occurred_at=at(day or datetime.date(2025, 8, 1)),
        )


def log_anonymous(service, staff, *, count, channel="helpline", day=None):
    for _ in range(count):
        services.anonymous_contact_log(
            service=service,
            by=staff,
            channel=channel,
            topic=service.topics.first(),
            outcome="information",
            occurred_at=at(day or datetime.date(2025, 8, 1)),
        )


def table(report, key):
    return next(t for t in report.tables if t.table.key == key)


# --- periods -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("code", "start", "end", "label"),
    [
        ("2026-10", datetime.date(2026, 10, 1), datetime.date(2026, 11, 1), "October 2026"),
        ("2026-12", datetime.date(2026, 12, 1), datetime.date(2027, 1, 1), "December 2026"),
        (
            "2026-Q3",
            datetime.date(2026, 7, 1),
            datetime.date(2026, 10, 1),
            "July to September 2026 (quarter 3)",
        ),
        (
            "2026-q4",
            datetime.date(2026, 10, 1),
            datetime.date(2027, 1, 1),
            "October to December 2026 (quarter 4)",
        ),
    ],
)
def test_sta1_periods_are_months_or_quarters(code, start, end, label):
    period = Period.parse(code)
    assert (period.start, period.end, period.label) == (start, end, label)
    assert Period.parse(period.code) == period


@pytest.mark.parametrize("code", ["", "2026", "2026-13", "2026-00", "2026-Q5", "26-10", "x; drop"])
def test_sec4_bad_period_gets_a_clear_error(code):
    with pytest.raises(PeriodError):
        Period.parse(code)


def test_sta1_future_period_refused_and_recent_periods_offered():
    today = datetime.date(2026, 5, 20)
    with pytest.raises(PeriodError, match="not started"):
        Period.parse("2026-06").check_reportable(today)
    periods = recent_periods(today, quarters=3, months=2)
    assert [p.code for p in periods] == ["2026-Q2", "2026-Q1", "2025-Q4", "2026-05", "2026-04"]


# --- tables ---------------------------------------------------------------------


def test_sta1_contacts_counted_by_channel_topic_outcome_with_anonymous(service, staff):
    case = make_case(service, staff)
    log_contacts(case, staff, count=6, channel="helpline")
    log_contacts(case, staff, count=5, channel="email", outcome="signposted")
    log_anonymous(service, staff, count=7, channel="helpline")
    # Outside the quarter, and in another service: not counted.
    log_contacts(case, staff, count=4, day=datetime.date(2025, 10, 1))
    log_anonymous(service, staff, count=3, day=datetime.date(2025, 6, 30))

    report = build_report(service=service, period=Q3, threshold=3)
    by_channel = dict((row[0], row[1]) for row in table(report, "contacts_by_channel").rows())
    assert by_channel["Helpline call"] == "13"
    assert by_channel["Email"] == "5"
    assert by_channel["Voicemail"] == "0"
    assert by_channel["Total"] == "18"
    by_kind = dict((row[0], row[1]) for row in table(report, "contacts_by_kind").rows())
    assert by_kind == {"Parent with a case": "11", "Anonymous": "7", "Total": "18"}
    by_outcome = dict((row[0], row[1]) for row in table(report, "contacts_by_outcome").rows())
    assert by_outcome["Signposted to another service"] == "5"
    assert by_outcome["Information given"] == "7"
    topic = service.topics.first().name
    assert (
        dict((row[0], row[1]) for row in table(report, "contacts_by_topic").rows())[topic] == "18"
    )


def test_sta1_small_counts_suppressed_with_a_partner_and_totals_agree(service, staff):
    case = make_case(service, staff)
    log_contacts(case, staff, count=20, channel="helpline")
    log_contacts(case, staff, count=2, channel="letter")
    log_contacts(case, staff, count=9, channel="email")
    report = build_report(service=service, period=Q3, threshold=5)
    by_channel = table(report, "contacts_by_channel")
    shown = {row[0]: row[1] for row in by_channel.rows()}
    assert shown["Letter"] == "<5"
    assert shown["Email"] == "[c]"  # the smallest count that hides the letter count
    assert shown["Helpline call"] == "20" and shown["Total"] == "31"
    # Every contacts table prints the same overall total, never hides it to protect a cell.
    for key in ("contacts_by_channel", "contacts_by_topic", "contacts_by_outcome"):
        published = table(report, key)
        assert published.withheld or published.rows()[-1][-1] == "31"


def test_sta1_cases_opened_closed_archived(service, staff):
    for opened in (
        datetime.date(2025, 7, 3),
        datetime.date(2025, 8, 9),
        datetime.date(2025, 9, 30),
    ):
        case = services.case_open(
            service=service,
            by=staff,
            opened_on=opened,
            parent=parent_fields(),
        )
    services.case_close(case=case, by=staff, closed_on=datetime.date(2025, 9, 30))
    old = services.case_open(
        service=service,
        by=staff,
        opened_on=datetime.date(2024, 1, 1),
        parent=parent_fields(),
    )
    services.case_close(case=old, by=staff, closed_on=datetime.date(2024, 3, 1))
    services.case_archive(case=old, by=staff, archived_on=datetime.date(2025, 8, 1))
    report = build_report(service=service, period=Q3, threshold=3)
    assert table(report, "cases").rows() == [
        ["Opened", "3"],
        ["Closed", "<3"],
        ["Archived", "<3"],
        ["Reopened", "0"],
    ]


def test_sta1_children_by_age_band_and_phase(service, staff):
    case = make_case(service, staff)
    log_contacts(case, staff, count=1)
    births = [datetime.date(2016, 9, 30), datetime.date(2016, 10, 1), datetime.date(2022, 1, 1)]
    for born, phase in zip(births, ["primary", "primary", "early_years"], strict=True):
        services.child_add(
            case=case,
            by=staff,
            given_name="A",
            family_name="B",
            date_of_birth=born,
            school_phase=phase,
        )
    services.child_add(case=case, by=staff, given_name="C", family_name="B")
    # A case not worked on in the quarter does not count.
    idle = make_case(service, staff)
    services.child_add(case=idle, by=staff, given_name="D", family_name="E", school_phase="primary")

    raw = children_by_age_and_phase(service, Q3)
    grid = {
        (row, column): raw.counts[r][c]
        for r, row in enumerate(raw.row_labels)
        for c, column in enumerate(raw.column_labels)
    }
    # Age on 30 September 2025: born 30/9/2016 is 9, born 1/10/2016 is still 8.
    assert grid[("5 to 10", "Primary")] == 2
    assert grid[("Under 5", "Early years")] == 1
    assert grid[("Not recorded", "Not recorded")] == 1
    assert sum(map(sum, raw.counts)) == 4
    assert Child.objects.count() == 5


def test_sta1_only_allow_listed_category_columns_can_be_counted():
    with pytest.raises(ImproperlyConfigured):
        tally(Contact.objects.all(), "notes")
    with pytest.raises(ImproperlyConfigured):
        tally(Parent.objects.all(), "family_name")
    with pytest.raises(ImproperlyConfigured):
        tally(Contact.objects.all(), "occurred_at")
    assert tally(AnonymousContact.objects.all(), "channel") == {}


def test_sta1_other_apps_can_register_tables(service):
    def example(service, period):
        return StatTable(
            key="example_table",
            title="Cases destroyed",
            description="",
            row_heading="Category",
            row_labels=("Parent support",),
            column_labels=("Cases",),
            counts=((2,),),
            column_totals=False,
        )

    register_table("example_table", example)
    allow_dimension("cases.Parent", "relationship")
    try:
        assert tally(Parent.objects.all(), "relationship") == {}
        report = build_report(service=service, period=Q3, threshold=5)
        assert table(report, "example_table").rows() == [["Parent support", "<5"]]
    finally:
        from cases.statistics import report as statistics

        statistics._BUILDERS.pop("example_table")
        statistics.ALLOWED_DIMENSIONS.pop("cases.parent")
    assert "example_table" not in registered_tables()


def test_sta1_no_table_of_a_real_report_gives_away_a_suppressed_count(service, staff):
    cases = [make_case(service, staff) for _ in range(3)]
    channels = ["helpline", "email", "letter", "in_person", "voicemail"]
    for index, case in enumerate(cases):
        for number, channel in enumerate(channels):
            log_contacts(
                case, staff, count=(index + number) % 4 + (5 if number == 0 else 0), channel=channel
            )
        services.child_add(
            case=case,
            by=staff,
            given_name="X",
            family_name="Y",
            date_of_birth=datetime.date(2010 + index * 4, 1, 1),
            school_phase=["secondary", "primary", "primary"][index],
        )
    log_anonymous(service, staff, count=2, channel="web_form")
    report = build_report(service=service, period=Q3, threshold=5)
    assert any(
        state in (PRIMARY, SECONDARY)
        for published in report.tables
        for row in published.cells.states
        for state in row
    )
    for published in report.tables:
        if published.withheld:
            continue
        for values in possible_values(published.cells).values():
            assert len(values) >= 2, published.table.key


# --- threshold ------------------------------------------------------------------


def test_sta1_threshold_defaults_to_5_is_per_service_and_never_below_3(service, other_service):
    assert suppression_threshold_for(service) == 5
    StatisticsSettings.objects.create(service=other_service, suppression_threshold=3)
    assert suppression_threshold_for(other_service) == 3
    assert suppression_threshold_for(service) == 5
    with pytest.raises(IntegrityError):
        StatisticsSettings.objects.create(service=service, suppression_threshold=2)


# --- exports --------------------------------------------------------------------


def test_sta1_csv_has_only_allow_listed_columns_and_no_small_counts(service, staff):
    case = make_case(service, staff)
    log_contacts(case, staff, count=8)
    log_contacts(case, staff, count=1, channel="letter")
    report = build_report(service=service, period=Q3, threshold=5)
    text = report_csv(report).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert tuple(rows[0]) == CSV_COLUMNS
    allowed_labels = {
        label for published in report.tables for label in (*published.table.row_labels, "Total")
    }
    allowed_columns = {
        label for published in report.tables for label in (*published.table.column_labels, "Total")
    }
    titles = {published.table.title for published in report.tables}
    for period, title, row, column, count in rows[1:]:
        assert period == "2025-Q3" and title in titles
        assert column in allowed_columns or count == "withheld"
        assert row in allowed_labels or count == "withheld"
        assert count in {"0", "<5", "[c]", "withheld"} or int(count) >= 5


def test_sta2_pdf_is_marked_and_holds_the_tables(service, staff):
    case = make_case(service, staff)
    log_contacts(case, staff, count=12)
    report = build_report(service=service, period=Q3, threshold=5)
    pages = pdf_pages_text(report_pdf(report))
    for page in pages:
        assert MARKING in page
    text = "\n".join(pages)
    assert "Contacts by channel" in text and "Children by age band and school phase" in text
    assert "July to September 2025" in text


def test_sta1_bar_chart_draws_shown_counts_only(service, staff):
    case = make_case(service, staff)
    log_contacts(case, staff, count=10, channel="helpline")
    log_contacts(case, staff, count=20, channel="email")
    log_contacts(case, staff, count=2, channel="letter")
    chart = bar_chart(
        table(build_report(service=service, period=Q3, threshold=5), "contacts_by_channel")
    )
    bars = {bar.label: bar for bar in chart.bars}
    assert bars["Email"].width == 300 and bars["Letter"].width == 0
    assert bars["Letter"].text == "<5" and bars["Helpline call"].text == "[c]"
    assert "Total" not in bars


# --- the page and its exports ------------------------------------------------------


def test_sta1_staff_and_coordinators_see_the_page_with_suppression(
    service, staff, coordinator, client_for
):
    case = make_case(service, staff)
    log_contacts(case, staff, count=2, channel="letter")
    log_contacts(case, staff, count=30)
    for user in (staff, coordinator):
        response = client_for(user).get(reverse("statistics:page"), {"period": "2025-Q3"})
        page = response.content.decode()
        assert response.status_code == 200
        assert "Contacts by channel" in page and "&lt;5" in page and "<svg" in page
        assert case.reference not in page
    assert "Download CSV" not in client_for(staff).get(reverse("statistics:page")).content.decode()


def test_sec4_statistics_page_bad_period_is_a_clear_error(staff, client_for):
    response = client_for(staff).get(reverse("statistics:page"), {"period": "2025-13"})
    assert response.status_code == 400
    assert "Enter a month between 01 and 12" in response.content.decode()


def test_sta2_coordinator_export_is_logged_with_who_and_when(service, coordinator, client_for):
    client = client_for(coordinator)
    response = client.post(reverse("statistics:export"), {"period": "2025-Q3", "format": "csv"})
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="statistics-north-2025-Q3.csv"'
    assert response.content.decode("utf-8-sig").startswith("period,table,row,column,count")
    pdf = client.post(reverse("statistics:export"), {"period": "2025-10", "format": "pdf"})
    assert pdf["Content-Type"] == "application/pdf"
    exports = list(StatisticsExport.objects.order_by("id"))
    assert [(e.period, e.format, e.exported_by, e.via) for e in exports] == [
        ("2025-Q3", "csv", coordinator, "web"),
        ("2025-10", "pdf", coordinator, "web"),
    ]
    assert exports[0].exported_at is not None and exports[0].threshold == 5
    page = client.get(reverse("statistics:page")).content.decode()
    assert "Recent exports" in page and "2025-Q3" in page


def test_sta2_bad_export_request_changes_nothing(coordinator, client_for):
    client = client_for(coordinator)
    for data in ({"period": "2025-Q9", "format": "csv"}, {"period": "2025-Q3", "format": "xls"}):
        response = client.post(reverse("statistics:export"), data, follow=True)
        assert response.status_code in (200, 400)
        assert "There is a problem" in response.content.decode()
    assert StatisticsExport.objects.count() == 0


@pytest.mark.parametrize("persona", ["staff", "volunteer", "admin_user"])
def test_acc5_only_coordinators_export_statistics(persona, request, client_for):
    user = request.getfixturevalue(persona)
    response = client_for(user).post(
        reverse("statistics:export"), {"period": "2025-Q3", "format": "csv"}
    )
    assert response.status_code == 403
    assert StatisticsExport.objects.count() == 0


# --- the command -----------------------------------------------------------------


def test_sta2_stats_report_command_writes_and_logs(service, staff, coordinator, tmp_path, capsys):
    case = make_case(service, staff)
    log_contacts(case, staff, count=7)
    output = tmp_path / "q3.csv"
    call_command("stats_report", "--period", "2025-Q3", "--format", "csv", "--output", str(output))
    assert "Export logged" in capsys.readouterr().out
    assert "Helpline call,Contacts,7" in output.read_text(encoding="utf-8-sig")
    export = StatisticsExport.objects.get()
    assert (export.via, export.exported_by, export.format) == ("command", None, "csv")
    assert export.operator

    pdf = tmp_path / "q3.pdf"
    call_command(
        "stats_report",
        "--period",
        "2025-Q3",
        "--format",
        "pdf",
        "--output",
        str(pdf),
        "--service",
        "north",
        "--by",
        "coordinator",
    )
    assert pdf.read_bytes().startswith(b"%PDF-")
    assert StatisticsExport.objects.filter(exported_by=coordinator, via="command").count() == 1


def test_sta2_stats_report_dry_run_writes_and_logs_nothing(service, tmp_path, capsys):
    output = tmp_path / "x.csv"
    call_command(
        "stats_report",
        "--period",
        "2025-10",
        "--format",
        "csv",
        "--output",
        str(output),
        "--dry-run",
    )
    assert "Dry run" in capsys.readouterr().out
    assert not output.exists() and StatisticsExport.objects.count() == 0


def test_sta2_stats_report_refuses_bad_input(service, other_service, staff, tmp_path):
    with pytest.raises(CommandError, match="--service"):
        call_command("stats_report", "--period", "2025-10", "--format", "csv")
    with pytest.raises(CommandError, match="No service"):
        call_command("stats_report", "--period", "2025-10", "--format", "csv", "--service", "nope")
    with pytest.raises(CommandError, match="Enter a month"):
        call_command("stats_report", "--period", "2025-14", "--format", "csv", "--service", "north")
    with pytest.raises(CommandError, match="not an active coordinator"):
        call_command(
            "stats_report",
            "--period",
            "2025-10",
            "--format",
            "csv",
            "--service",
            "north",
            "--by",
            "staff",
        )
    assert StatisticsExport.objects.count() == 0


def test_sta1_admins_set_their_own_services_threshold_never_below_3(
    service, other_service, admin_user, client_for
):
    client = client_for(admin_user)
    url = reverse("admin:cases_statisticssettings_add")
    page = client.get(url)
    assert page.status_code == 200 and "Southvale" not in page.content.decode()
    refused = client.post(url, {"service": service.pk, "suppression_threshold": 2})
    assert refused.status_code == 200 and "greater than or equal to 3" in refused.content.decode()
    other = client.post(url, {"service": other_service.pk, "suppression_threshold": 7})
    assert other.status_code == 200 and not StatisticsSettings.objects.exists()
    client.post(url, {"service": service.pk, "suppression_threshold": 7})
    assert suppression_threshold_for(service) == 7


def test_sta1_account_without_a_service_sees_no_statistics(service, client_for):
    from tests.factories import make_user

    loner = make_user(service, "coordinator")
    loner.service = None
    loner.save()
    # Held first by the policy gate: with no service there is no policy to accept.
    response = client_for(loner).get(reverse("statistics:page"))
    assert response.status_code == 302 and response["Location"].startswith(
        reverse("policy:acknowledge")
    )


def test_sec4_topic_names_cannot_become_spreadsheet_formulas(service, staff):
    from cases.models import Topic

    Topic.objects.create(service=service, name='=HYPERLINK("http://x.example","y")', position=99)
    report = build_report(service=service, period=Q3, threshold=5)
    rows = list(csv.reader(io.StringIO(report_csv(report).decode("utf-8-sig"))))
    labels = [row[2] for row in rows if row[1] == "Contacts by topic"]
    assert '\'=HYPERLINK("http://x.example","y")' in labels
    assert not any(cell.startswith("=") for row in rows for cell in row)
