"""The release pack (DIS-5, COM-1): cover letter, schedule, then the chosen items.

Rendered by ``pps.pdf.render_pdf`` from ``pdf/disclosure_pack.html``, which
extends ``pdf/base.html``: "Strictly private and confidential" and the case's
coded reference print on every page. The cover letter names the recipient and
the case reference only.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field

from django.utils import timezone

from disclosure.items import Item, case_items
from disclosure.models import DisclosureRequest
from pps.models import User
from pps.pdf import render_pdf


@dataclass
class Pack:
    recipient: str
    items: list[Item]
    withheld: list[str] = field(default_factory=list)
    title: str = "Information released"

    @property
    def keys(self) -> list[str]:
        return [item.key for item in self.items]

    @property
    def schedule(self) -> str:
        return "\n".join(item.schedule_line for item in self.items)


def third_party_recipient(disclosure: DisclosureRequest) -> str:
    return ", ".join(
        part for part in (disclosure.requester_name, disclosure.requester_organisation) if part
    )


def chosen_pack(disclosure: DisclosureRequest, keys: Iterable[str]) -> Pack:
    """Only the items the coordinator ticked, in the case's order; unknown keys are refused."""
    wanted = set(keys)
    items = [item for item in case_items(disclosure.case) if item.key in wanted]
    if len(items) != len(wanted):
        raise ValueError("unknown item")
    return Pack(recipient=third_party_recipient(disclosure), items=items)


def render_pack(disclosure: DisclosureRequest, pack: Pack, *, approved_by: User) -> bytes:
    case = disclosure.case
    return render_pdf(
        "pdf/disclosure_pack.html",
        {
            "document_title": pack.title,
            "coded_reference": case.reference,
            "service_name": case.service.name,
            "generated_on": timezone.localdate(),
            "request": disclosure,
            "pack": pack,
            "approved_by": approved_by.get_full_name() or approved_by.username,
        },
    )
