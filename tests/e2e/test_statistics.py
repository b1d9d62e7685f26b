"""Browser journey: a coordinator opens the statistics for a quarter and downloads the CSV (STA-1, STA-2)."""

import datetime
from pathlib import Path

from django.utils import timezone
from playwright.sync_api import expect

from cases import services
from cases.statistics.models import StatisticsExport
from cases.statistics.report import recent_periods
from tests.factories import make_case


def test_coordinator_opens_a_quarter_and_downloads_the_csv(
    page, sign_in, service, staff, coordinator
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
