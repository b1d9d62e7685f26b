"""Read the POST forms out of a rendered page, as a browser would see them."""

from dataclasses import dataclass, field
from html.parser import HTMLParser


@dataclass
class FormField:
    name: str
    kind: str  # input type, "select", "textarea"
    value: str = ""
    options: list[str] = field(default_factory=list)


@dataclass
class PostForm:
    action: str
    fields: list[FormField] = field(default_factory=list)

    @property
    def enctype_multipart(self) -> bool:
        return any(f.kind == "file" for f in self.fields)


class _FormParser(HTMLParser):
    def __init__(self):
        super().__init__()
        self.forms: list[PostForm] = []
        self._form: PostForm | None = None
        self._select: FormField | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            if (attrs.get("method") or "get").lower() == "post":
                self._form = PostForm(action=attrs.get("action") or "")
            return
        if self._form is None or not attrs.get("name"):
            if tag == "option" and self._select is not None:
                self._select.options.append(attrs.get("value") or "")
            return
        name = attrs["name"]
        if tag == "input":
            kind = (attrs.get("type") or "text").lower()
            if kind in {"submit", "button", "image", "reset"}:
                return
            self._form.fields.append(FormField(name, kind, attrs.get("value") or ""))
        elif tag == "textarea":
            self._form.fields.append(FormField(name, "textarea"))
        elif tag == "select":
            self._select = FormField(name, "select")
            self._form.fields.append(self._select)

    def handle_endtag(self, tag):
        if tag == "form" and self._form is not None:
            self.forms.append(self._form)
            self._form = None
        elif tag == "select":
            self._select = None


def post_forms(html: str, *, ignore_actions: set[str]) -> list[PostForm]:
    parser = _FormParser()
    parser.feed(html)
    return [form for form in parser.forms if form.action not in ignore_actions]
