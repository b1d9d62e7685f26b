"""One bound form field as a GOV.UK Frontend form group: ``{% govuk_field %}``.

    {% govuk_field form.name %}
    {% govuk_field form.channel classes="govuk-radios--inline" %}
    {% govuk_field form.kind label_class="govuk-fieldset__legend--m" %}

``label_class`` adds label or legend classes (a fieldset's legend is
``govuk-fieldset__legend--s`` unless given); ``classes`` adds control classes
(the widget's own ``attrs["class"]`` is added too).

Widgets drawn: the day, month and year boxes of ``pps.date_fields`` (with a
time box for a date and time), radios, checkboxes (one, or one per choice),
selects, textareas, file inputs, hidden inputs and every other ``<input>``.
Anything else falls back to Django's own widget. The hint's id is
``<auto_id>-hint`` and the error's ``<auto_id>-error``; the control's
``aria-describedby`` names whichever exist. Widget attributes (maxlength, min,
rows, required, inputmode, accept and the rest) pass through, except those set
here: id, class, style, aria-describedby and autocomplete, which is "off"
unless the widget sets it (the sign-in form asks for "username" and
"current-password").

Written in Python rather than as an included template because it draws every
field of every form: the template took about 0.5 ms a field, which made the
form on the case page a sixth of that page's time.
"""

from django import template
from django.utils.html import conditional_escape, escape
from django.utils.safestring import SafeString, mark_safe

register = template.Library()

# Attributes this tag sets itself: the widget's own values for them are not copied.
SET_HERE = frozenset({"id", "class", "style", "aria-describedby", "autocomplete"})
FIELDSET_WIDGETS = frozenset({"radioselect", "checkboxselectmultiple"})
DATE_WIDGETS = frozenset({"govukdate", "govukdatetime"})
SELECT_WIDGETS = frozenset({"select", "selectmultiple", "nullbooleanselect"})
FILE_WIDGETS = frozenset({"clearablefile", "file"})
DEFAULT_LEGEND = "govuk-fieldset__legend--s"


@register.simple_tag
def govuk_field(field, classes: str = "", label_class: str = "") -> SafeString:
    if field.is_hidden:
        return conditional_escape(field)
    widget_type = field.widget_type
    if widget_type in FIELDSET_WIDGETS:
        return _choices(field, widget_type, classes, label_class)
    if widget_type in DATE_WIDGETS:
        return _date_boxes(field, label_class)
    if widget_type == "checkbox":
        return _single_checkbox(field, classes, label_class)
    return _labelled_control(field, widget_type, classes, label_class)


def _choices(field, widget_type: str, classes: str, label_class: str) -> SafeString:
    """Radios or checkboxes, one per choice, in a fieldset."""
    kind = "radios" if widget_type == "radioselect" else "checkboxes"
    input_type = "radio" if kind == "radios" else "checkbox"
    disabled = _disabled(field)
    name = escape(field.html_name)
    items = "".join(
        f'\n      <div class="govuk-{kind}__item">\n'
        f'        <input class="govuk-{kind}__input" id="{escape(choice.id_for_label)}"'
        f' name="{name}" type="{input_type}" value="{escape(_text(choice.data["value"]))}"'
        f"{' checked' if choice.data['selected'] else ''}{disabled}>\n"
        f'        <label class="govuk-label govuk-{kind}__label"'
        f' for="{escape(choice.id_for_label)}">{conditional_escape(choice.choice_label)}</label>\n'
        "      </div>"
        for choice in field
    )
    widget_class = field.field.widget.attrs.get("class")
    return _assembled(
        f"{_group_open(field)}\n"
        f'  <fieldset class="govuk-fieldset"{_described_by(field)}>\n'
        f"{_legend(field, label_class)}{_hint(field)}{_errors(field)}"
        f'    <div class="govuk-{kind}{_extra(widget_class)}{_extra(classes)}"'
        f' data-module="govuk-{kind}">{items}\n'
        "    </div>\n"
        "  </fieldset>\n"
        "</div>\n"
    )


def _date_boxes(field, label_class: str) -> SafeString:
    """The GOV.UK date input: day, month and year boxes (and a time box) in a fieldset."""
    widget = field.subwidgets[0].data
    error = " govuk-input--error" if field.errors else ""
    disabled = _disabled(field)
    boxes = []
    for box in widget["subwidgets"]:
        box_id = escape(box["attrs"].get("id", ""))
        value = box["value"]
        boxes.append(
            '\n      <div class="govuk-date-input__item">\n'
            '        <div class="govuk-form-group">\n'
            f'          <label class="govuk-label govuk-date-input__label" for="{box_id}">'
            f"{conditional_escape(box['label'])}</label>\n"
            f'          <input class="govuk-input govuk-date-input__input'
            f' govuk-input--width-{box["width"]}{error}{_extra(box["attrs"].get("class"))}"'
            f' id="{box_id}" name="{escape(box["name"])}" type="text"'
            f"{'' if value is None else f' value={_quoted(value)}'}"
            f"{'' if box['part'] == 'time' else ' inputmode="numeric"'}"
            f' autocomplete="off"{disabled}>\n'
            "        </div>\n"
            "      </div>"
        )
    return _assembled(
        f"{_group_open(field)}\n"
        f'  <fieldset class="govuk-fieldset" role="group"{_described_by(field)}>\n'
        f"{_legend(field, label_class)}{_hint(field)}{_errors(field)}"
        f'    <div class="govuk-date-input" id="{escape(_base_id(field))}">{"".join(boxes)}\n'
        "    </div>\n"
        "  </fieldset>\n"
        "</div>\n"
    )


def _single_checkbox(field, classes: str, label_class: str) -> SafeString:
    """One checkbox with its label and hint beside it."""
    widget = field.subwidgets[0].data
    value = widget["value"]
    hint = _hint(field, indent="      ", classes="govuk-hint govuk-checkboxes__hint")
    for_id = escape(field.id_for_label)
    return _assembled(
        f"{_group_open(field)}\n"
        f"{_errors(field)}"
        f'  <div class="govuk-checkboxes govuk-checkboxes--small{_extra(widget["attrs"].get("class"))}'
        f'{_extra(classes)}" data-module="govuk-checkboxes">\n'
        '    <div class="govuk-checkboxes__item">\n'
        f'      <input class="govuk-checkboxes__input" id="{for_id}"'
        f' name="{escape(field.html_name)}" type="checkbox"'
        f"{'' if value is None else f' value={_quoted(value)}'}"
        f"{_passed_attrs(widget['attrs'])}{_described_by(field)}>\n"
        f'      <label class="govuk-label govuk-checkboxes__label{_extra(label_class)}"'
        f' for="{for_id}">{conditional_escape(field.label)}</label>\n'
        f"{hint}"
        "    </div>\n"
        "  </div>\n"
        "</div>\n"
    )


def _labelled_control(field, widget_type: str, classes: str, label_class: str) -> SafeString:
    """A label, hint and error above one control: select, textarea, file or input."""
    if widget_type in SELECT_WIDGETS:
        control = _select(field, classes)
    elif widget_type == "textarea":
        control = _textarea(field, classes)
    elif widget_type in FILE_WIDGETS:
        control = _file(field, classes)
    elif getattr(field.field.widget, "input_type", None):
        control = _input(field, widget_type, classes)
    else:
        control = conditional_escape(field)
    return _assembled(
        f"{_group_open(field)}\n"
        f'  <label class="govuk-label{_extra(label_class)}" for="{escape(field.id_for_label)}">'
        f"{conditional_escape(field.label)}</label>\n"
        f"{_hint(field, indent='  ')}{_errors(field, indent='  ')}  {control}\n"
        "</div>\n"
    )


def _select(field, classes: str) -> str:
    widget = field.field.widget
    options = "".join(
        f'<option value="{escape(_text(option.data["value"]))}"'
        f"{' selected' if option.data['selected'] else ''}>"
        f"{conditional_escape(option.choice_label)}</option>\n    "
        for option in field
    )
    error = " govuk-select--error" if field.errors else ""
    return (
        f'<select class="govuk-select{error}{_extra(widget.attrs.get("class"))}{_extra(classes)}"'
        f' id="{escape(field.id_for_label)}" name="{escape(field.html_name)}"'
        f"{' multiple' if widget.allow_multiple_selected else ''}"
        f"{_disabled(field)}"
        f"{' aria-invalid="true"' if field.errors else ''}{_described_by(field)}>\n"
        f"    {options}\n"
        "  </select>"
    )


def _textarea(field, classes: str) -> str:
    widget = field.subwidgets[0].data
    error = " govuk-textarea--error" if field.errors else ""
    # The newline after the tag is dropped by the HTML parser, so a value that
    # starts with a line break keeps it.
    return (
        f'<textarea class="govuk-textarea{error}{_extra(widget["attrs"].get("class"))}'
        f'{_extra(classes)}" id="{escape(field.id_for_label)}" name="{escape(field.html_name)}"'
        f"{_autocomplete(widget)}{_passed_attrs(widget['attrs'])}{_described_by(field)}>\n"
        f"{conditional_escape(widget['value']) if widget['value'] else ''}</textarea>"
    )


def _file(field, classes: str) -> str:
    widget = field.subwidgets[0].data
    current = ""
    if widget.get("is_initial"):
        current = (
            f'<p class="govuk-body">Current file: {conditional_escape(widget["value"])}</p>\n  '
        )
        if not widget.get("required"):
            current += (
                '<div class="govuk-checkboxes govuk-checkboxes--small govuk-!-margin-bottom-3"'
                ' data-module="govuk-checkboxes">\n'
                '    <div class="govuk-checkboxes__item">\n'
                f'      <input class="govuk-checkboxes__input" id="{escape(widget["checkbox_id"])}"'
                f' name="{escape(widget["checkbox_name"])}" type="checkbox"'
                f"{_disabled(field)}>\n"
                '      <label class="govuk-label govuk-checkboxes__label"'
                f' for="{escape(widget["checkbox_id"])}">Remove the current file</label>\n'
                "    </div>\n"
                "  </div>\n  "
            )
    error = " govuk-file-upload--error" if field.errors else ""
    return (
        f'{current}<input class="govuk-file-upload{error}{_extra(widget["attrs"].get("class"))}'
        f'{_extra(classes)}" id="{escape(field.id_for_label)}" name="{escape(field.html_name)}"'
        f' type="file"{_passed_attrs(widget["attrs"])}{_described_by(field)}>'
    )


def _input(field, widget_type: str, classes: str) -> str:
    widget = field.subwidgets[0].data
    value = widget["value"]
    error = " govuk-input--error" if field.errors else ""
    # A browser's own date picker reads the locale's order (CAS-7): a plain
    # text date is sized like the GOV.UK one.
    width = " govuk-input--width-10" if widget_type == "date" and widget["type"] == "text" else ""
    return (
        f'<input class="govuk-input{error}{width}{_extra(widget["attrs"].get("class"))}'
        f'{_extra(classes)}" id="{escape(field.id_for_label)}" name="{escape(field.html_name)}"'
        f' type="{escape(widget["type"])}"'
        f"{'' if value is None else f' value={_quoted(value)}'}"
        f"{_autocomplete(widget)}{_passed_attrs(widget['attrs'])}{_described_by(field)}>"
    )


# --- pieces every kind of field shares ------------------------------------------


def _assembled(html: str) -> SafeString:
    """The drawn field, safe to put in a page as it is.

    Every value in it came from the form (label, hint, errors, names, ids,
    values, choice labels, attributes) and was escaped where it was put in, by
    ``escape`` or, for text a form may already have marked safe,
    ``conditional_escape``: the same escaping the template's autoescape gave.
    """
    return mark_safe(html)  # noqa: S308 (see the docstring)


def _base_id(field) -> str:
    return field.auto_id or field.html_name


def _group_open(field) -> str:
    error = " govuk-form-group--error" if field.errors else ""
    return f'<div class="govuk-form-group{error}">'


def _legend(field, label_class: str) -> str:
    return (
        f'    <legend class="govuk-fieldset__legend {escape(label_class or DEFAULT_LEGEND)}">'
        f"{conditional_escape(field.label)}</legend>\n"
    )


def _hint(field, indent: str = "    ", classes: str = "govuk-hint") -> str:
    if not field.help_text:
        return ""
    return (
        f'{indent}<div id="{escape(_base_id(field))}-hint" class="{classes}">'
        f"{conditional_escape(field.help_text)}</div>\n"
    )


def _disabled(field) -> str:
    return " disabled" if field.field.disabled else ""


def _errors(field, indent: str = "    ") -> str:
    if not field.errors:
        return ""
    messages = "<br>".join(
        f'<span class="govuk-visually-hidden">Error:</span> {conditional_escape(error)}'
        for error in field.errors
    )
    return (
        f'{indent}<p id="{escape(_base_id(field))}-error" class="govuk-error-message">'
        f"{messages}</p>\n"
    )


def _described_by(field) -> str:
    """aria-describedby naming the hint and the error, whichever the field has."""
    ids = []
    if field.help_text:
        ids.append(f"{_base_id(field)}-hint")
    if field.errors:
        ids.append(f"{_base_id(field)}-error")
    return f' aria-describedby="{escape(" ".join(ids))}"' if ids else ""


def _passed_attrs(attrs: dict) -> str:
    """The widget's attributes, but for those set here; True is a bare attribute."""
    return "".join(
        f" {escape(name)}" if value is True else f" {escape(name)}={_quoted(value)}"
        for name, value in attrs.items()
        if value is not False and name not in SET_HERE
    )


def _autocomplete(widget: dict) -> str:
    return f' autocomplete="{escape(widget["attrs"].get("autocomplete") or "off")}"'


def _extra(classes) -> str:
    return f" {escape(classes)}" if classes else ""


def _quoted(value) -> str:
    return f'"{escape(_text(value))}"'


def _text(value) -> str:
    return value if isinstance(value, str) else str(value)
