"""Form widgets for the partners pages."""

from django import forms
from django.forms.models import ModelChoiceIterator
from django.utils.html import conditional_escape, escape, format_html, format_html_join
from django.utils.safestring import mark_safe


def _attributes(attrs: dict) -> str:
    """Like Django's widgets/attrs.html: in order, `True` as a bare name, `False` left out."""
    return format_html_join(
        "",
        "{}",
        (
            (format_html(" {}", name) if value is True else format_html(' {}="{}"', name, value),)
            for name, value in attrs.items()
            if value is not False and value is not None
        ),
    )


class LongSelect(forms.Select):
    """A <select> for a long, flat list (every partner, in the list filters)
    that writes its options in one pass in Python. Django's own Select
    renders a template per option, and a model choice field first builds a
    model instance per row: with 2,000 partners that was most of the time of
    the interaction, request and delivery lists (docs/performance.md). With
    `label_field`, the options of a model choice field come straight from
    `values_list(pk, label_field)` (the label must be what `str()` of the
    object gives). The HTML is the same as Django's: attributes, `selected`
    and escaping included."""

    def __init__(self, attrs=None, choices=(), *, label_field: str | None = None):
        super().__init__(attrs, choices)
        self.label_field = label_field

    def _pairs(self):
        if self.label_field and isinstance(self.choices, ModelChoiceIterator):
            field = self.choices.field
            if field.empty_label is not None:
                yield "", field.empty_label
            yield from self.choices.queryset.values_list("pk", self.label_field)
        else:
            yield from self.choices

    def render(self, name, value, attrs=None, renderer=None):
        selected = set(self.format_value(value))
        html: list[str] = [format_html('<select name="{}"{}>', name, _attributes(self.build_attrs(self.attrs, attrs)))]
        found = False
        for option_value, label in self._pairs():
            option_value = str(option_value)
            mark = option_value in selected and (self.allow_multiple_selected or not found)
            found = found or mark
            flag = " selected" if mark else ""
            html.append(f'<option value="{escape(option_value)}"{flag}>{conditional_escape(label)}</option>')
        html.append("</select>")
        return mark_safe("".join(html))  # noqa: S308 - every value above is escaped


class LongSelectMultiple(LongSelect):
    """LongSelect for several choices: every partner, in an interaction's
    "Also with"."""

    allow_multiple_selected = True
    value_from_datadict = forms.SelectMultiple.value_from_datadict
    value_omitted_from_data = forms.SelectMultiple.value_omitted_from_data

    def __init__(self, attrs=None, choices=(), *, label_field: str | None = None):
        super().__init__({"multiple": True, "size": 6, **(attrs or {})}, choices, label_field=label_field)
