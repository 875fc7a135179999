"""The patcher: a changed document applied to an author's text, one element at a time."""

from __future__ import annotations

import datetime as dt
import difflib
from collections.abc import Callable

from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from blamefree.domain import actions as rules
from blamefree.domain.enums import ActionStatus, Horizon, Priority
from blamefree.domain.postmortem import ActionItem, CheckItem, Postmortem
from blamefree.markdown.parse import parse
from blamefree.markdown.patch import patch, restyle
from blamefree.markdown.render import render
from blamefree.markdown.source import join_source, split_source
from support.strategies import postmortems

TEXT = """\
# Cache stampede on the pricing API

**Incident ID:** PRC-12
**Date:** 2024-02-19
**Severity:** P1

## Timeline

### Detection
- Time: 09:12 UTC
- Detected By: latency SLO burn alert

## Action Items

### Immediate (This Week)
1. [ ] Add request coalescing in front of the cache
   - Owner: N/A
   - Priority: High

2. [x] Lower the cache TTL jitter
   - Owner: Tomasz

## Prevention Measures

### Technical
+ [ ] Load test with a cold cache
+ [ ] Cap concurrent recomputations

## Appendix

### Logs and Evidence
- [Links to relevant logs]
- [Screenshots]

### Related Incidents
- PRC-3, a smaller stampede last spring
"""


def _changed(a: str, b: str) -> tuple[list[str], list[str]]:
    diff = list(difflib.ndiff(a.splitlines(), b.splitlines()))
    return [d[2:] for d in diff if d.startswith("- ")], [d[2:] for d in diff if d.startswith("+ ")]


def _edit_item(doc: Postmortem, index: int, **update: object) -> Postmortem:
    items = doc.action_items.model_copy(deep=True)
    items.immediate[index] = items.immediate[index].model_copy(update=update)
    return doc.model_copy(update={"action_items": items})


def test_a_status_change_flips_one_box_in_an_ordered_list() -> None:
    doc = parse(TEXT)
    changed = _edit_item(doc, 0, status=ActionStatus.DONE, done=True)
    out = patch(TEXT, doc, changed)
    assert parse(out) == changed
    assert _changed(TEXT, out) == (
        ["1. [ ] Add request coalescing in front of the cache"],
        ["1. [x] Add request coalescing in front of the cache"],
    )


def test_a_new_sub_line_follows_the_items_own_style_and_the_unknown_owner_stays() -> None:
    doc = parse(TEXT)
    changed = _edit_item(doc, 0, due_date=dt.date(2024, 2, 23))
    out = patch(TEXT, doc, changed)
    assert parse(out) == changed
    assert _changed(TEXT, out) == ([], ["   - **Due Date:** 2024-02-23"])
    assert "   - Owner: N/A\n   - **Due Date:** 2024-02-23\n   - Priority: High\n" in out


def test_a_value_is_replaced_after_the_label_as_written() -> None:
    doc = parse(TEXT)
    changed = _edit_item(doc, 1, owner="Tomasz Wójcik", priority=Priority.LOW)
    out = patch(TEXT, doc, changed)
    assert parse(out) == changed
    assert _changed(TEXT, out) == (
        ["   - Owner: Tomasz"],
        ["   - Owner: Tomasz Wójcik", "   - **Priority:** Low"],
    )


def test_placeholders_survive_a_change_next_to_them() -> None:
    doc = parse(TEXT)
    appendix = doc.appendix.model_copy(update={"logs_and_evidence": ["Grafana board, 09:00-10:00"]})
    changed = doc.model_copy(update={"appendix": appendix})
    out = patch(TEXT, doc, changed)
    assert parse(out) == changed
    assert "- [Links to relevant logs]\n- [Screenshots]\n- Grafana board, 09:00-10:00\n" in out
    assert _changed(TEXT, out) == ([], ["- Grafana board, 09:00-10:00"])


def test_a_checklist_status_line_is_nested_under_its_item() -> None:
    doc = parse(TEXT)
    measures = doc.prevention_measures.model_copy(deep=True)
    measures.technical[1] = rules.check_with_status(measures.technical[1], ActionStatus.WONT_DO)
    changed = doc.model_copy(update={"prevention_measures": measures})
    out = patch(TEXT, doc, changed)
    assert parse(out) == changed
    assert _changed(TEXT, out) == ([], ["  - **Status:** won't do"])


def test_a_missing_section_is_added_with_only_what_changed() -> None:
    doc = parse(TEXT)
    follow_up = doc.follow_up.model_copy(deep=True)
    follow_up.review_schedule.one_week = dt.date(2024, 2, 26)
    changed = doc.model_copy(update={"follow_up": follow_up})
    out = patch(TEXT, doc, changed)
    assert parse(out) == changed
    assert _changed(TEXT, out) == (
        [],
        ["## Follow-Up", "", "### Review Schedule", "- **1 Week Follow-Up:** 2024-02-26", ""],
    )
    assert "recomputations\n\n## Follow-Up\n\n### Review Schedule\n- **1 Week" in out


def test_line_endings_and_the_byte_order_mark_are_kept() -> None:
    crlf = "\ufeff" + TEXT.replace("\n", "\r\n")
    doc = parse(crlf)
    assert doc == parse(TEXT)
    changed = _edit_item(doc, 1, status=ActionStatus.OPEN, done=False)
    out = patch(crlf, doc, changed)
    assert parse(out) == changed
    assert out.startswith("\ufeff# Cache")
    assert out.count("\r\n") == crlf.count("\r\n") and "\n" not in out.replace("\r\n", "")
    assert out.replace("2. [ ] Lower", "2. [x] Lower") == crlf


def test_a_text_without_a_final_newline_keeps_none() -> None:
    text = TEXT.rstrip("\n")
    doc = parse(text)
    items = doc.action_items.model_copy(deep=True)
    items.long_term.append(ActionItem(text="Move pricing to a read-through cache"))
    changed = doc.model_copy(update={"action_items": items})
    out = patch(text, doc, changed)
    assert parse(out) == changed
    assert not out.endswith("\n") and out.endswith("PRC-3, a smaller stampede last spring")


def test_an_unreadable_base_falls_back_to_the_rendering() -> None:
    doc = parse(TEXT)
    assert patch("# not a post-mortem\n", None, doc) == render(doc)


def test_restyle_moves_canonical_lines_into_the_authors_bullets() -> None:
    lines = ["- [ ] New item", "  - **Owner:** Ana"]
    assert restyle(lines, "* [ ] Sibling") == ["* [ ] New item", "  - **Owner:** Ana"]
    assert restyle(lines, "    * Owner: Tomasz") == ["    * [ ] New item", "      - **Owner:** Ana"]
    assert restyle(lines, "3. [ ] Sibling") == ["- [ ] New item", "  - **Owner:** Ana"]
    assert restyle(lines, None) == lines


# --- properties ---------------------------------------------------------------------------------


@given(
    st.lists(st.sampled_from(["a", "b", " ", "\r\n", "\r", "\n", "\ufeff", "\x0b"]), max_size=30)
)
def test_source_lines_join_back_to_the_same_text(parts: list[str]) -> None:
    text = "".join(parts)
    source = split_source(text)
    assert join_source(source, list(zip(source.lines, source.endings, strict=True))) == text
    assert source.normalised == text.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n")


def _styles(text: str, style: int) -> str:
    """The same document written a little differently, as authors do."""
    if style == 1:
        return text.replace("\n", "\r\n")
    if style == 2:
        return "\ufeff" + text.replace("  - **Owner:** ", "  - Owner: ")
    if style == 3:
        return text.replace("\n- [", "\n* [").replace("\n  - **", "\n  * **")
    return text


Change = Callable[[Postmortem, st.DataObject], Postmortem]


def _status(doc: Postmortem, data: st.DataObject) -> Postmortem:
    items = doc.action_items.model_copy(deep=True)
    lists = [lst for _h, lst in items.by_horizon() if lst]
    assume(lists)
    chosen = data.draw(st.sampled_from(lists))
    index = data.draw(st.integers(0, len(chosen) - 1))
    chosen[index] = rules.with_status(chosen[index], data.draw(st.sampled_from(ActionStatus)))
    return doc.model_copy(update={"action_items": items})


def _owner(doc: Postmortem, data: st.DataObject) -> Postmortem:
    items = doc.action_items.model_copy(deep=True)
    assume(items.immediate)
    items.immediate[0] = items.immediate[0].model_copy(update={"owner": "Rosa Linde"})
    return doc.model_copy(update={"action_items": items})


def _add(doc: Postmortem, data: st.DataObject) -> Postmortem:
    items = doc.action_items.model_copy(deep=True)
    horizon = data.draw(st.sampled_from(Horizon))
    dict(items.by_horizon())[horizon].append(
        ActionItem(text="Rehearse the failover", owner="Rosa Linde", due_date=dt.date(2031, 5, 1))
    )
    return doc.model_copy(update={"action_items": items})


def _move(doc: Postmortem, data: st.DataObject) -> Postmortem:
    items = doc.action_items.model_copy(deep=True)
    assume(items.immediate)
    items.long_term.append(items.immediate.pop(0))
    return doc.model_copy(update={"action_items": items})


def _criterion(doc: Postmortem, data: st.DataObject) -> Postmortem:
    follow_up = doc.follow_up.model_copy(deep=True)
    follow_up.success_criteria.append(CheckItem(text="No repeat within a quarter"))
    return doc.model_copy(update={"follow_up": follow_up})


def _review(doc: Postmortem, data: st.DataObject) -> Postmortem:
    follow_up = doc.follow_up.model_copy(deep=True)
    follow_up.review_schedule.one_month = dt.date(2031, 6, 1)
    follow_up.review_schedule.one_month_text = None
    return doc.model_copy(update={"follow_up": follow_up})


def _events(doc: Postmortem, data: st.DataObject) -> Postmortem:
    timeline = doc.timeline.model_copy(update={"events": doc.timeline.events[:-1]})
    assume(doc.timeline.events)
    return doc.model_copy(update={"timeline": timeline})


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    postmortems,
    st.integers(0, 3),
    st.sampled_from([_status, _owner, _add, _move, _criterion, _review, _events]),
    st.data(),
)
def test_a_patch_reads_back_as_the_changed_document_and_keeps_other_sections(
    doc: Postmortem, style: int, change: Change, data: st.DataObject
) -> None:
    text = _styles(render(doc), style)
    base = parse(text)
    assume(base == doc)
    changed = change(base, data)
    out = patch(text, base, changed, timezone=base.timezone)
    # An entry added to a list that said "None recorded" replaces that statement.
    assert parse(out, timezone=base.timezone) == changed.settled()
    # What no change touched is still there, byte for byte: the Executive Summary and the
    # Sign-Off sections are never part of these changes.
    for heading in ("## Executive Summary", "## Sign-Off"):
        start = text.index(heading)
        end = text.index("---", start)
        assert text[start:end] in out
