"""Walk the URL resolver: every named URL of every app."""

from django.urls import NoReverseMatch, URLPattern, URLResolver, get_resolver, reverse


def all_url_patterns(resolver=None, namespace=""):
    """Yield (name, URLPattern) for every URL, names qualified with their namespace."""
    resolver = resolver or get_resolver()
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from all_url_patterns(pattern, inner)
        elif isinstance(pattern, URLPattern):
            name = pattern.name or f"<unnamed {pattern.pattern}>"
            yield f"{namespace}{name}", pattern


def all_url_names():
    for name, _ in all_url_patterns():
        yield name


def urls_for_case(case_id: int) -> list[str]:
    """Every URL that takes exactly a case id, for this case (e.g. unlinked sub-pages)."""
    urls = []
    for name, pattern in all_url_patterns():
        if set(pattern.pattern.converters) != {"case_id"}:
            continue
        try:
            urls.append(reverse(name, kwargs={"case_id": case_id}))
        except NoReverseMatch:
            continue
    return urls
