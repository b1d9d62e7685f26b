"""What the benchmark measures, as a list other apps add to (MEASUREMENTS).

Pages go through Django's whole stack with the test client, signed in with
both factors: middleware, access checks, access log, templates. Server time
is the time from request to response inside this process. Lists and search
also time their raw SQL floor (``floors``) and, where the stock admin can
show the same list, the admin changelist for the same model and page size.
A quarter's statistics time theirs too: the same tallies in hand-written SQL.

Apps add measurements from their own ``benchmark`` module with
``register_measurement`` (the disclosure app: the 50-item release pack PDF);
see docs/performance.md, "Adding a measurement".
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property

from django.contrib.auth.models import Permission
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from benchmarks import floors
from benchmarks.calls import helpline_call
from benchmarks.people import signed_in_client
from benchmarks.timing import timed
from cases.models import Case, Parent
from cases.saved_searches import KEPT
from cases.search.selectors import surname_criteria
from pps.fields import blind_index_for
from pps.models import Service, User


@dataclass
class Bench:
    """The built database as the measurements see it, and how often to repeat."""

    repeat: int
    warmup: int
    service: Service = field(init=False)
    # How long each phase of the throughput measurement runs (benchmarks/throughput.py).
    throughput_seconds: float = 60.0

    def __post_init__(self):
        self.service = Service.objects.get(code="bench")

    def user(self, username: str) -> User:
        return User.objects.get(username=username)

    def client(self, username: str) -> Client:
        return signed_in_client(self.user(username))

    @cached_property
    def open_case_ids(self) -> list[int]:
        cases = Case.objects.filter(service=self.service, status="open").order_by("pk")
        return list(cases.values_list("pk", flat=True)[:200])

    @cached_property
    def surnames(self) -> list[str]:
        """Surnames of the first cases' parents, decrypted: what staff would type."""
        parents = Parent.objects.filter(case_id__in=self.open_case_ids[:30]).order_by("pk")
        return [parent.family_name for parent in parents]

    def visible_count(self) -> int:
        return Case.objects.filter(service=self.service).exclude(status="archived").count()

    def deep_page(self) -> int:
        """The staff list's page 80% of the way down."""
        return max(1, int(self.visible_count() / floors.PAGE * 0.8))

    def times(self, send: Callable[[int], object]) -> dict:
        return timed(send, repeat=self.repeat, warmup=self.warmup)


@dataclass(frozen=True)
class Measurement:
    key: str
    label: str
    run: Callable[[Bench], dict]
    kind: str = "page"  # "page" (a request), "call" (a service function), "batch", "load"
    # Run only when asked for by name (``--only``, or ``--throughput`` for the throughput).
    opt_in: bool = False


def get_page(client: Client, url: str, *, expect: int = 200) -> Callable[[int], None]:
    def send(_: int) -> None:
        response = client.get(url)
        if response.status_code != expect:
            raise RuntimeError(f"GET {url} answered {response.status_code}, expected {expect}")

    return send


def compare(app: dict, raw: dict | None = None, admin: dict | None = None) -> dict:
    result = {"app": app}
    if raw:
        result["raw_sql"] = raw
        result["ratio_raw"] = round(app["median_ms"] / max(raw["median_ms"], 0.001), 2)
        # What the app adds to the SQL it cannot avoid (checks, decryption, the
        # access log's write, templates): the part that should not grow with the data.
        result["over_raw_ms"] = round(app["median_ms"] - raw["median_ms"], 2)
    if admin:
        result["admin"] = admin
        result["ratio_admin"] = round(app["median_ms"] / max(admin["median_ms"], 0.001), 2)
    return result


def _admin_list(bench: Bench, page: int) -> dict:
    url = reverse("benchmark_admin:cases_case_changelist") + f"?p={page}"
    return bench.times(get_page(bench.client("benchmark.superuser"), url))


def signed_in_baseline(bench: Bench) -> dict:
    """A signed-in request that does nothing (the keep-alive): what every page pays
    for the middleware (session, user, second factor, headers) before its own work."""
    client, url = bench.client("staff1"), reverse("keepalive")

    def send(_: int) -> None:
        response = client.post(url)
        if response.status_code != 204:
            raise RuntimeError(f"keep-alive answered {response.status_code}")

    return compare(bench.times(send))


def staff_list_first(bench: Bench) -> dict:
    app = bench.times(get_page(bench.client("staff1"), reverse("cases:list")))
    raw = bench.times(lambda _: floors.staff_list(service_id=bench.service.pk, page=1))
    return compare(app, raw, _admin_list(bench, 1))


def staff_list_deep(bench: Bench) -> dict:
    page = bench.deep_page()
    app = bench.times(get_page(bench.client("staff1"), reverse("cases:list") + f"?page={page}"))
    raw = bench.times(lambda _: floors.staff_list(service_id=bench.service.pk, page=page))
    return {**compare(app, raw, _admin_list(bench, page)), "page": page}


def _search_results_url(client: Client, surname: str) -> str:
    """Search as staff do: the form posts the surname (searched words never go in
    a URL) and the answer redirects to the results page by a token."""
    response = client.post(reverse("cases:search"), {"q": surname})
    location = response.headers.get("Location", "")
    if response.status_code != 302 or "search=" not in location:
        raise RuntimeError(f"the search answered {response.status_code} without a results page")
    return location


def surname_search(bench: Bench) -> dict:
    """The results page of a surname search: the page that runs the blind-index
    search. Each surname is posted once first (untimed: the post only keeps the
    words in the session), no more of them than the session keeps tokens for."""
    client = bench.client("staff1")
    names = bench.surnames[:KEPT]
    pages = [_search_results_url(client, name) for name in names]

    def send(i: int) -> None:
        response = client.get(pages[i % len(pages)])
        if response.status_code != 200 or b'id="search-expired"' in response.content:
            raise RuntimeError(f"the search results answered {response.status_code}, or expired")

    def floor(i: int) -> None:
        digest = blind_index_for("name", names[i % len(names)])
        floors.surname_search(service_id=bench.service.pk, digest=digest)

    # The stock admin cannot search encrypted names at all: no admin column.
    return compare(bench.times(send), bench.times(floor))


def _search_pages(bench: Bench, queries: list[str]) -> dict:
    """The results pages of these queries (posted once, untimed), against their floor:
    the surname's whole, beginning and sound digests (CAS-6)."""
    client = bench.client("staff1")
    pages = [_search_results_url(client, query) for query in queries]

    def send(i: int) -> None:
        response = client.get(pages[i % len(pages)])
        if response.status_code != 200 or b'id="search-expired"' in response.content:
            raise RuntimeError(f"the search results answered {response.status_code}, or expired")

    def floor(i: int) -> None:
        criteria = surname_criteria(queries[i % len(queries)])
        floors.surname_search(
            service_id=bench.service.pk,
            digest=criteria["name"],
            terms=[criteria["prefix"], criteria["sound"], criteria["sound2"]],
        )

    return compare(bench.times(send), bench.times(floor))


def partial_surname_search(bench: Bench) -> dict:
    """A search by a surname's first four letters ("Bald" for Baldwin): every
    surname beginning so, and every surname sounding like "Bald"."""
    return _search_pages(bench, [name[:4] for name in bench.surnames[:KEPT]])


def soundalike_search(bench: Bench) -> dict:
    """A search by a misspelt surname that sounds the same (the last letter doubled,
    which Double Metaphone ignores): found by its sound, not by its spelling."""
    variants = []
    for name in bench.surnames:
        variant = name + name[-1]
        if surname_criteria(variant)["sound"] == surname_criteria(name)["sound"]:
            variants.append(variant)
    return _search_pages(bench, variants[:KEPT])


def case_detail(bench: Bench) -> dict:
    """The case summary, the section a helpline worker opens while the parent is on the line."""
    client, ids = bench.client("staff1"), bench.open_case_ids

    def send(i: int) -> None:
        response = client.get(reverse("cases:detail", args=[ids[i % len(ids)]]))
        if response.status_code != 200:
            raise RuntimeError(f"case page answered {response.status_code}")

    raw = bench.times(lambda i: floors.case_detail(case_id=ids[i % len(ids)]))
    return compare(bench.times(send), raw)


def volunteer_list(bench: Bench) -> dict:
    volunteer = bench.user("volunteer")
    permission = Permission.objects.get(codename="view_case", content_type__app_label="cases")
    app = bench.times(get_page(bench.client("volunteer"), reverse("cases:list")))
    raw = bench.times(
        lambda _: floors.volunteer_list(
            service_id=bench.service.pk, user_id=volunteer.pk, permission_id=permission.pk
        )
    )
    return compare(app, raw)


def helpline_save(bench: Bench) -> dict:
    """A call logged against a case found by the search: the save while the parent waits."""
    from cases.models import Topic

    client, ids = bench.client("staff1"), bench.open_case_ids
    topic = Topic.objects.filter(service=bench.service).order_by("pk").first()
    url = reverse("helpline:caller")

    def send(i: int) -> None:
        response = client.post(url, helpline_call(topic_id=topic.pk, case_id=ids[i % len(ids)]))
        if response.status_code != 302:
            raise RuntimeError(f"helpline save answered {response.status_code}")

    return compare(bench.times(send))


def sharing_check(bench: Bench) -> dict:
    """The consent check every outbound path runs before anything leaves."""
    from consent.sharing import sharing_check as check

    cases = list(Case.objects.filter(pk__in=bench.open_case_ids[:50]).defer("summary"))

    def send(i: int) -> None:
        check(case=cases[i % len(cases)], recipient_role="school_senco")

    return compare(bench.times(send))


def quarter_statistics(bench: Bench) -> dict:
    from cases.statistics.report import recent_periods

    quarter = recent_periods(timezone.localdate(), quarters=2, months=0)[1]
    url = reverse("statistics:page") + f"?period={quarter.code}"
    app = bench.times(get_page(bench.client("staff1"), url))
    raw = bench.times(
        lambda _: floors.quarter_statistics(
            service_id=bench.service.pk, start=quarter.start, end=quarter.end
        )
    )
    return {**compare(app, raw), "period": quarter.code}


def quarters_trend(bench: Bench) -> dict:
    """Statistics over time: the last eight quarters side by side, each cell
    suppressed and audited across the periods (STA-1)."""
    url = reverse("statistics:page") + "?view=trend&kind=quarters"
    return compare(bench.times(get_page(bench.client("staff1"), url)))


def throughput(bench: Bench) -> dict:
    from benchmarks.throughput import throughput as measure

    return measure(bench)


def purge(bench: Bench) -> dict:
    from benchmarks.purge import measure_purge

    return measure_purge(bench)


# Measured in this order; the purge last because it destroys cases. The throughput
# first: it copies the databases as built, before any measurement writes.
MEASUREMENTS: list[Measurement] = [
    Measurement(
        "throughput",
        "Throughput: 20 sessions on gunicorn, staff mix and stock admin",
        throughput,
        kind="load",
        opt_in=True,
    ),
    Measurement("baseline", "Signed-in request doing nothing (baseline)", signed_in_baseline),
    Measurement("staff_list_first", "Staff case list, first page", staff_list_first),
    Measurement("staff_list_deep", "Staff case list, deep page", staff_list_deep),
    Measurement("surname_search", "Search by surname (blind index)", surname_search),
    Measurement(
        "partial_surname_search", "Search by a surname's beginning", partial_surname_search
    ),
    Measurement("soundalike_search", "Search by a sound-alike surname", soundalike_search),
    Measurement("case_detail", "Case page (summary section)", case_detail),
    Measurement("volunteer_list", "Volunteer case list (guardian)", volunteer_list),
    Measurement("helpline_save", "Helpline save (call on a found case)", helpline_save),
    Measurement("sharing_check", "Consent sharing check", sharing_check, kind="call"),
    Measurement("quarter_statistics", "A quarter's statistics", quarter_statistics),
    Measurement("quarters_trend", "Statistics over eight quarters", quarters_trend),
    # The disclosure plug-in's "release_pack_pdf" is inserted here (register_measurement).
    Measurement("purge", "Purge of 1,000 due cases", purge, kind="batch"),
]


def register_measurement(measurement: Measurement, *, before: str = "purge") -> None:
    """Add (or replace) a measurement, by default just before the destructive purge."""
    keys = [existing.key for existing in MEASUREMENTS]
    if measurement.key in keys:
        MEASUREMENTS[keys.index(measurement.key)] = measurement
        return
    MEASUREMENTS.insert(keys.index(before), measurement)
