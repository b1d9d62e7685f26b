"""Running a submitted form through a service: the shared way for views to do it.

- ``submit`` runs a service call with a valid form's data; a ``RuleError`` the
  service raises becomes an error on the form, so the page shows the reason
  and nothing is changed.
- ``run_action`` is the same for a button with no form (lift a hold, prepare
  a case study): a refused rule becomes an error message on the next page.
- ``save_once`` makes a form that creates a record safe to submit twice (a
  double click, a resend after a timeout): the form carries a submission id,
  the record a unique column for it, and a second submission finds the first.
"""

from collections.abc import Callable

from django import forms
from django.contrib import messages
from django.db import IntegrityError, models

from pps.rules import RuleError


def submit(form: forms.Form, action, *, field: str | None = None) -> tuple[bool, object]:
    """Run ``action(cleaned_data)`` (a service call) if ``form`` is valid.

    A rule the service refuses becomes an error on the form (on ``field`` when
    the rule is about that one answer), so the page shows it and nothing is
    changed. Returns (whether it ran, what it returned).
    """
    if not form.is_valid():
        return False, None
    try:
        return True, action(form.cleaned_data)
    except RuleError as exc:
        form.add_error(field, str(exc))
        return False, None


def run_action(request, action: Callable[[], object]) -> tuple[bool, object]:
    """Run ``action()`` (a service call from a button); a rule the service refuses
    becomes an error message for the next page. Returns (whether it ran, what it returned)."""
    try:
        return True, action()
    except RuleError as exc:
        messages.error(request, str(exc))
        return False, None


class AlreadySaved(Exception):  # noqa: N818 - an outcome, not a failure
    """The form was submitted before; ``record`` is what the first submission saved."""

    def __init__(self, record: models.Model):
        super().__init__("already saved")
        self.record = record


def save_once[T](model: type[models.Model], submission_id, save: Callable[[], T]) -> T:
    """Run ``save`` unless a record with this submission id exists (double submit).

    The unique column is the real guard: two submissions racing each other both
    pass the first check, and the second fails on the constraint and is rolled
    back whole (``save`` is atomic), then reported like the first case.
    """
    if submission_id is not None:
        existing = model.objects.filter(submission_id=submission_id).first()
        if existing is not None:
            raise AlreadySaved(existing)
    try:
        return save()
    except IntegrityError:
        existing = (
            model.objects.filter(submission_id=submission_id).first() if submission_id else None
        )
        if existing is None:
            raise
        raise AlreadySaved(existing) from None
