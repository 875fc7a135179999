"""Blamefree: blameless incident post-mortems as data, in Markdown and in a store."""

from blamefree.domain.postmortem import Postmortem
from blamefree.errors import BlamefreeError, StaleEdit, TemplateParseError
from blamefree.markdown.parse import parse
from blamefree.markdown.render import render

__all__ = [
    "BlamefreeError",
    "Postmortem",
    "StaleEdit",
    "TemplateParseError",
    "parse",
    "render",
]
__version__ = "0.1.0"
