"""Form widgets for the partners pages."""

from django import forms
from django.utils.html import format_html, format_html_join


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
    """A <select> for a long list (every partner, in the list filters) that
    writes its options in one pass in Python. Django's own Select renders a
    template per option: with 2,000 partners that was most of the time of
    the interaction, request and delivery lists (docs/performance.md). The
    HTML is the same: attributes, `selected` and escaping included."""

    def render(self, name, value, attrs=None, renderer=None):
        widget = self.get_context(name, value, attrs)["widget"]
        options = format_html_join(
            "",
            '<option value="{}"{}>{}</option>',
            (
                (str(option["value"]), _attributes(option["attrs"]), option["label"])
                for _, group, _ in widget["optgroups"]
                for option in group
            ),
        )
        return format_html('<select name="{}"{}>{}</select>', widget["name"], _attributes(widget["attrs"]), options)
