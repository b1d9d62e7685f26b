"""Removing every row about one case, whichever app made it (RET-3, RET-6).

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


def history_filter(model: type[Model], case_id: int, data_key_id) -> Q | None:
    """How to find a case's rows in one historical table, or None if it has none."""
    conditions = Q()
    if getattr(model, "instance_type", None) is Case:
        conditions |= Q(id=case_id)
    columns = _columns(model)
    if "case_id" in columns:
        conditions |= Q(case_id=case_id)
    if "data_key_id" in columns:
        conditions |= Q(data_key_id=data_key_id)
    return conditions or None


def keyed_models() -> list[type[Model]]:
    """Current-state models that hold values encrypted under a case key."""
    return [
        model
        for model in apps.get_models()
        if not issubclass(model, HistoricalChanges)
        and any(isinstance(field, CaseKeyField) for field in model._meta.concrete_fields)
    ]


def erase_case(case: Case) -> set[str]:
    """Delete every row about ``case``; call inside a transaction. Returns the tables touched."""
    # Read these first: deleting the case sets its pk to None.
    case_id, data_key_id = case.pk, case.data_key_id
    touched: set[str] = set()
    collector = Collector(using="default", origin=case)
    collector.collect([case])
    removed: dict[type[Model], set[str]] = defaultdict(set)
    for model, instances in collector.data.items():
        removed[model].update(str(instance.pk) for instance in instances)
        touched.add(model._meta.db_table)
    for queryset in collector.fast_deletes:
        model = queryset.model
        removed[model].update(str(pk) for pk in queryset.values_list("pk", flat=True))
        touched.add(model._meta.db_table)
    collector.delete()

    for model in keyed_models():
        leftovers = model.objects.filter(data_key_id=data_key_id)
        if leftovers.exists():
            leftovers.delete()
            touched.add(model._meta.db_table)
    # History last: every delete above wrote one more history row per record.
    for model in historical_models():
        conditions = history_filter(model, case_id, data_key_id)
        if conditions is not None:
            model.objects.filter(conditions).delete()
            touched.add(model._meta.db_table)

    _erase_log_rows(case_id, removed)
    touched.update({AccessLogEntry._meta.db_table, LogEntry._meta.db_table})
    touched.update(_erase_generic_permissions(case_id))
    return touched


def _erase_log_rows(case_id: int, removed: dict[type[Model], set[str]]) -> None:
    naming = Q(case_id=case_id) | Q(object_type="case", object_id=str(case_id))
    admin_rows = Q(pk__in=[])
    for model, pks in removed.items():
        naming |= Q(object_type=model._meta.model_name, object_id__in=pks)
        content_type = ContentType.objects.get_for_model(model, for_concrete_model=False)
        admin_rows |= Q(content_type=content_type, object_id__in=pks)
    AccessLogEntry.objects.filter(naming).delete()
    LogEntry.objects.filter(admin_rows).delete()


def _erase_generic_permissions(case_id: int) -> set[str]:
    """Guardian's generic tables, in case anything ever granted through them."""
    from guardian.models import GroupObjectPermission, UserObjectPermission

    content_type = ContentType.objects.get_for_model(Case)
    tables = set()
    for model in (UserObjectPermission, GroupObjectPermission):
        model.objects.filter(content_type=content_type, object_pk=str(case_id)).delete()
        tables.add(model._meta.db_table)
    return tables
