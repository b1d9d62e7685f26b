"""The page numbers a pager shows, worked out without walking every page."""

from django import template

register = template.Library()


@register.filter
def page_window(page_obj) -> list[int | None]:
    """First, last and two either side of the current page; None where pages are left out.

    Looping over ``paginator.page_range`` in the template instead costs time in
    proportion to the number of pages (4,000 for 100,000 cases).
    """
    paginator = page_obj.paginator
    return [
        None if number == paginator.ELLIPSIS else number
        for number in paginator.get_elided_page_range(page_obj.number, on_each_side=2, on_ends=1)
    ]
