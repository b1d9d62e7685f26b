"""The audit history every case record keeps (SEC-3), indexed for what is asked of it.

simple-history copies each field of the record into its history table and
indexes every foreign key there, whatever the model says, plus the time of
each change. Nothing reads the history by topic, staff member, blind index or
time: it is read by record (``id``: a record's changes, a subject access
request), by case (a case's changes, the purge), by data key (the purge, which
finds every row encrypted under a destroyed key) and by the acting user (an
audit of one person's changes; simple-history's own ``history_user`` index).
Every other index on a history table is a B-tree written on every save and
every purge and never read, so ``AuditHistory`` keeps only those four.
"""

from simple_history.models import HistoricalRecords

# The copied fields a history table stays indexed on; ``history_user`` is
# simple-history's own field, indexed as a foreign key.
INDEXED_COPIED_FIELDS = frozenset({"id", "case", "data_key_id"})


class AuditHistory(HistoricalRecords):
    """``HistoricalRecords`` whose table is indexed only for the questions above."""

    def copy_fields(self, model):
        fields = super().copy_fields(model)
        for name, field in fields.items():
            if name not in INDEXED_COPIED_FIELDS:
                field.db_index = False
        return fields

    def get_extra_fields(self, model, fields):
        extra = super().get_extra_fields(model, fields)
        extra["history_date"].db_index = False
        return extra
