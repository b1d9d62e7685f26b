"""What stops a case being purged, as a registry other apps add to.

A blocker is ``fn(case_ids) -> set of blocked case ids``, registered with a
label that the preview shows (never anything from the case itself). Legal
holds are registered by this app; the disclosure app registers "open
disclosure request" the same way, in its ``AppConfig.ready``, with the rule
itself in ``disclosure.selectors``::

    register_purge_blocker("Open disclosure request", open_request_case_ids)

The purge asks every blocker again inside each case's transaction, so a hold
placed after the preview still wins.
"""

from collections.abc import Callable, Iterable

Blocker = Callable[[list[int]], set[int]]
CHUNK = 500

_blockers: dict[str, Blocker] = {}


def register_purge_blocker(label: str, blocker: Blocker) -> None:
    """Register (or replace, so app reloads are harmless) a blocker under ``label``."""
    _blockers[label] = blocker


def registered_blockers() -> dict[str, Blocker]:
    return dict(_blockers)


def blocked_case_ids(case_ids: Iterable[int]) -> dict[int, list[str]]:
    """``{case id: [labels of what blocks it]}`` for the blocked ones only."""
    ids = list(case_ids)
    blocked: dict[int, list[str]] = {}
    # Chunked so a long preview stays under the database's parameter limit.
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start : start + CHUNK]
        for label, blocker in _blockers.items():
            for case_id in blocker(chunk):
                blocked.setdefault(case_id, []).append(label)
    return blocked


def active_legal_holds(case_ids: list[int]) -> set[int]:
    from retention.models import LegalHold

    return set(
        LegalHold.objects.filter(case_id__in=case_ids, lifted_at__isnull=True).values_list(
            "case_id", flat=True
        )
    )
