"""User Markdown as safe HTML: markdown-it-py renders (raw HTML off), nh3 sanitises.

Everything an author wrote reaches a page through ``markdown_html`` (block text) or Jinja2's
autoescaping (single values); nothing user-written is marked safe any other way. Links keep
only http(s) and mailto targets and get ``rel="noopener noreferrer nofollow"``; images are
dropped, so no document can make a reader's browser fetch from another site.
"""

from __future__ import annotations

from functools import lru_cache

import nh3
from markdown_it import MarkdownIt
from markupsafe import Markup

ALLOWED_TAGS = frozenset(
    {
        "p", "br", "strong", "em", "code", "pre", "blockquote", "ul", "ol", "li", "a",
        "h3", "h4", "h5", "h6", "hr", "table", "thead", "tbody", "tr", "th", "td", "del", "s",
    }
)  # fmt: skip
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "th": {"align"}, "td": {"align"}, "ol": {"start"}}
ALLOWED_SCHEMES = frozenset({"http", "https", "mailto"})


@lru_cache(maxsize=1)
def _renderer() -> MarkdownIt:
    return MarkdownIt("commonmark", {"html": False, "linkify": False}).enable(
        ["table", "strikethrough"]
    )


def markdown_html(text: str | None) -> Markup:
    """``text`` (Markdown an author wrote) as sanitised HTML; empty for None."""
    if not text:
        return Markup("")
    return Markup(_sanitised(str(text)))


@lru_cache(maxsize=4096)
def _sanitised(text: str) -> str:
    """A pure function of the text, so each worker keeps the ones it rendered last (a page
    shows the same fields on every read)."""
    rendered = _renderer().render(text)
    return nh3.clean(
        rendered,
        tags=set(ALLOWED_TAGS),
        attributes={tag: set(names) for tag, names in ALLOWED_ATTRIBUTES.items()},
        url_schemes=set(ALLOWED_SCHEMES),
        link_rel="noopener noreferrer nofollow",
    )
