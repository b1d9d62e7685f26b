"""``{% govuk_field %}`` draws each kind of field as the GOV.UK Design System's form group.

Compared as parsed HTML (attribute order and whitespace aside). What is
pinned: the hint and error ids and the control's aria-describedby naming them
(ACC-3), escaping of every label, hint, error and value, the widget's own
attributes passed through but for those the tag sets, and the date boxes of
``pps.date_fields`` (CAS-7).
"""

from django import forms
from django.template import engines
from django.test.html import parse_html

from pps.date_fields import DateField, DateTimeField


def draw(field: forms.BoundField, **options) -> str:
    arguments = " ".join(f'{name}="{value}"' for name, value in options.items())
    template = engines["django"].from_string(
        "{% load govuk_fields %}{% govuk_field field " + arguments + " %}"
    )
    return template.render({"field": field})


def same_html(rendered: str, expected: str) -> bool:
    return parse_html(rendered) == parse_html(expected)


class Details(forms.Form):
    name = forms.CharField(max_length=20, help_text="As they <spell> it")
    notes = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False)
    email = forms.EmailField(
        required=False,
        widget=forms.EmailInput(attrs={"class": "govuk-input--width-20", "spellcheck": False}),
    )
    code = forms.CharField(widget=forms.TextInput(attrs={"autocomplete": "one-time-code"}))
    age = forms.IntegerField(min_value=0, disabled=True, initial=3)
    marker = forms.CharField(widget=forms.HiddenInput, required=False)


class Choices(forms.Form):
    channel = forms.ChoiceField(
        choices=[("phone", "Phone & text"), ("email", "Email")], widget=forms.RadioSelect
    )
    needs = forms.MultipleChoiceField(
        choices=[("ehcp", "EHC plan"), ("sen", "SEN support")],
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    topic = forms.ChoiceField(
        choices=[("", "Choose a topic"), ("1", "Exclusion")], help_text="The main one"
    )
    agreed = forms.BooleanField(help_text="They said yes")
    report = forms.FileField(required=False)


class Dates(forms.Form):
    born = DateField(label="Date of birth", help_text="For example, 27 3 2015")
    called = DateTimeField(label="Called at", required=False)


def test_acc3_text_input_with_its_hint_and_the_widgets_own_attributes():
    assert same_html(
        draw(Details()["name"], classes="govuk-input--width-20"),
        '<div class="govuk-form-group">'
        '<label class="govuk-label" for="id_name">Name</label>'
        '<div id="id_name-hint" class="govuk-hint">As they &lt;spell&gt; it</div>'
        '<input class="govuk-input govuk-input--width-20" id="id_name" name="name" type="text"'
        ' autocomplete="off" maxlength="20" required aria-describedby="id_name-hint">'
        "</div>",
    )


def test_acc3_an_error_is_named_by_the_control_and_the_value_kept_escaped():
    form = Details({"name": 'A "long" <name> beyond twenty letters', "code": "1"})
    assert same_html(
        draw(form["name"]),
        '<div class="govuk-form-group govuk-form-group--error">'
        '<label class="govuk-label" for="id_name">Name</label>'
        '<div id="id_name-hint" class="govuk-hint">As they &lt;spell&gt; it</div>'
        '<p id="id_name-error" class="govuk-error-message">'
        '<span class="govuk-visually-hidden">Error:</span>'
        " Ensure this value has at most 20 characters (it has 37).</p>"
        '<input class="govuk-input govuk-input--error" id="id_name" name="name" type="text"'
        ' value="A &quot;long&quot; &lt;name&gt; beyond twenty letters" autocomplete="off"'
        ' maxlength="20" required aria-invalid="true"'
        ' aria-describedby="id_name-hint id_name-error">'
        "</div>",
    )


def test_attributes_the_tag_sets_are_not_copied_and_false_ones_are_left_out():
    email = draw(Details()["email"])
    assert 'class="govuk-input govuk-input--width-20"' in email
    assert "spellcheck" not in email
    # The widget's own autocomplete wins over "off"; a disabled field says so.
    assert 'autocomplete="one-time-code"' in draw(Details()["code"])
    age = draw(Details()["age"])
    assert " disabled" in age and 'value="3"' in age and 'type="number"' in age


def test_textarea_keeps_a_value_that_starts_with_a_line_break():
    form = Details({"notes": "\nSecond line", "name": "x", "code": "1"})
    rendered = draw(form["notes"])
    # The parser drops the newline straight after <textarea>, so the value's own survives.
    assert ">\n\nSecond line</textarea>" in rendered
    assert 'rows="3"' in rendered and 'autocomplete="off"' in rendered


def test_hidden_field_is_the_bare_input():
    assert same_html(
        draw(Details()["marker"]), '<input type="hidden" name="marker" id="id_marker">'
    )


def test_radios_are_a_fieldset_with_the_legend_and_the_chosen_one_checked():
    form = Choices({"channel": "email"})
    assert same_html(
        draw(form["channel"], classes="govuk-radios--inline"),
        '<div class="govuk-form-group">'
        '<fieldset class="govuk-fieldset">'
        '<legend class="govuk-fieldset__legend govuk-fieldset__legend--s">Channel</legend>'
        '<div class="govuk-radios govuk-radios--inline" data-module="govuk-radios">'
        '<div class="govuk-radios__item">'
        '<input class="govuk-radios__input" id="id_channel_0" name="channel" type="radio" value="phone">'
        '<label class="govuk-label govuk-radios__label" for="id_channel_0">Phone &amp; text</label>'
        "</div>"
        '<div class="govuk-radios__item">'
        '<input class="govuk-radios__input" id="id_channel_1" name="channel" type="radio" value="email" checked>'
        '<label class="govuk-label govuk-radios__label" for="id_channel_1">Email</label>'
        "</div></div></fieldset></div>",
    )


def test_checkboxes_take_the_legend_class_given():
    rendered = draw(Choices({"needs": ["sen"]})["needs"], label_class="govuk-fieldset__legend--m")
    assert 'class="govuk-fieldset__legend govuk-fieldset__legend--m"' in rendered
    assert 'data-module="govuk-checkboxes"' in rendered
    assert 'type="checkbox" value="sen" checked' in rendered
    assert 'value="ehcp">' in rendered


def test_select_marks_the_chosen_option_and_an_error():
    rendered = draw(Choices({"topic": "9"})["topic"])
    assert same_html(
        rendered,
        '<div class="govuk-form-group govuk-form-group--error">'
        '<label class="govuk-label" for="id_topic">Topic</label>'
        '<div id="id_topic-hint" class="govuk-hint">The main one</div>'
        '<p id="id_topic-error" class="govuk-error-message">'
        '<span class="govuk-visually-hidden">Error:</span>'
        " Select a valid choice. 9 is not one of the available choices.</p>"
        '<select class="govuk-select govuk-select--error" id="id_topic" name="topic"'
        ' aria-invalid="true" aria-describedby="id_topic-hint id_topic-error">'
        '<option value="">Choose a topic</option><option value="1">Exclusion</option>'
        "</select></div>",
    )
    assert 'value="1" selected' in draw(Choices({"topic": "1"})["topic"])


def test_a_single_checkbox_has_its_hint_beside_it():
    assert same_html(
        draw(Choices()["agreed"]),
        '<div class="govuk-form-group">'
        '<div class="govuk-checkboxes govuk-checkboxes--small" data-module="govuk-checkboxes">'
        '<div class="govuk-checkboxes__item">'
        '<input class="govuk-checkboxes__input" id="id_agreed" name="agreed" type="checkbox"'
        ' required aria-describedby="id_agreed-hint">'
        '<label class="govuk-label govuk-checkboxes__label" for="id_agreed">Agreed</label>'
        '<div id="id_agreed-hint" class="govuk-hint govuk-checkboxes__hint">They said yes</div>'
        "</div></div></div>",
    )


def test_file_input():
    assert same_html(
        draw(Choices()["report"]),
        '<div class="govuk-form-group">'
        '<label class="govuk-label" for="id_report">Report</label>'
        '<input class="govuk-file-upload" id="id_report" name="report" type="file">'
        "</div>",
    )


def test_cas7_date_boxes_are_a_fieldset_of_day_month_and_year():
    form = Dates({"born_day": "31", "born_month": "2", "born_year": "2015"})
    assert same_html(
        draw(form["born"]),
        '<div class="govuk-form-group govuk-form-group--error">'
        '<fieldset class="govuk-fieldset" role="group"'
        ' aria-describedby="id_born-hint id_born-error">'
        '<legend class="govuk-fieldset__legend govuk-fieldset__legend--s">Date of birth</legend>'
        '<div id="id_born-hint" class="govuk-hint">For example, 27 3 2015</div>'
        '<p id="id_born-error" class="govuk-error-message">'
        '<span class="govuk-visually-hidden">Error:</span> Date of birth must be a real date</p>'
        '<div class="govuk-date-input" id="id_born">'
        + "".join(
            '<div class="govuk-date-input__item"><div class="govuk-form-group">'
            f'<label class="govuk-label govuk-date-input__label" for="id_born_{part}">{label}</label>'
            f'<input class="govuk-input govuk-date-input__input govuk-input--width-{width}'
            f' govuk-input--error" id="id_born_{part}" name="born_{part}" type="text"'
            f' value="{value}" inputmode="numeric" autocomplete="off">'
            "</div></div>"
            for part, label, width, value in [
                ("day", "Day", 2, "31"),
                ("month", "Month", 2, "2"),
                ("year", "Year", 4, "2015"),
            ]
        )
        + "</div></fieldset></div>",
    )


def test_cas7_date_and_time_adds_a_time_box_without_the_numeric_keypad():
    rendered = draw(Dates()["called"])
    assert 'id="id_called_time" name="called_time" type="text" autocomplete="off">' in rendered
    assert rendered.count('inputmode="numeric"') == 3
