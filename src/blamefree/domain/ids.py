"""Identifiers and their grammar: incident ids, action item ids and timeline event references.

An id is a name, never a path or markup: it is checked where it enters (command-line arguments,
a document's ``**Incident ID:**`` line, the store's create and save) and a bad one is refused
with a message that says what is allowed. docs/file-format.md describes the same grammar.
"""

from __future__ import annotations

import re

INCIDENT_ID_MAX = 100
"""The longest incident id accepted, in characters."""

INCIDENT_ID_RULE = (
    "letters, digits and . _ : - (starting with a letter or digit, at most "
    f"{INCIDENT_ID_MAX} characters, no '..'), e.g. INC-2024-0142"
)
_INCIDENT_ID = re.compile(rf"[A-Za-z0-9][A-Za-z0-9._:-]{{0,{INCIDENT_ID_MAX - 1}}}")

ACTION_ID_RULE = "a letter, then letters or digits, '-' and 2 to 24 letters or digits (A-7F3K2Q)"
_ACTION_ID = re.compile(r"[A-Z][A-Z0-9]{0,15}-[A-Z0-9]{2,24}")

EVENT_REF_RULE = "1 to 40 hexadecimal digits from `blamefree timeline list` (e.g. 5a65e961)"
_EVENT_REF = re.compile(r"[0-9a-f]{1,40}")


def _shown(text: str) -> str:
    """The value for an error message: quoted, control characters visible, cut when long."""
    return repr(text if len(text) <= 60 else text[:57] + "...")


def incident_id(text: str) -> str:
    """The incident id as given if it follows the grammar; ValueError saying why not."""
    if not _INCIDENT_ID.fullmatch(text) or ".." in text:
        raise ValueError(f"{_shown(text)} is not an incident id: use {INCIDENT_ID_RULE}")
    return text


def is_incident_id(text: str) -> bool:
    """Whether ``text`` follows the incident id grammar."""
    return bool(_INCIDENT_ID.fullmatch(text)) and ".." not in text


def action_id(text: str) -> str:
    """An action item id, upper-cased (ids are case-blind); ValueError saying why not."""
    candidate = text.strip().upper()
    if not _ACTION_ID.fullmatch(candidate):
        raise ValueError(f"{_shown(text)} is not an action item id: use {ACTION_ID_RULE}")
    return candidate


def event_ref(text: str) -> str:
    """A timeline event reference (or a prefix of one), lower-cased; ValueError saying why not."""
    candidate = text.strip().lower()
    if not _EVENT_REF.fullmatch(candidate):
        raise ValueError(f"{_shown(text)} is not an event reference: use {EVENT_REF_RULE}")
    return candidate
