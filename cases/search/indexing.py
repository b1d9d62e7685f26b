"""Every save of a parent or child keeps its search digests in step (CAS-6).

Done in the model's ``save`` rather than in the services, so a save made
anywhere (the family-details screens, the helpline, the demo, a data fix)
updates them: a changed surname is found by its new beginnings and no longer
by its old ones. ``bulk_create`` skips ``save``; the one place that uses it for
people (the benchmark's builder) writes the rows with ``search_terms_for``.
"""

from django.db import transaction

from cases.search.terms import person_digests

# A field deferred at load time: its value is unknown until read.
_UNLOADED = object()


class SearchIndexed:
    """Mixin for Parent and Child (before ``models.Model`` in the bases)."""

    # The fields the digests come from.
    search_sources: tuple[str, ...] = ("family_name",)

    @classmethod
    def from_db(cls, db, field_names, values, *, fetch_mode=None):
        instance = super().from_db(db, field_names, values, fetch_mode=fetch_mode)
        instance._search_sources_saved = instance._search_sources_now()
        return instance

    def _search_sources_now(self) -> tuple:
        return tuple(self.__dict__.get(name, _UNLOADED) for name in self.search_sources)

    def save(self, *args, **kwargs):
        adding = self._state.adding
        update_fields = kwargs.get("update_fields")
        with transaction.atomic(savepoint=False):
            super().save(*args, **kwargs)
            if update_fields is not None and not set(update_fields) & set(self.search_sources):
                return
            now = self._search_sources_now()
            if adding or _UNLOADED in now or now != getattr(self, "_search_sources_saved", None):
                search_terms_rewrite(self, adding=adding)
                self._search_sources_saved = self._search_sources_now()


def search_terms_for(people) -> list:
    """Unsaved rows for saved people (for ``bulk_create``), in digest order.

    Digest order, not the order they were made in, so row ids say nothing about
    which digest is which length of beginning.
    """
    rows = []
    for person in people:
        manager = person.search_terms
        person_field = manager.field.name
        rows += [
            manager.model(case_id=person.case_id, digest=digest, **{person_field: person})
            for digest in sorted(person_digests(person))
        ]
    return rows


def search_terms_rewrite(person, *, adding: bool = False) -> None:
    if not adding:
        person.search_terms.all().delete()
    person.search_terms.model.objects.bulk_create(search_terms_for([person]))
