"""Pages of long lists that cost the same near the end as at the start.

Django's ``Paginator`` reads a page with ``LIMIT 25 OFFSET n``: the database
builds every full row before the page only to throw it away, so a page far down
a 100,000-case list read 76,000 rows. ``IdFirstPaginator`` asks for the page's
ids first, in a subquery the database answers from the ordering index alone
(it holds the ids), then reads just those rows: still one query, and the skip
walks index entries instead of table rows.
"""

from django.core.paginator import Paginator


class IdFirstPaginator(Paginator):
    """A ``Paginator`` over a queryset whose page is read as ``pk IN (page of ids)``."""

    def page(self, number):
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = bottom + self.per_page
        if top + self.orphans >= self.count:
            top = self.count
        ids = self.object_list.values("pk")[bottom:top]
        # The outer query keeps the list's ordering, joins and deferred columns.
        return self._get_page(self.object_list.filter(pk__in=ids), number, self)
