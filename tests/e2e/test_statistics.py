"""Browser journeys: a coordinator opens the statistics for a quarter and downloads the CSV,
then the last eight months side by side and downloads those (STA-1, STA-2). Each page passes
axe-core and the W3C Nu HTML checker (tests/e2e/page_checks.py)."""

import datetime
from pathlib import Path

from django.utils import timezone
from playwright.sync_api import expect

from cases import services
from cases.statistics.models import StatisticsExport
from cases.statistics.report import last_complete, recent_periods
from tests.e2e.page_checks import assert_accessible
from tests.factories import make_case


def test_coordinator_opens_a_quarter_and_downloads_the_csv(
    page, sign_in, service, staff, coordinator, html_checker
):
    quarter = recent_periods(timezone.localdate(), quarters=3, months=0)[2]
    when = timezone.make_aware(datetime.datetime.combine(quarter.start, datetime.time(11)))
    case = make_case(service, staff, family_name="Brackenridge")
    for channel, count in [("helpline", 12), ("email", 6), ("letter", 2)]:
        for _ in range(count):
            services.contact_log(
                case=case,
                by=staff,
                channel=channel,
                topic=service.topics.first(),
                outcome="advice",
                occurred_at=when,
            )
    console_errors = []
    page.on("console", lambda m: m.type == "error" and console_errors.append(m.text))

    sign_in("coordinator")
    page.get_by_role("link", name="Statistics").click()
    expect(page.get_by_role("heading", name="Statistics for the Local Authority")).to_be_visible()
    page.get_by_label("Period", exact=True).select_option(quarter.code)
    page.get_by_role("button", name="Show statistics").click()

    expect(page.get_by_role("heading", name=quarter.label)).to_be_visible()
    channels = page.get_by_role("table").filter(has_text="Helpline call").first
    expect(channels.get_by_role("row", name="Letter <5", exact=True)).to_be_visible()
    expect(channels.get_by_role("row", name="Email [c]", exact=True)).to_be_visible()
    expect(channels.get_by_role("row", name="Total 20", exact=True)).to_be_visible()
    expect(page.get_by_role("img", name="Bar chart: Contacts by channel")).to_be_visible()
    assert "Brackenridge" not in page.content() and case.reference not in page.content()
    assert_accessible(page)
    html_checker.record()

    with page.expect_download() as download_info:
        page.get_by_role("button", name="Download CSV").click()
    download = download_info.value
    assert download.suggested_filename == f"statistics-north-{quarter.code}.csv"
    content = Path(download.path()).read_text(encoding="utf-8-sig")
    assert content.startswith("period,table,row,column,count")
    assert f"{quarter.code},Contacts by channel,Helpline call,Contacts,12" in content
    assert f"{quarter.code},Contacts by channel,Letter,Contacts,<5" in content
    assert "Brackenridge" not in content

    export = StatisticsExport.objects.get()
    assert (export.exported_by, export.period, export.format) == (coordinator, quarter.code, "csv")
    assert console_errors == []
    html_checker.assert_valid()


def test_coordinator_opens_the_last_eight_months_and_downloads_them(
    page, sign_in, service, staff, coordinator, html_checker
):
    """Statistics over time (STA-1, STA-2): a mode of the same page, chosen with radios."""
    end = last_complete(timezone.localdate(), quarters=False)
    case = make_case(service, staff, family_name="Brackenridge")
    for channel, count in [("helpline", 14), ("email", 2)]:
        for _ in range(count):
            services.contact_log(
                case=case,
                by=staff,
                channel=channel,
                topic=service.topics.first(),
                outcome="advice",
                occurred_at=timezone.make_aware(
                    datetime.datetime.combine(end.start, datetime.time(11))
                ),
            )
    console_errors = []
    page.on("console", lambda m: m.type == "error" and console_errors.append(m.text))

    sign_in("coordinator")
    page.get_by_role("link", name="Statistics").click()
    page.get_by_role("radio", name="Months").check()
    page.get_by_role("button", name="Compare periods").click()

    expect(page.get_by_role("heading", name="The last 8 months", exact=False)).to_be_visible()
    channels = page.get_by_role("table", name="Contacts by channel, by month, oldest first")
    expect(channels.get_by_role("columnheader", name=end.short_label)).to_be_visible()
    expect(channels.get_by_role("row", name="Total 0 0 0 0 0 0 0 16", exact=True)).to_be_visible()
    expect(
        page.get_by_role("img", name="Column chart: Contacts by channel, total for each period")
    ).to_be_visible()
    assert "Brackenridge" not in page.content() and case.reference not in page.content()
    assert_accessible(page)
    html_checker.record()

    with page.expect_download() as download_info:
        page.get_by_role("button", name="Download CSV").click()
    download = download_info.value
    assert download.suggested_filename == f"statistics-north-8-months-to-{end.code}.csv"
    content = Path(download.path()).read_text(encoding="utf-8-sig")
    assert f"{end.code},Contacts by channel,Email,Contacts,<5" in content

    page.goto("/statistics/?view=trend&kind=fortnights")
    expect(page.get_by_role("heading", name="There is a problem")).to_be_visible()
    assert_accessible(page)
    html_checker.record()

    export = StatisticsExport.objects.get()
    assert (export.exported_by, export.period, export.periods) == (coordinator, end.code, 8)
    assert console_errors == [] or all("400" in error for error in console_errors)
    html_checker.assert_valid()
