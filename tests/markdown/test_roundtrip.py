from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from blamefree.domain.postmortem import ActionItem, Postmortem
from blamefree.markdown.parse import parse
from blamefree.markdown.render import render
from support.strategies import postmortems, undated_postmortems, word_text


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(postmortems)
def test_parse_of_render_is_identity(doc: Postmortem) -> None:
    text = render(doc)
    assert parse(text) == doc
    assert render(parse(text)) == text


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(undated_postmortems())
def test_documents_without_a_date_keep_their_times(doc: Postmortem) -> None:
    text = render(doc)
    assert "**Date:** [Date]" in text
    assert parse(text) == doc
    assert render(parse(text)) == text


def _indent_action_items(text: str, width: int, note: str | None) -> str:
    """The Action Items section with its sub-bullets indented ``width`` spaces, and a note
    nested under the first Owner line."""
    head, marker, rest = text.partition("\n## Action Items\n")
    section, end, tail = rest.partition("\n## Prevention Measures\n")
    lines: list[str] = []
    placeholder = False
    for line in section.split("\n"):
        spaces = len(line) - len(line.lstrip(" "))
        if spaces:
            line = " " * (spaces // 2 * width) + line.lstrip(" ")
        elif line.startswith("- "):
            placeholder = line.startswith("- [ ] [Action item ")
        lines.append(line)
        if note is not None and not placeholder and line.lstrip().startswith("- **Owner:**"):
            lines.append(" " * (width * 2) + f"- {note}")
            note = None
    return head + marker + "\n".join(lines) + end + tail


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(postmortems, st.sampled_from([2, 4]), st.none() | word_text)
def test_indented_and_nested_sub_bullets_under_action_items(
    doc: Postmortem, width: int, note: str | None
) -> None:
    text = _indent_action_items(render(doc), width, note)
    expected = doc
    items = doc.action_items.all()
    if note is not None and items:
        first = items[0]
        horizon = next(name for name, group in _horizons(doc) if group and group[0] is first)
        moved = [
            first.model_copy(update={"extra": [note, *first.extra]}),
            *getattr(doc.action_items, horizon)[1:],
        ]
        expected = doc.model_copy(
            update={"action_items": doc.action_items.model_copy(update={horizon: moved})}
        )
    parsed = parse(text)
    assert parsed == expected
    assert parse(render(parsed)) == parsed


def _horizons(doc: Postmortem) -> list[tuple[str, list[ActionItem]]]:
    items = doc.action_items
    return [
        ("immediate", items.immediate),
        ("short_term", items.short_term),
        ("long_term", items.long_term),
    ]
