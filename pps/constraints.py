"""Database constraints for the rules forms already check (SEC-4: the database has the last word).

A form, a service and a constraint all refuse a bad value, so a bug in one,
a direct ORM write or a management command still cannot store it. A refused
write surfaces as IntegrityError, shown as a clear 409 page
(pps.security.middleware.ClearErrorPagesMiddleware).
"""

from django.db import models


def one_of(field: str, choices: type[models.Choices], *, blank: bool = False):
    """CHECK that ``field`` holds one of ``choices`` (or is empty when ``blank``)."""
    allowed = list(choices.values) + ([""] if blank else [])
    return models.CheckConstraint(
        name=f"%(app_label)s_%(class)s_{field}_valid",
        condition=models.Q(**{f"{field}__in": allowed}),
    )
