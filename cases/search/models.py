"""The search digests of each parent and child beyond their whole-value columns (CAS-6).

One row per digest, keyed to its person and case: a surname's beginnings, its
sound, a child's first name with the date of birth (``cases.search.terms``).
Only HMAC digests, never a name or a part of one. Rows are written by the
person's own save (``cases.search.indexing``), go with the person and with the
case (cascades: the purge's collector takes them with the case), and have no
history: a digest is derived, and the person's history keeps what it was from.
"""

from django.db import models


class SearchTerm(models.Model):
    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="+")
    parent = models.ForeignKey(
        "cases.Parent",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="search_terms",
    )
    child = models.ForeignKey(
        "cases.Child",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="search_terms",
    )
    digest = models.CharField(max_length=32)

    class Meta:
        # The search reads matching case ids from the index alone (as for surnames).
        indexes = [models.Index(fields=["digest", "case"])]
        constraints = [
            models.CheckConstraint(
                name="search_term_has_one_person",
                condition=models.Q(parent__isnull=False, child__isnull=True)
                | models.Q(parent__isnull=True, child__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        return f"search term {self.pk}"
