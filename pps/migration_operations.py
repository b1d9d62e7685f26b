"""Migration operations the project needs beyond Django's own."""

from django.db import migrations


def _definition_without_index(field) -> tuple:
    _name, path, args, kwargs = field.deconstruct()
    kwargs.pop("db_index", None)
    return path, args, kwargs


class AlterFieldIndex(migrations.AlterField):
    """``AlterField`` for a change of ``db_index`` alone, done in place.

    Django's SQLite backend applies every ``AlterField`` by copying the whole
    table into a new one. For the history tables, millions of rows after a few
    years of a service, that is minutes per field for what is one ``DROP
    INDEX`` or ``CREATE INDEX``. PostgreSQL already alters only the index, and
    anything beyond the index falls back to Django's own way.
    """

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        # AlterField's backwards runs this too, with the states swapped.
        if schema_editor.connection.vendor != "sqlite":
            return super().database_forwards(app_label, schema_editor, from_state, to_state)
        to_model = to_state.apps.get_model(app_label, self.model_name)
        if not self.allow_migrate_model(schema_editor.connection.alias, to_model):
            return None
        from_model = from_state.apps.get_model(app_label, self.model_name)
        old = from_model._meta.get_field(self.name)
        new = to_model._meta.get_field(self.name)
        if _definition_without_index(old) != _definition_without_index(new):
            return super().database_forwards(app_label, schema_editor, from_state, to_state)
        if old.db_index and not new.db_index:
            names = schema_editor._constraint_names(
                from_model, [old.column], index=True, unique=False, primary_key=False
            )
            for name in names:
                schema_editor.execute(schema_editor._delete_index_sql(from_model, name))
        elif new.db_index and not old.db_index:
            schema_editor.execute(schema_editor._create_index_sql(to_model, fields=[new]))
        return None
