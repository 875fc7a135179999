"""How a revision's Markdown shows an event log too long to list in full.

A post-mortem's events live in the store (``timeline_events``); each saved version also keeps
its Markdown. Up to `EVENT_LOG_ROWS` events and `EVENT_LOG_CHARS` characters of their text the
Markdown's ``### Event Log`` table lists every event, exactly as a save renders it. Past that
(an import of a whole chat workspace, say) the table lists only the first `SUMMARY_HEAD` events,
the events that fill the phase blocks and the earliest key events (at most `SUMMARY_ROWS` rows
and `SUMMARY_CHARS` characters of key events), and a note under it says how many events there
are and where to read them all, so the phase blocks, the impact start and the metrics read
from the Markdown are the same.
"""

from __future__ import annotations

from blamefree.domain.timeline import TimelineEvent
from blamefree.markdown.events import render_event_log

EVENT_LOG_ROWS = 10_000
"""Event logs up to this many events are listed in full in a revision's Markdown ..."""

EVENT_LOG_CHARS = 4 * 1024 * 1024
"""... as long as their text adds up to no more than this many characters."""

SUMMARY_HEAD = 20
"""A summarised event log lists the first this many events ..."""

SUMMARY_ROWS = 1_000
"""... and at most this many key events ..."""

SUMMARY_CHARS = 1024 * 1024
"""... and at most this many characters of their text."""

NOTE_START = "_Event log summarised:"


def summary_note(*, shown: int, total: int) -> str:
    """The line under a summarised Event Log table."""
    return (
        f"{NOTE_START} {shown:,} of {total:,} events are listed (the first ones, those that "
        "fill the phase blocks and the earliest key events); the store keeps all of them: "
        "`blamefree timeline list ID` shows them._"
    )


def summarise(markdown: str, *, shown: list[TimelineEvent], total: int) -> str:
    """The rendered document with the summary note placed right under its Event Log table."""
    note = summary_note(shown=len(shown), total=total)
    table = "\n".join(render_event_log(shown))
    if table and table in markdown:
        return markdown.replace(table, f"{table}\n\n{note}", 1)
    return f"{markdown.rstrip()}\n\n{note}\n"  # not reached: the log always lists its start
