"""The linter's line-scanning outline agrees with the parser's markdown-it block tree."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

import pytest

from blamefree.lint.outline import Heading, ListItem, outline
from blamefree.markdown.blocks import Item, Section, content_blocks, parse_blocks

ROOT = Path(__file__).parents[2]
FIXTURES = sorted(
    [
        *(ROOT / "tests" / "data" / "postmortems").glob("*.md"),
        *(ROOT / "tests" / "data" / "lint").glob("*.md"),
        ROOT / "src" / "blamefree" / "data" / "example-postmortem.md",
    ]
)
TRICKY = [
    "# T\n\n## A\nSetext\n---\n- item\n\n## B",
    "# T\n\n## A\n```\n## not a heading\n- not an item\n```\n- item\n  continued\n- two",
    "# T\n\n## A\n- [ ] one\n  - **Owner:** x\n    - deeper\n- [ ] two\nlazy line\n\n  more\n",
    "# T\n\n## A\n<!-- blamefree: ignore BF101 -->\n- one\n\n<!--\n- hidden\n-->\n- two\n",
    "# T\n\nPara\n\n    - indented code\n\n## A\n1. one\n2) two\n10. ten\n* * *\n- after rule",
    "Title\n=====\n\n## A\n\ntext\n## B ##\n- x\n\nnot in list\n- y",
]


def _items(items: list[Item]) -> list[tuple[int, list[object]]]:
    return [(item.line, _items(item.children)) for item in items]


def _our_items(items: list[ListItem]) -> list[tuple[int, list[object]]]:
    return [(item.line, _our_items(item.children)) for item in items]


def _theirs(section: Section) -> list[object]:
    items = [item for block in content_blocks(section) for item in _items(block.items)]
    return [
        (section.level, section.heading, section.line, section.end, items),
        [_theirs(child) for child in section.children],
    ]


def _ours(section: Heading) -> list[object]:
    return [
        (section.level, section.heading, section.line, section.end, _our_items(section.items)),
        [_ours(child) for child in section.children],
    ]


def _same(text: str) -> None:
    _title, title_line, root = parse_blocks(text)
    our_title, our_root = outline(text)
    assert our_title == title_line
    assert _ours(our_root) == _theirs(root)


@pytest.mark.parametrize("path", FIXTURES, ids=lambda path: path.name)
def test_fixture_outlines_agree(path: Path) -> None:
    _same(path.read_text(encoding="utf-8").replace("\r\n", "\n").lstrip("\ufeff"))


def test_template_outline_agrees() -> None:
    _same(resources.files("blamefree").joinpath("spec/postmortem-template.md").read_text("utf-8"))


@pytest.mark.parametrize("text", TRICKY)
def test_tricky_outlines_agree(text: str) -> None:
    _same(text)


def test_item_last_lines_cover_continuations() -> None:
    _title, root = outline(TRICKY[2])
    (first, second) = root.children[0].items
    assert (first.line, first.last, second.line, second.last) == (4, 6, 7, 10)
