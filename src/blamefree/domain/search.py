"""Search: the query language read into a typed query, the searchable text of a post-mortem,
and highlighted snippets. Pure: the store translates a `SearchQuery` for its backend.

The syntax (docs/search.md): words, ``"quoted phrases"``, ``-word`` or ``-"phrase"`` to
exclude, and ``field:value`` filters (``severity:P1``, ``owner:ana``, ``section:root_cause``,
``service:``, ``tag:``, ``since:2026-01-01``, ``until:``, ``has:open_actions``). Anything that
cannot be read raises `SearchQueryInvalid` naming the position; nothing else is raised.
"""

from __future__ import annotations

import datetime as dt
import html
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, replace
from typing import Any

from blamefree.domain.enums import Severity
from blamefree.domain.postmortem import Postmortem
from blamefree.errors import SearchQueryInvalid

SECTIONS: tuple[str, ...] = (
    "title",
    "summary",
    "root_cause",
    "impact",
    "timeline",
    "lessons",
    "actions",
    "prevention",
    "follow_up",
    "other",
)
"""The searchable sections, each a column of the index, in rank order (title weighs most)."""

SECTION_LABELS: dict[str, str] = {
    "title": "Title",
    "summary": "Executive summary",
    "root_cause": "Root cause analysis",
    "impact": "Impact assessment",
    "timeline": "Timeline",
    "lessons": "What went well or wrong",
    "actions": "Action items",
    "prevention": "Prevention measures",
    "follow_up": "Follow-up",
    "other": "Other sections",
}

SECTION_WEIGHTS: dict[str, float] = {
    "title": 10.0,
    "summary": 5.0,
    "root_cause": 3.0,
    "impact": 2.0,
    "timeline": 1.0,
    "lessons": 1.0,
    "actions": 1.0,
    "prevention": 1.0,
    "follow_up": 0.5,
    "other": 0.5,
}
"""How much a hit in each section counts (SQLite bm25 weights; PostgreSQL groups them A-D)."""

FILTER_COLUMNS = ("services", "tags")
"""Index columns searched only through ``service:`` and ``tag:``."""

MAX_QUERY_CHARS = 500
MAX_TERMS = 32
MAX_EVENT_CHARS = 1_000_000
"""The timeline's events are indexed up to this many characters (key events first)."""

FIELDS = ("severity", "owner", "section", "service", "tag", "since", "until", "has")
HAS_VALUES = ("open_actions",)

MARK_START = "\x02"
MARK_END = "\x03"
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_WORD = re.compile(r"\w+", re.UNICODE)
_LINE_BREAKS = str.maketrans("\n\r\t", "   ")
_FIELD = re.compile(r"([A-Za-z_]+):")


@dataclass(frozen=True)
class Term:
    """A word, or a phrase (its words in order), as the user wrote it."""

    text: str
    phrase: bool = False

    @property
    def words(self) -> tuple[str, ...]:
        """The term's words (letters and digits), lower case: what both backends index."""
        return tuple(w.lower() for w in _WORD.findall(self.text))


@dataclass(frozen=True)
class SearchFilters:
    """What narrows the results besides the words; empty means no restriction."""

    severities: frozenset[Severity] = frozenset()
    owners: tuple[str, ...] = ()
    sections: tuple[str, ...] = ()
    services: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    since: dt.date | None = None
    until: dt.date | None = None
    open_actions: bool | None = None

    def merged(self, other: SearchFilters) -> SearchFilters:
        """Both sets of filters at once (a query's and a form's or command line's)."""
        if self.since and other.since:
            since: dt.date | None = max(self.since, other.since)
        else:
            since = self.since or other.since
        if self.until and other.until:
            until: dt.date | None = min(self.until, other.until)
        else:
            until = self.until or other.until
        severities = (
            self.severities & other.severities
            if self.severities and other.severities
            else self.severities | other.severities
        )
        return SearchFilters(
            severities=severities,
            owners=_unique(self.owners + other.owners),
            sections=_unique(self.sections + other.sections),
            services=_unique(self.services + other.services),
            tags=_unique(self.tags + other.tags),
            since=since,
            until=until,
            open_actions=other.open_actions
            if other.open_actions is not None
            else self.open_actions,
        )


@dataclass(frozen=True)
class SearchQuery:
    """A typed search: words and phrases that must all match, ones that must not, filters."""

    terms: tuple[Term, ...] = ()
    excluded: tuple[Term, ...] = ()
    filters: SearchFilters = field(default_factory=SearchFilters)
    text: str = ""

    @property
    def has_text(self) -> bool:
        """Whether any word must match (else the results are every post-mortem the filters
        let through, newest first)."""
        return bool(self.terms)

    def with_filters(self, filters: SearchFilters) -> SearchQuery:
        """This query narrowed by more filters."""
        return replace(self, filters=self.filters.merged(filters))


def _unique(values: Iterable[str]) -> tuple[str, ...]:
    seen: dict[str, None] = {}
    for value in values:
        seen.setdefault(value, None)
    return tuple(seen)


# --- parsing -------------------------------------------------------------------------------


def _error(message: str, position: int) -> SearchQueryInvalid:
    return SearchQueryInvalid(message, position=position + 1)


def _tokens(text: str) -> Iterator[tuple[int, bool, str | None, str, bool]]:
    """(position, negated, field, value, quoted) for each token of the query."""
    i, n = 0, len(text)
    while i < n:
        if text[i].isspace():
            i += 1
            continue
        start = i
        negated = False
        if text[i] == "-" and i + 1 < n and not text[i + 1].isspace():
            negated = True
            i += 1
        name: str | None = None
        matched = _FIELD.match(text, i)
        if matched and matched.end() <= n:
            name = matched.group(1).lower()
            i = matched.end()
        if i < n and text[i] == '"':
            close = text.find('"', i + 1)
            if close < 0:
                raise _error("a quote is opened here and never closed", i)
            yield start, negated, name, text[i + 1 : close], True
            i = close + 1
            continue
        end = i
        while end < n and not text[end].isspace():
            end += 1
        yield start, negated, name, text[i:end], False
        i = end


def _date(value: str, name: str, position: int) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise _error(f"{name}: wants a date as YYYY-MM-DD, not {value!r}", position) from None


def _values(value: str) -> list[str]:
    return [v.strip() for v in value.split(",") if v.strip()]


class _Collected:
    """Filters gathered while a query (or a form's fields) is read."""

    def __init__(self) -> None:
        self.severities: set[Severity] = set()
        self.lists: dict[str, list[str]] = {"owner": [], "section": [], "service": [], "tag": []}
        self.since: dt.date | None = None
        self.until: dt.date | None = None
        self.open_actions: bool | None = None

    def add(self, name: str, value: str, position: int, *, quoted: bool = False) -> None:
        """Take one ``name:value``; `SearchQueryInvalid` if the value does not fit."""
        if not value.strip():
            raise _error(f"{name}: needs a value", position)
        values = [value.strip()] if quoted else _values(value)
        if name == "severity":
            for one in values:
                try:
                    self.severities.add(Severity(one.upper()))
                except ValueError:
                    raise _error(
                        f"severity: is one of P0, P1, P2, P3, not {one!r}", position
                    ) from None
        elif name == "section":
            for one in values:
                if one.lower() not in SECTIONS:
                    raise _error(f"section: is one of {', '.join(SECTIONS)}, not {one!r}", position)
                self.lists["section"].append(one.lower())
        elif name in ("since", "until"):
            setattr(self, name, _date(value.strip(), name, position))
        elif name == "has":
            if value.strip().lower().replace("-", "_") not in HAS_VALUES:
                raise _error(f"has: is one of {', '.join(HAS_VALUES)}, not {value!r}", position)
            self.open_actions = True
        else:
            for one in values:
                if name in ("service", "tag") and not Term(one).words:
                    raise _error(f"{name}: needs a name with a letter or digit", position)
                self.lists[name].append(one)

    def filters(self) -> SearchFilters:
        if self.since and self.until and self.since > self.until:
            raise SearchQueryInvalid(
                f"since: {self.since} is after until: {self.until}", position=1
            )
        return SearchFilters(
            severities=frozenset(self.severities),
            owners=_unique(self.lists["owner"]),
            sections=_unique(self.lists["section"]),
            services=_unique(self.lists["service"]),
            tags=_unique(self.lists["tag"]),
            since=self.since,
            until=self.until,
            open_actions=self.open_actions,
        )


def parse_query(text: str) -> SearchQuery:
    """The typed query of a search box's text; `SearchQueryInvalid` says what and where."""
    if not isinstance(text, str):
        raise SearchQueryInvalid("a search query must be text", position=1)
    text = _CONTROL.sub(" ", text)
    if len(text) > MAX_QUERY_CHARS:
        raise _error(f"a search query is at most {MAX_QUERY_CHARS} characters", MAX_QUERY_CHARS)
    terms: list[Term] = []
    excluded: list[Term] = []
    collected = _Collected()
    for position, negated, name, value, quoted in _tokens(text):
        if name is None:
            term = Term(value, phrase=quoted)
            if not term.words:
                continue  # punctuation only: nothing either backend could match
            (excluded if negated else terms).append(term)
            if len(terms) + len(excluded) > MAX_TERMS:
                raise _error(f"a search query has at most {MAX_TERMS} words and phrases", position)
            continue
        if name not in FIELDS:
            # Text with a colon is searched when quoted: "http://example.com".
            raise _error(f"unknown field {name!r}; known fields: {', '.join(FIELDS)}", position)
        if negated:
            raise _error(f"a field cannot be excluded: -{name}:", position)
        collected.add(name, value, position, quoted=quoted)
    return SearchQuery(
        terms=tuple(terms), excluded=tuple(excluded), filters=collected.filters(), text=text
    )


def make_filters(
    *,
    severity: Iterable[str] = (),
    owner: Iterable[str] = (),
    section: Iterable[str] = (),
    service: Iterable[str] = (),
    tag: Iterable[str] = (),
    since: str | dt.date | None = None,
    until: str | dt.date | None = None,
    open_actions: bool | None = None,
) -> SearchFilters:
    """Filters given as separate fields (command-line options, form and URL parameters), read
    with the rules of the query's ``field:value``; `SearchQueryInvalid` names the field."""
    collected = _Collected()
    given: list[tuple[str, Iterable[str]]] = [
        ("severity", severity),
        ("owner", owner),
        ("section", section),
        ("service", service),
        ("tag", tag),
    ]
    for name, values in given:
        for value in values:
            if value.strip():
                collected.add(name, value, 0, quoted=name in ("owner", "service", "tag"))
    for name, day in (("since", since), ("until", until)):
        if isinstance(day, dt.date):
            setattr(collected, name, day)
        elif day:
            collected.add(name, day, 0)
    filters = collected.filters()
    return replace(filters, open_actions=open_actions)


# --- what a post-mortem offers to search --------------------------------------------------

_SKIPPED_KEYS = frozenset({"status", "type", "system", "phase", "kind", "url", "id", "level"})


def clean(text: str) -> str:
    """Text fit for the index: control characters (the snippet marks among them) removed."""
    return _CONTROL.sub(" ", text)


def _strings(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        if value.strip():
            yield value
    elif isinstance(value, dict):
        for key, item in value.items():
            if key not in _SKIPPED_KEYS:
                yield from _strings(item)
    elif isinstance(value, list | tuple):
        for item in value:
            yield from _strings(item)


def _joined(*parts: Any) -> str:
    lines = _unique(line for part in parts for line in _strings(part))
    return clean("\n".join(lines))


def search_sections(doc: Postmortem, events: Iterable[str] = ()) -> dict[str, str]:
    """The text of each searchable section of a post-mortem (`SECTIONS`), plus the
    ``services`` and ``tags`` filter columns; ``events`` are the timeline events' texts."""
    data = doc.model_dump(mode="json", by_alias=True)
    timeline = dict(data["timeline"])
    timeline.pop("events", None)
    other = [
        data.get("incident_id"),
        data["metrics"],
        data["appendix"],
        data["sign_off"],
        data["extra_sections"],
    ]
    sections = {
        "title": _joined(data.get("title")),
        "summary": _joined(data["executive_summary"]),
        "root_cause": _joined(data["root_cause_analysis"]),
        "impact": _joined(data["impact_assessment"]),
        "timeline": _joined(timeline) + "\n" + clean("\n".join(events)),
        "lessons": _joined(data["what_went_well"], data["what_went_wrong"]),
        "actions": _joined(data["action_items"]),
        "prevention": _joined(data["prevention_measures"]),
        "follow_up": _joined(data["follow_up"]),
        "other": _joined(*other),
        # Post-mortems name no services or tags yet (issue 12): ``service:`` reads the
        # features the impact assessment lists; ``tag:`` has nothing to match until tags exist.
        "services": _joined(data["impact_assessment"].get("features_affected", [])),
        "tags": "",
    }
    sections["timeline"] = sections["timeline"].strip()
    return sections


def event_line(actor: str | None, text: str) -> str:
    """How one timeline event reads in the index."""
    return f"{actor}: {text}" if actor else text


# --- snippets ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Segment:
    """A piece of a snippet, highlighted where it matched the query."""

    text: str
    hit: bool = False


@dataclass(frozen=True)
class Snippet:
    """A short passage of one section with the matched words marked."""

    section: str
    segments: tuple[Segment, ...]

    @property
    def text(self) -> str:
        """The passage as plain text."""
        return "".join(s.text for s in self.segments)

    @property
    def hits(self) -> int:
        """How many highlighted pieces it has."""
        return sum(1 for s in self.segments if s.hit)

    @property
    def html(self) -> str:
        """The passage as HTML: every character of the text escaped, hits in ``<mark>``."""
        return "".join(
            f"<mark>{html.escape(s.text)}</mark>" if s.hit else html.escape(s.text)
            for s in self.segments
        )


def snippet_of(section: str, marked: str) -> Snippet:
    """A snippet from a backend's passage where `MARK_START` / `MARK_END` surround hits."""
    segments: list[Segment] = []
    hit = False
    for piece in re.split(f"([{MARK_START}{MARK_END}])", marked):
        if piece == MARK_START:
            hit = True
        elif piece == MARK_END:
            hit = False
        elif piece:
            # The section's line breaks read as spaces in a one-line passage.
            segments.append(Segment(piece.translate(_LINE_BREAKS), hit))
    return Snippet(section, tuple(segments))


def best_snippet(candidates: Iterable[Snippet]) -> Snippet | None:
    """The snippet with the most hits; ties go to the section that weighs most. The title is
    shown above every result, so it is the passage only when nothing else matched."""
    best: Snippet | None = None
    title: Snippet | None = None
    for candidate in candidates:
        if candidate.hits == 0:
            continue
        if candidate.section == "title":
            title = candidate
        elif best is None or candidate.hits > best.hits:
            best = candidate
    return best or title


# --- results -------------------------------------------------------------------------------


@dataclass(frozen=True)
class SearchHit:
    """One post-mortem found: what the list shows of it, its rank score and best passage."""

    incident_id: str
    title: str | None
    severity: Severity | None
    date: dt.date | None
    score: float | None
    snippet: Snippet | None


@dataclass(frozen=True)
class SearchPage:
    """One page of results, best first; ``total`` counts every match of the query."""

    query: SearchQuery
    hits: tuple[SearchHit, ...]
    total: int
    offset: int
    limit: int

    @property
    def has_more(self) -> bool:
        """Whether a later page holds more results."""
        return self.offset + len(self.hits) < self.total
