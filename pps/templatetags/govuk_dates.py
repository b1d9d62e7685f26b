"""The boxes of a day/month/year or hour/minute field, for ``includes/date_input.html``."""

from django import template

register = template.Library()


@register.filter
def input_parts(bound_field) -> list[dict]:
    """Each box's id, name, label, width and value, as typed or from the initial value."""
    widget = bound_field.field.widget
    value = bound_field.value()
    values = value if isinstance(value, (list, tuple)) else widget.decompress(value)
    base_id = bound_field.auto_id
    return [
        {
            "id": f"{base_id}_{name}",
            "name": f"{bound_field.html_name}_{name}",
            "label": label,
            "width": width,
            "value": "" if part is None else part,
        }
        for (name, label, width), part in zip(widget.parts, values, strict=True)
    ]
