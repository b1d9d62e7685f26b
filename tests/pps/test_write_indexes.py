"""The tables written most carry no index that another index already covers.

Every index is one more B-tree to write on each insert (the access log takes one
per page view) and on each purged row. A plain index whose columns lead another
index serves no lookup that the longer one cannot, so it is pure write cost.
"""

import pytest
from django.db import connection

from cases.models import Child, Parent
from pps.models import AccessLogEntry


def _index_columns(model) -> list[tuple[str, ...]]:
    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, model._meta.db_table)
    return [
        tuple(found["columns"])
        for found in constraints.values()
        if found["index"] and not found["primary_key"] and not found["unique"]
    ]


@pytest.mark.parametrize("model", [Parent, Child, AccessLogEntry], ids=lambda m: m.__name__)
def test_no_index_is_the_leading_part_of_another(model):
    indexes = _index_columns(model)
    covered = [
        (short, long)
        for short in indexes
        for long in indexes
        if len(short) < len(long) and long[: len(short)] == short
    ]
    assert not covered, f"{model.__name__}: {covered}"


def test_the_covering_indexes_are_there():
    """The other half: lookups by surname and the service's log keep their index."""
    assert ("family_name_bidx", "case_id") in _index_columns(Parent)
    assert ("family_name_bidx", "case_id") in _index_columns(Child)
    assert ("service_id", "allowed", "at") in _index_columns(AccessLogEntry)
