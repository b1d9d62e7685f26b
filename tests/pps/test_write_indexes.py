"""The tables written most carry no index that no lookup needs.

Every index is one more B-tree to write on each insert (the access log takes one
per page view, every save writes a history row) and on each purged row. A plain
index whose columns lead another index serves no lookup that the longer one
cannot, and a history table is only ever read by record, case, key or user, so
any other index is pure write cost.
"""

import pytest
from django.db import connection

from cases.models import Child, Contact, Parent
from pps.models import AccessLogEntry
from retention.erase import historical_models


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


ASKED_OF_THE_HISTORY = {("id",), ("case_id",), ("data_key_id",), ("history_user_id",)}


@pytest.mark.parametrize("model", historical_models(), ids=lambda m: m._meta.db_table)
def test_history_tables_are_indexed_only_for_what_is_asked_of_them(model):
    """By record, by case, by data key and by acting user (``pps.history``); no
    B-tree for the topic, staff member, blind index or time of a change."""
    indexed = set(_index_columns(model))
    assert indexed <= ASKED_OF_THE_HISTORY, indexed - ASKED_OF_THE_HISTORY


def test_a_history_is_still_found_by_record_case_key_and_user():
    assert set(_index_columns(Contact.history.model)) >= ASKED_OF_THE_HISTORY
