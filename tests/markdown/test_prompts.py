"""drop_filled_prompts: a list's template prompts go when it gets its first entry, nothing else."""

from __future__ import annotations

import datetime as dt

from blamefree.domain.postmortem import ActionItem, Postmortem
from blamefree.markdown.parse import parse
from blamefree.markdown.patch import patch
from blamefree.markdown.prompts import drop_filled_prompts
from blamefree.markdown.render import render
from blamefree.services.postmortems import new_postmortem

DRAFT = new_postmortem(
    title="Queue backlog", severity=None, incident_id="INC-7", today=dt.date(2026, 11, 20)
)
PROMPTED = render(DRAFT, prompts=True)


def _with(doc: Postmortem, *, factors: list[str], immediate: list[str]) -> Postmortem:
    rca = doc.root_cause_analysis.model_copy(update={"contributing_factors": factors})
    items = doc.action_items.model_copy(
        update={"immediate": [ActionItem(text=text) for text in immediate]}
    )
    return doc.model_copy(update={"root_cause_analysis": rca, "action_items": items})


def test_the_first_entries_replace_their_lists_prompts() -> None:
    changed = _with(DRAFT, factors=["No alert on queue depth"], immediate=["Alert on depth"])
    out = drop_filled_prompts(patch(PROMPTED, DRAFT, changed), PROMPTED)
    assert parse(out) == changed
    assert "### Contributing Factors\n1. No alert on queue depth\n\n### Why It Happened" in out
    assert "### Immediate (This Week)\n- [ ] Alert on depth\n" in out
    assert "[Action item 1]" not in out and "[Factor 1]" not in out
    assert "[Action item 3]" in out  # short-term got nothing: its prompt stays
    assert "- [ ] [Technical prevention measure 1]" in out


def test_a_list_that_had_entries_keeps_every_line() -> None:
    text = PROMPTED.replace("1. [Factor 1]", "1. Consumers were scaled down")
    before = parse(text)
    changed = _with(before, factors=["Consumers were scaled down", "No alert"], immediate=[])
    patched = patch(text, before, changed)
    assert drop_filled_prompts(patched, text) == patched


def test_an_authors_words_for_nothing_are_not_prompts() -> None:
    text = PROMPTED.replace("1. [Factor 1]\n2. [Factor 2]\n3. [Factor 3]", "1. None recorded")
    before = parse(text)
    changed = _with(before, factors=["No alert"], immediate=[])
    patched = patch(text, before, changed)
    assert drop_filled_prompts(patched, text) == patched
