# The table written by hand as makemigrations would; the back-fill added by hand.

import django.db.models.deletion
from django.db import migrations, models

BATCH = 2000


def backfill_search_terms(apps, schema_editor):
    """Digests for every parent and child saved before the search terms existed.

    Decrypts each surname (and a child's first name and date of birth) under its
    case's key, as the model's save does from now on (cases.search.indexing).
    """
    from cases.search.terms import person_digests

    search_term = apps.get_model("cases", "SearchTerm")
    for model_name, person_field in (("Parent", "parent_id"), ("Child", "child_id")):
        model = apps.get_model("cases", model_name)
        rows = []
        for person in model.objects.order_by("pk").iterator(chunk_size=500):
            rows += [
                search_term(case_id=person.case_id, digest=digest, **{person_field: person.pk})
                for digest in sorted(person_digests(person))
            ]
            if len(rows) >= BATCH:
                search_term.objects.bulk_create(rows)
                rows = []
        search_term.objects.bulk_create(rows)


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0001_initial"),
    ]

    operations = [
        migrations.CreateModel(
            name="SearchTerm",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("digest", models.CharField(max_length=32)),
                (
                    "case",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="cases.case",
                    ),
                ),
                (
                    "child",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="search_terms",
                        to="cases.child",
                    ),
                ),
                (
                    "parent",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="search_terms",
                        to="cases.parent",
                    ),
                ),
            ],
            options={
                "indexes": [
                    models.Index(fields=["digest", "case"], name="cases_searc_digest_01c119_idx")
                ],
                "constraints": [
                    models.CheckConstraint(
                        condition=models.Q(
                            models.Q(("child__isnull", True), ("parent__isnull", False)),
                            models.Q(("child__isnull", False), ("parent__isnull", True)),
                            _connector="OR",
                        ),
                        name="search_term_has_one_person",
                    )
                ],
            },
        ),
        migrations.RunPython(backfill_search_terms, migrations.RunPython.noop),
    ]
