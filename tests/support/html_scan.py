"""Reading our HTML in tests with the standard library: ids, links, scripts, attributes, text."""

from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser


@dataclass
class Scanned:
    ids: list[str] = field(default_factory=list)
    hrefs: list[str] = field(default_factory=list)
    scripts: list[dict[str, str | None]] = field(default_factory=list)
    tags: list[tuple[str, dict[str, str | None]]] = field(default_factory=list)
    text: list[str] = field(default_factory=list)

    @property
    def plain(self) -> str:
        """The page's text, white space collapsed."""
        return " ".join(" ".join(self.text).split())


class _Scanner(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found = Scanned()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        self.found.tags.append((tag, values))
        found_id = values.get("id")
        if found_id:
            self.found.ids.append(found_id)
        if values.get("href") is not None:
            self.found.hrefs.append(values["href"] or "")
        if tag == "script":
            self.found.scripts.append(values)

    def handle_data(self, data: str) -> None:
        self.found.text.append(data)


def scan(html: str) -> Scanned:
    scanner = _Scanner()
    scanner.feed(html)
    scanner.close()
    return scanner.found
