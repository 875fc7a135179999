"""domain.search: the query language, the searchable text and snippets, without a database."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from blamefree.domain.enums import Severity
from blamefree.domain.postmortem import ActionItem, ActionItems, ExecutiveSummary, Postmortem
from blamefree.domain.search import (
    MARK_END,
    MARK_START,
    SearchFilters,
    Term,
    make_filters,
    parse_query,
    search_sections,
    snippet_of,
)
from blamefree.errors import SearchQueryInvalid


def test_words_phrases_and_exclusions() -> None:
    query = parse_query('pool "connection reset" -staging -"dry run"')
    assert query.terms == (Term("pool"), Term("connection reset", phrase=True))
    assert query.excluded == (Term("staging"), Term("dry run", phrase=True))
    assert query.filters == SearchFilters()


def test_fields() -> None:
    query = parse_query(
        'severity:P1,p2 owner:ana owner:"Bo Li" section:root_cause,summary service:checkout '
        "tag:db since:2026-01-01 until:2026-06-30 has:open-actions disk"
    )
    assert query.terms == (Term("disk"),)
    assert query.filters == SearchFilters(
        severities=frozenset({Severity.P1, Severity.P2}),
        owners=("ana", "Bo Li"),
        sections=("root_cause", "summary"),
        services=("checkout",),
        tags=("db",),
        since=dt.date(2026, 1, 1),
        until=dt.date(2026, 6, 30),
        open_actions=True,
    )


def test_words_are_the_letters_and_digits_both_backends_index() -> None:
    assert Term("Kafka-broker's").words == ("kafka", "broker", "s")
    assert Term('say "hi" OR NEAR(x)').words == ("say", "hi", "or", "near", "x")
    # Punctuation alone is nothing to search, and is dropped rather than refused.
    assert parse_query("-- && ||").terms == ()
    # A time is no field: digits are never a field name.
    assert parse_query("10:32").terms == (Term("10:32"),)


@pytest.mark.parametrize(
    ("text", "message", "position"),
    [
        ('pool "unclosed', "a quote is opened here and never closed", 6),
        ("foo:bar", "unknown field 'foo'", 1),
        ("x severity:P9", "severity: is one of P0, P1, P2, P3, not 'P9'", 3),
        ("section:nowhere", "section: is one of title, summary", 1),
        ("since:yesterday", "since: wants a date as YYYY-MM-DD", 1),
        ("owner:", "owner: needs a value", 1),
        ("-severity:P1", "a field cannot be excluded", 1),
        ("has:beer", "has: is one of open_actions", 1),
        ("since:2026-02-01 until:2026-01-01", "since: 2026-02-01 is after until: 2026-01-01", 1),
        ("service:--", "service: needs a name with a letter or digit", 1),
        ("x" * 501, "at most 500 characters", 501),
    ],
)
def test_what_cannot_be_read_says_what_and_where(text: str, message: str, position: int) -> None:
    with pytest.raises(SearchQueryInvalid) as raised:
        parse_query(text)
    assert message in raised.value.message
    assert raised.value.position == position
    assert raised.value.exit_code == 3
    assert raised.value.http_status == 422


@given(st.text(max_size=600))
def test_no_input_raises_anything_but_a_typed_error(text: str) -> None:
    try:
        query = parse_query(text)
    except SearchQueryInvalid as error:
        assert error.position >= 1
        return
    for term in query.terms + query.excluded:
        assert term.words  # every term kept has something to match
        assert all(word.isalnum() or "_" in word for word in term.words)


@given(st.lists(st.sampled_from(["a", '"', "-", ":", "severity", "P1", " ", "x:", "owner"])))
def test_query_fragments_raise_only_typed_errors(parts: list[str]) -> None:
    text = "".join(parts)
    try:
        query = parse_query(text)
    except SearchQueryInvalid as error:
        assert 1 <= error.position <= len(text) + 1
        return
    assert query.text == text


def test_filters_from_separate_fields_follow_the_query_rules() -> None:
    filters = make_filters(severity=["p0"], owner=["Ana Lima"], since="2026-03-01")
    assert filters.severities == frozenset({Severity.P0})
    assert filters.owners == ("Ana Lima",)
    assert filters.since == dt.date(2026, 3, 1)
    with pytest.raises(SearchQueryInvalid, match="section: is one of"):
        make_filters(section=["nowhere"])
    merged = parse_query("severity:P1,P2").with_filters(make_filters(severity=["P2", "P3"]))
    assert merged.filters.severities == frozenset({Severity.P2})


def test_every_section_of_the_document_is_searchable() -> None:
    doc = Postmortem(
        incident_id="INC-1",
        title="Pool exhausted",
        executive_summary=ExecutiveSummary(what_happened="Checkout \x02failed\x03"),
        action_items=ActionItems(immediate=[ActionItem(text="Raise pool", owner="Ana")]),
    )
    sections = search_sections(doc, ["Dana: paged"])
    assert sections["title"] == "Pool exhausted"
    assert sections["other"].startswith("INC-1")
    assert sections["summary"] == "Checkout  failed "  # the snippet marks can never be text
    assert sections["actions"] == "Raise pool\nAna"
    assert sections["timeline"].endswith("Dana: paged")


def test_a_snippet_escapes_everything_and_marks_only_the_hits() -> None:
    marked = f'<img src=x onerror="alert(1)"> {MARK_START}pool{MARK_END} & <b>more</b>\n'
    snippet = snippet_of("summary", marked)
    assert snippet.html == (
        "&lt;img src=x onerror=&quot;alert(1)&quot;&gt; <mark>pool</mark> "
        "&amp; &lt;b&gt;more&lt;/b&gt; "
    )
    assert snippet.text == '<img src=x onerror="alert(1)"> pool & <b>more</b> '
    assert snippet.hits == 1
