"""Reading forms and select boxes out of a page the way a browser does, so
the attacks post whatever fields the page really has (the redesign may add
or disable some) instead of a list written against today's forms."""

from dataclasses import dataclass, field
from html.parser import HTMLParser


@dataclass
class Form:
    method: str
    fields: list[tuple[str, dict]] = field(default_factory=list)  # (tag, attributes)

    def has_button(self, name: str) -> bool:
        return any(tag in ("button", "input") and attrs.get("name") == name for tag, attrs in self.fields)

    def has_field(self, name: str) -> bool:
        return any(attrs.get("name") == name for _tag, attrs in self.fields)


class _Reader(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms: list[Form] = []
        self.selects: list[dict] = []
        self.form: Form | None = None
        self.select: dict | None = None
        self.option: dict | None = None
        self.textarea: dict | None = None

    def handle_starttag(self, tag, attrs):
        attrs = {name: (value if value is not None else "") for name, value in attrs}
        if tag == "form":
            self.form = Form(method=attrs.get("method", "get").lower())
            self.forms.append(self.form)
        elif tag == "select":
            self.select = {**attrs, "_options": []}
            self.selects.append(self.select)
            self._add("select", self.select)
        elif tag == "option" and self.select is not None:
            self.option = {**attrs, "_text": ""}
            self.select["_options"].append(self.option)
        elif tag == "textarea":
            self.textarea = {**attrs, "_text": ""}
            self._add("textarea", self.textarea)
        elif tag in ("input", "button"):
            self._add(tag, attrs)

    def _add(self, tag: str, attrs: dict) -> None:
        if self.form is not None:
            self.form.fields.append((tag, attrs))

    def handle_endtag(self, tag):
        if tag == "form":
            self.form = None
        elif tag == "select":
            self.select = self.option = None
        elif tag == "option":
            self.option = None
        elif tag == "textarea":
            self.textarea = None

    def handle_data(self, data):
        if self.textarea is not None:
            self.textarea["_text"] += data
        elif self.option is not None:
            self.option["_text"] += data


def _read(html: str) -> _Reader:
    reader = _Reader()
    reader.feed(html)
    reader.close()
    return reader


def forms_in(html: str) -> list[Form]:
    return _read(html).forms


def select_options(html: str, name: str) -> list[str]:
    """The values offered by every <select name=...> of the page."""
    return [
        option.get("value", option["_text"].strip())
        for select in _read(html).selects
        if select.get("name") == name
        for option in select["_options"]
    ]


def submission(form: Form, submit: dict | None = None) -> dict[str, list[str]]:
    """What a browser sends for `form` untouched: enabled fields only, checked
    boxes only, the selected options (the first of a single select if none
    is), a textarea's text without the newline after its tag."""
    data: dict[str, list[str]] = {}
    for tag, attrs in form.fields:
        name = attrs.get("name")
        if not name or "disabled" in attrs or tag == "button":
            continue
        if tag == "input":
            kind = attrs.get("type", "text").lower()
            if kind in ("submit", "button", "image", "reset", "file"):
                continue
            if kind in ("checkbox", "radio") and "checked" not in attrs:
                continue
            data.setdefault(name, []).append(attrs.get("value", "on" if kind in ("checkbox", "radio") else ""))
        elif tag == "select":
            options = attrs["_options"]
            chosen = [option for option in options if "selected" in option]
            if not chosen and options and "multiple" not in attrs:
                chosen = options[:1]
            data.setdefault(name, []).extend(option.get("value", option["_text"].strip()) for option in chosen)
        elif tag == "textarea":
            text = attrs["_text"]
            data.setdefault(name, []).append(text[1:] if text.startswith("\n") else text)
    for name, value in (submit or {}).items():
        data[name] = [value]
    return data
