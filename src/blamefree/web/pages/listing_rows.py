"""The rows of the ``/postmortems`` table, each rendered once per process for a row value.

A row's HTML follows from its ``ListedPostmortem`` alone (a frozen value: id, version, counts,
standing, ...), so the memo is keyed by that value and never goes stale: a changed post-mortem
or action item is a different value. Each worker keeps its own; nothing is shared between them.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache

from jinja2 import Environment
from markupsafe import Markup

from blamefree.store.postmortem_listing import ListedPostmortem

ROW_TEMPLATE = "reading/listing_row.html"
REMEMBERED = 4096
"""Rows kept per process (a row is well under a kilobyte of HTML)."""


def row_renderer(env: Environment) -> Callable[[ListedPostmortem], Markup]:
    """``listing_row(row)`` for the page's template: the row's HTML, autoescaped by Jinja."""
    return lambda row: _rendered(env, row)


@lru_cache(maxsize=REMEMBERED)
def _rendered(env: Environment, row: ListedPostmortem) -> Markup:
    # The template escapes every value; its output is the markup, as when it renders inline.
    return Markup(env.get_template(ROW_TEMPLATE).render(row=row))
