"""The disclosure app's part in the rest of the product: purge blocker, statistics, the log registry."""

import datetime

from cases.statistics.report import Period, build_report
from disclosure import log
from disclosure.log import LogEntry, disclosure_log, register_log_source
from disclosure.statistics import requests_by_type_and_outcome
from retention.purge import purge_execute, purge_preview
from tests.disclosure.helpers import approved_request, log_request, refuse, release
from tests.retention.helpers import make_expired_case


def test_ret4_a_due_case_with_an_open_request_is_not_purged(
    service, staff, coordinator, admin_user
):
    case = make_expired_case(service, staff)
    request = log_request(case, staff)
    preview = purge_preview(service=service)
    assert [item.blocked_by for item in preview.blocked] == [("Open disclosure request",)]
    run = purge_execute(case_ids=[case.pk], by=admin_user, method="screen", service=service)
    assert run.purged == 0
    assert type(case).objects.filter(pk=case.pk).exists()
    # Once answered, nothing holds it back.
    refuse(request, coordinator)
    assert [item.case_id for item in purge_preview(service=service).due] == [case.pk]


def test_sta1_requests_counted_by_requester_type_and_outcome(service, case, staff, coordinator):
    today = datetime.date.today()
    log_request(case, staff, requester_type="foi", recipient_role="other")
    refuse(
        log_request(case, staff, requester_type="school", recipient_role="school_senco"),
        coordinator,
    )
    release(approved_request(case, staff, coordinator), coordinator)
    period = Period.parse(f"{today:%Y-%m}")
    table = requests_by_type_and_outcome(service, period).table()
    rows = dict(zip(table.row_labels, table.counts, strict=True))
    assert rows["Freedom of Information request"] == (1, 0, 0)
    assert rows["School"] == (0, 0, 1)
    assert rows["Local Authority officer"] == (0, 1, 0)
    # Registered with the report, so it is suppressed and published like the others.
    report = build_report(service=service, period=period, threshold=3)
    assert "disclosure_requests" in [t.table.key for t in report.tables]


class FakeOverride:
    def __init__(self, at, by):
        self.at, self.by = at, by
        self.action = "Override"
        self.summary = "Shared with social care without consent: child at risk."


def test_dis8_log_lists_every_step_and_registered_sources_for_the_life_of_the_case(
    case, staff, coordinator
):
    request = approved_request(case, staff, coordinator)
    release(request, coordinator)
    steps = list(request.events.order_by("at"))
    override_at = steps[0].at + (steps[1].at - steps[0].at) / 2  # between the first two
    register_log_source(lambda c: [FakeOverride(override_at, coordinator)], name="test.overrides")
    try:
        entries = disclosure_log(case)
    finally:
        log.unregister_log_source("test.overrides")
    actions = [entry.action for entry in entries]
    assert actions == [
        "Request logged", "Override", "Parent told", "Parent's answer recorded", "Approved", "Released",
    ]  # fmt: skip
    released = entries[-1]
    assert isinstance(released, LogEntry) and released.by == coordinator
    assert "to Ms Officer, SEN team, County Hall" in released.summary
    assert "approved by" in released.summary
    assert disclosure_log(case)[1].action == "Parent told"  # the fake source is gone


def test_ret3_purge_removes_every_disclosure_record_of_the_case(
    service, staff, coordinator, admin_user
):
    from cases import services as case_services
    from disclosure.models import DisclosureEvent, DisclosureRelease, DisclosureRequest, ParentCopy
    from disclosure.services import disclosure_close
    from tests.factories import parent_fields
    from tests.retention.helpers import years_ago

    opened = years_ago(14)
    case = case_services.case_open(
        service=service, by=staff, opened_on=opened, summary="Old enquiry.",
        parent=parent_fields(storage_agreed_on=opened),
    )  # fmt: skip
    request = approved_request(case, staff, coordinator)
    release(request, coordinator)
    request.refresh_from_db()
    disclosure_close(disclosure=request, by=staff, expected_version=request.version)
    case_services.case_close(case=case, by=staff, closed_on=years_ago(13))
    run = purge_execute(case_ids=[case.pk], by=admin_user, method="screen", service=service)
    assert run.purged == 1
    for model in (DisclosureRequest, DisclosureRelease, DisclosureEvent, ParentCopy):
        assert not model.objects.exists()
        assert not model.history.exists()


def test_dis8_the_case_log_page_shows_requests_and_overrides_together(
    case, staff, coordinator, client_for
):
    from django.urls import reverse

    from tests.disclosure.override_helpers import record_non_disclosure, record_override

    release(approved_request(case, staff, coordinator), coordinator)
    record_override(case, staff)
    record_non_disclosure(case, staff)
    actions = [entry.action for entry in disclosure_log(case)]
    assert {"Request logged", "Approved", "Released"} <= set(actions)
    assert "Child-protection override" in actions
    assert "Decision not to share" in actions
    page = client_for(coordinator).get(reverse("disclosure:case_log", args=[case.pk]))
    text = page.content.decode()
    assert page.status_code == 200
    assert "Child-protection override" in text and "Decision not to share" in text
