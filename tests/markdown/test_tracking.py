"""Action items' tracking lines (Status, Type, ID, Tracker) and checklist status in Markdown."""

from __future__ import annotations

from blamefree.domain.enums import ActionStatus, ActionType, TrackerSystem
from blamefree.domain.postmortem import (
    ActionItem,
    ActionItems,
    CheckItem,
    Postmortem,
    PreventionMeasures,
    TrackerLink,
)
from blamefree.markdown.parse import parse
from blamefree.markdown.render import render


def _section(text: str, heading: str, after: str) -> str:
    return text[text.index(heading) : text.index(after)]


def _doc_with(*items: ActionItem) -> Postmortem:
    return Postmortem(action_items=ActionItems(immediate=list(items)))


def test_tracking_lines_render_only_when_they_say_something() -> None:
    doc = _doc_with(
        ActionItem(text="Plain open item", owner="Dana"),
        ActionItem(
            text="Tracked",
            status=ActionStatus.WONT_DO,
            type=ActionType.DETECT,
            id="A-7F3K2Q",
            tracker=TrackerLink(
                system=TrackerSystem.JIRA,
                key="OPS-12",
                url="https://acme.atlassian.net/browse/OPS-12",
            ),
        ),
        ActionItem(text="Finished", done=True, tracker=TrackerLink(system="github", key="#4")),
    )
    text = render(doc)
    assert _section(text, "### Immediate", "### Short-term") == (
        "### Immediate (This Week)\n"
        "- [ ] Plain open item\n"
        "  - **Owner:** Dana\n"
        "  - **Due Date:** [Date]\n"
        "  - **Priority:** High/Medium/Low\n"
        "\n"
        "- [ ] Tracked\n"
        "  - **Owner:** [Name]\n"
        "  - **Due Date:** [Date]\n"
        "  - **Priority:** High/Medium/Low\n"
        "  - **Status:** won't do\n"
        "  - **Type:** detect\n"
        "  - **ID:** A-7F3K2Q\n"
        "  - **Tracker:** Jira [OPS-12](https://acme.atlassian.net/browse/OPS-12)\n"
        "\n"
        "- [x] Finished\n"
        "  - **Owner:** [Name]\n"
        "  - **Due Date:** [Date]\n"
        "  - **Priority:** High/Medium/Low\n"
        "  - **Tracker:** GitHub #4\n"
        "\n"
    )
    assert parse(text) == doc


def test_a_ticked_box_means_done_whatever_the_status_line_says() -> None:
    text = render(_doc_with(ActionItem(text="x", status=ActionStatus.IN_PROGRESS)))
    ticked = text.replace("- [ ] x", "- [x] x")
    item = parse(ticked).action_items.immediate[0]
    assert (item.status, item.done) == (ActionStatus.DONE, True)
    assert item.extra == []


def test_status_lines_written_by_hand_are_read_and_unknown_ones_kept() -> None:
    text = render(_doc_with(ActionItem(text="x"), ActionItem(text="y")))
    text = text.replace(
        "- [ ] x\n  - **Owner:** [Name]\n",
        "- [ ] x\n  - **Owner:** [Name]\n  - Status: Won't Do\n  - ID: a-abc123\n",
    ).replace(
        "- [ ] y\n  - **Owner:** [Name]\n",
        "- [ ] y\n  - **Owner:** [Name]\n  - **Status:** pending review\n",
    )
    x, y = parse(text).action_items.immediate
    assert (x.status, x.done, x.id, x.extra) == (ActionStatus.WONT_DO, False, "A-ABC123", [])
    assert (y.status, y.extra) == (ActionStatus.OPEN, ["**Status:** pending review"])


def test_prevention_measures_keep_their_status() -> None:
    doc = Postmortem(
        prevention_measures=PreventionMeasures(
            technical=[
                CheckItem(text="Validate config", status=ActionStatus.IN_PROGRESS),
                CheckItem(text="Lint pools", status=ActionStatus.DONE),
            ],
            monitoring=[CheckItem(text="Saturation alert", status=ActionStatus.WONT_DO)],
        )
    )
    text = render(doc)
    assert _section(text, "### Technical", "### Process") == (
        "### Technical\n- [ ] Validate config\n  - **Status:** in progress\n- [x] Lint pools\n\n"
    )
    assert "- [ ] Saturation alert\n  - **Status:** won't do\n" in text
    assert parse(text) == doc
