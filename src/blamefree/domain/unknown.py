"""Placeholders, the words that say a value is not known, and wording every value reader shares.

Linear in the text: no pattern here backtracks (see docs/file-format.md, "Limits").
"""

from __future__ import annotations

import re

# --- unknown and placeholders --------------------------------------------------------------

_PLACEHOLDER = re.compile(r"^\[[^\[\]]*\](?:\s*(?:→|->|=>)\s*\[[^\[\]]*\])*$")
_TEMPLATE_CHOICES = {"p0/p1/p2/p3", "high/medium/low"}
UNKNOWN_WORDS = frozenset(
    {
        "n/a",
        "na",
        "n.a.",
        "tbd",
        "tba",
        "tbc",
        "unknown",
        "not known",
        "not recorded",
        "not available",
        "not applicable",
        "not measured",
        "not tracked",
        "unclear",
        "pending",
        "none recorded",
        "?",
        "-",
        "–",
        "—",
        "",
    }
)
_MARKERS = "*_`"
_MARKER_RUN = 8  # at most this many emphasis characters are unwrapped at once
_MARKER_DEPTH = 8  # and at most this many times: nobody nests emphasis deeper


def _unwrap(value: str) -> str:
    """``**TBD**``, ``_n/a_``, `` `unknown` `` without their balanced emphasis markers.

    Bounded work per call (a run of a million stars costs a few string copies), where the
    regular expression it replaces backtracked cubically on long runs.
    """
    value = value.strip()
    for _ in range(_MARKER_DEPTH):
        width = min(_MARKER_RUN, len(value) // 2)
        for k in range(width, 0, -1):
            lead = value[:k]
            if all(char in _MARKERS for char in lead) and value.endswith(lead):
                value = value[k:-k].strip()
                break
        else:
            break
    return value


def _bare(text: str) -> str:
    return _unwrap(text).rstrip(".").strip().lower()


def _without_trailing_note(text: str) -> str:
    """The text without a closing ``(...)`` note: ``TBD (finance)`` -> ``TBD``."""
    body = text.rstrip()
    if not body.endswith(")"):
        return text
    opening = body.rfind("(")
    if opening < 0 or ")" in body[opening + 1 : -1]:
        return text
    return body[:opening].rstrip()


def is_placeholder(text: str) -> bool:
    """True for the template's placeholders: ``[Time]``, ``P0/P1/P2/P3``, ``High/Medium/Low``."""
    value = text.strip()
    return bool(_PLACEHOLDER.match(value)) or value.lower() in _TEMPLATE_CHOICES


def is_unknown(text: str) -> bool:
    """True when the text is a placeholder or says the value is not known (N/A, TBD, ...)."""
    if is_placeholder(text):
        return True
    value = _bare(text)
    if value in UNKNOWN_WORDS:
        return True
    without_note = _bare(_without_trailing_note(text))
    return bool(without_note) and without_note in UNKNOWN_WORDS and without_note != "-"


# --- "there is none" -------------------------------------------------------------------------

# The only entry of a list that says the list has nothing: "None recorded", "n/a", "Nothing yet
# (first time we saw this)". A qualifier may follow the word, and a note after a separator.
_NONE_HEAD = re.compile(
    r"(?:none|nothing|nil|n/a|n\.a\.|na|not applicable)"
    r"(?:\s{1,3}(?:recorded|known|found|identified|noted|observed|reported|listed|needed|required"
    r"|kept|retained|available|exist|applies|for\s{1,3}now"
    r"|this\s{1,3}(?:week|month|quarter|time)"
    r"|planned|applicable|yet|so\s{1,3}far|to\s{1,3}date|at\s{1,3}(?:this\s{1,3}time|present)"
    r"|that\s{1,3}we\s{1,3}(?:know\s{1,3}of|are\s{1,3}aware\s{1,3}of)"
    r"|(?:to|worth)\s{1,3}(?:add|report|note|mention)(?:ing)?))?"
)
_NOTE_AFTER = re.compile(r"\s{0,3}(?:[(:;,–—]|-\s)")
_THERE_IS = re.compile(
    r"(?:there\s{1,3}(?:are|were|is|was|have\s{1,3}been|has\s{1,3}been)\s{1,3})?no\s{1,3}"
)
_WORD = re.compile(r"[\w'’/-]{1,40}")
_NO_WORDS_BEFORE_NOUN = 3  # "No known earlier incidents": at most 3 words before the noun


def says_none(text: str, nouns: tuple[str, ...] = ()) -> bool:
    """True for an entry that says its list has nothing: ``None recorded``, ``N/A``, ``Nothing
    (first occurrence)``, or ``No`` with one of ``nouns`` (``No related incidents``, ``No
    earlier incident with this cause`` for nouns ``("incident", "incidents")``)."""
    value = _bare(text)
    if len(value) > 200:
        return False
    head = _NONE_HEAD.match(value)
    if head is not None:
        rest = value[head.end() :]
        return not rest.strip() or bool(_NOTE_AFTER.match(rest))
    lead = _THERE_IS.match(value)
    if lead is None or not nouns:
        return False
    words = _WORD.findall(value[lead.end() :])[: _NO_WORDS_BEFORE_NOUN + 1]
    return any(word in nouns for word in words)


def unknown_with_note(text: str) -> bool:
    """True for an unknown word with a note after it (``TBD (waiting on the platform team)``):
    not known, but the author said something worth keeping."""
    return is_unknown(text) and not is_placeholder(text) and _bare(text) not in UNKNOWN_WORDS


# "~", "about", "approx." before a value: ignored by the readers of times, durations and numbers.
APPROX = re.compile(r"^\s*+(?:~|≈|approx(?:\.|imately)?|about|around|circa|ca\.)\s*", re.I)


def bare(text: str) -> str:
    """The text without emphasis, a final full stop and case: what word lists are matched on."""
    return _bare(text)
