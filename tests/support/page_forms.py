"""Read a page's form the way a browser submits it: ``form_fields(html, action)``.

Text inputs, hidden inputs, textareas and the selected option of each select, checkboxes and
radios only when checked; file inputs and submit buttons are left out.
"""

from __future__ import annotations

from html.parser import HTMLParser


class _FormReader(HTMLParser):
    def __init__(self, action: str) -> None:
        super().__init__(convert_charrefs=True)
        self.action = action
        self.inside = False
        self.fields: dict[str, str] = {}
        self.found = False
        self._textarea: str | None = None
        self._text: list[str] = []
        self._select: str | None = None
        self._first_option: str | None = None
        self._option: str | None = None
        self._option_text: list[str] = []
        self._option_selected = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        at = {name: value or "" for name, value in attrs}
        present = {name for name, _ in attrs}
        if tag == "form":
            self.inside = at.get("action") == self.action
            self.found = self.found or self.inside
            return
        if not self.inside:
            return
        name = at.get("name")
        if tag == "input" and name:
            kind = at.get("type", "text")
            if kind in ("file", "submit", "button"):
                return
            if kind in ("checkbox", "radio"):
                if "checked" in present:
                    self.fields[name] = at.get("value", "on")
                return
            self.fields[name] = at.get("value", "")
        elif tag == "textarea" and name:
            self._textarea, self._text = name, []
        elif tag == "select" and name:
            self._select, self._first_option = name, None
        elif tag == "option" and self._select is not None:
            self._option = at.get("value") if "value" in present else None
            self._option_text = []
            self._option_selected = "selected" in present

    def handle_data(self, data: str) -> None:
        if self._textarea is not None:
            self._text.append(data)
        if self._option is not None or self._select is not None:
            self._option_text.append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self.inside = False
        elif tag == "textarea" and self._textarea is not None:
            text = "".join(self._text)
            self.fields[self._textarea] = text[1:] if text.startswith("\n") else text
            self._textarea = None
        elif tag == "option" and self._select is not None:
            value = self._option if self._option is not None else "".join(self._option_text)
            if self._first_option is None:
                self._first_option = value
            if self._option_selected:
                self.fields[self._select] = value
            self._option = None
        elif tag == "select" and self._select is not None:
            self.fields.setdefault(self._select, self._first_option or "")
            self._select = None


def form_fields(html: str, action: str) -> dict[str, str]:
    """The fields the form posting to ``action`` would submit as it stands."""
    reader = _FormReader(action)
    reader.feed(html)
    assert reader.found, f"the page has no form posting to {action}"
    return reader.fields
