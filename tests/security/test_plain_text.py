"""Text inputs refuse invisible and direction-changing characters (SEC-4).

A retention category named ``abc\\u202e`` showed reversed text in the purge
preview and the destruction log. Every text field of every form refuses the
Unicode format characters (category Cf: direction overrides, embeddings,
isolates and marks, zero-width spaces, the byte-order mark) but the zero-width
joiner and non-joiner that scripts and emoji need, with a message naming them.
"""

import unicodedata

import pytest
from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.test import RequestFactory
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pps.form_fields import PlainTextMixin
from pps.validators import plain_text
from retention.models import RetentionCategory
from tests.security.project_forms import all_project_form_classes, build_form

BIDI_CONTROLS = [chr(c) for c in [*range(0x202A, 0x202F), *range(0x2066, 0x206A)]]
MARKS = ["\u200e", "\u200f", "\u061c"]
ZERO_WIDTH_AND_OTHER_FORMAT = ["\u200b", "\u2060", "\ufeff", "\u00ad", "\u180e", "\U000e0001"]
FORBIDDEN = BIDI_CONTROLS + MARKS + ZERO_WIDTH_AND_OTHER_FORMAT
# Real text that needs the two joiners, and other scripts that must still pass.
NEEDED = [
    "\u0645\u06cc\u200c\u062e\u0648\u0627\u0647\u0645",  # Persian with a non-joiner
    "\u0915\u094d\u200d\u0937",  # Devanagari with a joiner
    "\U0001f469\u200d\U0001f467",  # a family emoji sequence
    "Siân O'Brien-Łukasz, 山田",
    "\u05e9\u05dc\u05d5\u05dd",  # Hebrew: right-to-left script without overrides
]
FUZZ = settings(
    max_examples=8,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
FORM_CLASSES = all_project_form_classes()
PROJECT_APP_LABELS = {"pps", "security", "cases", "consent", "disclosure", "retention"}


def text_fields(form) -> list[str]:
    """The fields a person types text into (passwords aside, see PlainTextMixin)."""
    return [
        name
        for name, field in form.fields.items()
        if isinstance(field, forms.CharField)
        and not isinstance(field, forms.UUIDField)
        and not isinstance(field.widget, forms.PasswordInput)
    ]


def test_sec4_every_format_character_is_refused_but_the_joiners():
    assert all(unicodedata.category(c) == "Cf" for c in FORBIDDEN)
    for character in FORBIDDEN:
        with pytest.raises(ValidationError) as refused:
            plain_text(f"abc{character}def")
        assert f"U+{ord(character):04X}" in str(refused.value)
    for text in NEEDED:
        plain_text(text)


def test_sec4_every_form_in_the_project_checks_its_text():
    """By construction: a new form that does not derive from the shared base fails here."""
    assert len(FORM_CLASSES) > 40
    unchecked = [c.__qualname__ for c in FORM_CLASSES if not issubclass(c, PlainTextMixin)]
    assert unchecked == [], f"derive these from pps.form_fields.PlainTextForm: {unchecked}"


def test_sec4_every_admin_form_checks_its_text(admin_user):
    """The project's own administration screens (third-party ones are for superusers only)."""
    request = RequestFactory().get("/")
    request.user = admin_user
    ours = {
        model: model_admin
        for model, model_admin in admin.site._registry.items()
        if model._meta.app_label in PROJECT_APP_LABELS
    }
    assert len(ours) >= 5
    unchecked = [
        model._meta.label
        for model, model_admin in ours.items()
        if not issubclass(model_admin.get_form(request), PlainTextMixin)
    ]
    assert unchecked == []


@pytest.mark.parametrize("form_class", FORM_CLASSES, ids=lambda c: c.__qualname__)
def test_sec4_fuzz_every_text_field_of_every_form_refuses_invisible_characters(
    form_class, case, staff
):
    names = text_fields(build_form(form_class, {}, case=case, user=staff))
    if not names:
        return

    @FUZZ
    @given(
        name=st.sampled_from(names),
        before=st.text(st.characters(categories=["L", "N", "Zs"]), max_size=10),
        character=st.sampled_from(FORBIDDEN),
        after=st.text(st.characters(categories=["L", "N", "P"]), max_size=10),
    )
    def fuzz(name, before, character, after):
        form = build_form(form_class, {name: before + character + after}, case=case, user=staff)
        assert not form.is_valid()
        codes = [error.code for error in form.errors.as_data().get(name, [])]
        assert "invisible_characters" in codes, (name, form.errors)

    fuzz()


def test_sec4_a_retention_category_named_with_a_direction_override_is_refused(
    service, admin_user, client_for
):
    """The reported case: nothing saved, and the form says why."""
    before = RetentionCategory.objects.count()
    response = client_for(admin_user).post(
        reverse("retention:category_create"),
        {"name": "abc\u202e", "anchor": "closure", "anchor_age_years": "0", "years": "6"},
    )
    assert response.status_code == 400
    assert "U+202E" in response.content.decode()
    assert RetentionCategory.objects.count() == before
