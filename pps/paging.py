"""Pages of long lists that cost the same near the end as at the start.

Django's ``Paginator`` reads a page with ``LIMIT 25 OFFSET n``: the database
builds every full row before the page only to throw it away, so a page far down
a 100,000-case list read 76,000 rows. ``IdFirstPaginator`` asks for the page's
ids first, in a subquery the database answers from the ordering index alone
(it holds the ids), then reads just those rows: still one query, and the skip
walks index entries instead of table rows. Past the middle of a list whose
order is total (it ends with the primary key) it counts from the other end, so
no page skips more than half the list.
"""

from django.core.paginator import Paginator
from django.db.models import QuerySet


class IdFirstPaginator(Paginator):
    """A ``Paginator`` over a queryset whose page is read as ``pk IN (page of ids)``.

    ``known_count``, where the caller already knows the list's length (the case
    lists: ``cases.access.visible_case_count``), spares the ``COUNT`` of the
    whole list, the one part of a page whose cost grows with the data.
    """

    def __init__(self, object_list, per_page, *, known_count: int | None = None, **kwargs):
        super().__init__(object_list, per_page, **kwargs)
        if known_count is not None:
            self.count = known_count  # Paginator.count is a cached_property

    def page(self, number):
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = bottom + self.per_page
        if top + self.orphans >= self.count:
            top = self.count
        # The outer query keeps the list's ordering, joins and deferred columns.
        rows = self.object_list.filter(pk__in=self._page_ids(bottom, top))
        return self._get_page(rows, number, self)

    def _page_ids(self, bottom: int, top: int) -> QuerySet:
        ids = self.object_list.values("pk")
        if bottom > self.count // 2 and _ordered_totally(self.object_list):
            # The same rows, found from the end: a reversed order picks the
            # same window only when no two rows tie, hence the primary key test.
            return ids.reverse()[self.count - top : self.count - bottom]
        return ids[bottom:top]


def _ordered_totally(queryset: QuerySet) -> bool:
    ordering = queryset.query.order_by or queryset.model._meta.ordering
    if not ordering or not isinstance(ordering[-1], str):
        return False
    return ordering[-1].lstrip("-") in {"pk", queryset.model._meta.pk.attname}
