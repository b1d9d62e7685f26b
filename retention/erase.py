"""Removing every row about a set of cases, whichever app made it (RET-3, RET-6).

Nothing here lists the models that hold case data. Other apps add models with
a ``case`` foreign key and audit history all the time, so the rows are found:
- the case row and everything that cascades from it, via Django's collector;
- audit history, by discovering every simple-history model through the app
  registry: by ``case_id``, by ``data_key_id`` (every model holding case data
  carries its case's key id), and the case's own history by its id;
- any row still carrying the case's key id (a model without a cascading
  foreign key), so nothing encrypted under the key is left behind;
- access-log rows and Django admin log rows naming any of the removed records;
- generic object permissions on the case.
"""

from collections import defaultdict

from django.apps import apps
from django.contrib.admin.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db import router
from django.db.models import Model, Q
from django.db.models.deletion import Collector
from simple_history.models import HistoricalChanges

from cases.models import Case
from pps.fields import CaseKeyField
from pps.history import history_erasure
from pps.models import AccessLogEntry


def historical_models() -> list[type[Model]]:
    """Every simple-history model the project has (all apps, present and future)."""
    return [
        model
        for model in apps.get_models()
        if issubclass(model, HistoricalChanges) and router.allow_migrate_model("default", model)
    ]


def _columns(model: type[Model]) -> set[str]:
    return {field.column for field in model._meta.concrete_fields}


def _as_list(values) -> list:
    return list(values) if isinstance(values, (list, tuple, set)) else [values]


def history_filter(model: type[Model], case_ids, data_key_ids) -> Q | None:
    """How to find these cases' rows in one historical table, or None if it has none.

    Takes one case id and key id, or lists of them (the purge works in chunks).
    """
    case_ids, data_key_ids = _as_list(case_ids), _as_list(data_key_ids)
    conditions = Q()
    if getattr(model, "instance_type", None) is Case:
        conditions |= Q(id__in=case_ids)
    columns = _columns(model)
    if "case_id" in columns:
        conditions |= Q(case_id__in=case_ids)
    if "data_key_id" in columns:
        conditions |= Q(data_key_id__in=data_key_ids)
    return conditions or None


def keyed_models() -> list[type[Model]]:
    """Current-state models that hold values encrypted under a case key."""
    return [
        model
        for model in apps.get_models()
        if not issubclass(model, HistoricalChanges)
        and any(isinstance(field, CaseKeyField) for field in model._meta.concrete_fields)
    ]


class _QuietCollector(Collector):
    """Finds everything that cascades from the cases, deleting set-based.

    Django fetches every row one by one when a delete signal has receivers, and
    simple-history (the only receiver here) would then write a "deleted" history
    row for each, which ``erase_cases`` deletes again moments later. Treating
    the models as having no receivers lets whole tables go in one statement.
    """

    def _has_signal_listeners(self, model):
        return False


def _delete_collected(collector: Collector) -> None:
    """``Collector.delete`` without the signals (see ``_QuietCollector``)."""
    collector.sort()
    for queryset in collector.fast_deletes:
        queryset._raw_delete(using=collector.using)
    for (field, value), batches in collector.field_updates.items():
        for batch in batches:
            pks = (
                list(batch.values_list("pk", flat=True))
                if hasattr(batch, "values_list")
                else [obj.pk for obj in batch]
            )
            field.model._base_manager.using(collector.using).filter(pk__in=pks).update(
                **{field.name: value}
            )
    # In the collector's order, as Collector.delete does.
    for model, instances in collector.data.items():
        pks = [obj.pk for obj in instances]
        model._base_manager.using(collector.using).filter(pk__in=pks)._raw_delete(
            using=collector.using
        )


def erase_case(case: Case) -> set[str]:
    """Delete every row about ``case``; call inside a transaction. Returns the tables touched."""
    return erase_cases([case])


def erase_cases(cases: list[Case]) -> set[str]:
    """Delete every row about these cases in a few statements per table.

    Call inside a transaction, with the cases locked. Returns the tables touched.
    """
    case_ids = [case.pk for case in cases]
    data_key_ids = [case.data_key_id for case in cases]
    touched: set[str] = set()
    collector = _QuietCollector(using="default", origin=cases[0])
    collector.collect(cases)
    removed: dict[type[Model], set[str]] = defaultdict(set)
    for model, instances in collector.data.items():
        removed[model].update(str(instance.pk) for instance in instances)
        touched.add(model._meta.db_table)
    for queryset in collector.fast_deletes:
        model = queryset.model
        removed[model].update(str(pk) for pk in queryset.values_list("pk", flat=True))
        touched.add(model._meta.db_table)
    _delete_collected(collector)

    for model in keyed_models():
        leftovers = model.objects.filter(data_key_id__in=data_key_ids)
        if leftovers._raw_delete(using="default"):
            touched.add(model._meta.db_table)
    # History last, so nothing written above survives it. History tables refuse
    # DELETE (SEC-3) except inside this block, the purge's own.
    with history_erasure(purpose="purge"):
        for model in historical_models():
            conditions = history_filter(model, case_ids, data_key_ids)
            if conditions is not None:
                model.objects.filter(conditions)._raw_delete(using="default")
                touched.add(model._meta.db_table)

    _erase_log_rows(case_ids, removed)
    touched.update({AccessLogEntry._meta.db_table, LogEntry._meta.db_table})
    touched.update(_erase_generic_permissions(case_ids))
    return touched


def _erase_log_rows(case_ids: list[int], removed: dict[type[Model], set[str]]) -> None:
    naming = Q(case_id__in=case_ids) | Q(
        object_type="case", object_id__in=[str(case_id) for case_id in case_ids]
    )
    admin_rows = Q(pk__in=[])
    for model, pks in removed.items():
        naming |= Q(object_type=model._meta.model_name, object_id__in=pks)
        content_type = ContentType.objects.get_for_model(model, for_concrete_model=False)
        admin_rows |= Q(content_type=content_type, object_id__in=pks)
    AccessLogEntry.objects.filter(naming)._raw_delete(using="default")
    LogEntry.objects.filter(admin_rows)._raw_delete(using="default")


def _erase_generic_permissions(case_ids: list[int]) -> set[str]:
    """Guardian's generic tables, in case anything ever granted through them."""
    from guardian.models import GroupObjectPermission, UserObjectPermission

    content_type = ContentType.objects.get_for_model(Case)
    tables = set()
    for model in (UserObjectPermission, GroupObjectPermission):
        model.objects.filter(
            content_type=content_type, object_pk__in=[str(case_id) for case_id in case_ids]
        )._raw_delete(using="default")
        tables.add(model._meta.db_table)
    return tables
