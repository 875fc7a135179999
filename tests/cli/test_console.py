"""The console every command prints through, on a real (forced) colour terminal."""

import io
import re

from rich.table import Table
from rich.text import Text

from blamefree.cli.console import SafeConsole, line, plain
from blamefree.terminal import json_text, visible

SGR = re.compile(r"\x1b\[[0-9;]*m")  # Rich's own colours: the only escapes allowed out


def _terminal() -> tuple[SafeConsole, io.StringIO]:
    buffer = io.StringIO()
    console = SafeConsole(file=buffer, force_terminal=True, color_system="truecolor", width=120)
    return console, buffer


def _leftover_controls(text: str) -> list[str]:
    rest = SGR.sub("", text)
    return sorted({c for c in rest if c != "\n" and (ord(c) < 0x20 or 0x7F <= ord(c) < 0xA0)})


def test_markup_in_strings_tables_and_titles_prints_as_written() -> None:
    console, buffer = _terminal()
    table = Table(title="Owner [b]bold?[/b]")
    table.add_column("[red]column[/]")
    table.add_row("[/nope] closing tag", "[link=https://example.invalid]link[/link]")
    console.print(table)
    console.print("Emoji :thumbs_up: and [dim]dim[/dim]")
    out = SGR.sub("", buffer.getvalue())
    for literal in (
        "Owner [b]bold?[/b]",
        "[red]column[/]",
        "[/nope] closing tag",
        "[link=https://example.invalid]link[/link]",
        ":thumbs_up:",
        "[dim]dim[/dim]",
    ):
        assert literal in out
    assert "\x1b]8;" not in buffer.getvalue()  # no hyperlink was made


def test_control_characters_are_shown_not_sent_even_in_text_built_by_hand() -> None:
    console, buffer = _terminal()
    hostile = "a\x1b]0;title\x07b\x1b[2Jc\x9b31md\re\u202ef"
    console.print(hostile)
    console.print(Text(hostile, style="bold"))  # a Text that skipped plain(): still safe
    console.print(plain(hostile, "green"))
    console.print(line("x ", (hostile, "red"), " y"))
    table = Table()
    table.add_column("c")
    table.add_row(Text(hostile))
    console.print(table)
    out = buffer.getvalue()
    assert _leftover_controls(out) == []
    assert "\u202e" not in out
    # Strings, plain() and line() show every character; a hand-made Text loses what Rich itself
    # strips (BEL, CR) and may be cut in a table, but sends no control either.
    assert out.count("a\\x1b]0;title\\x07b\\x1b[2Jc\\x9b31md\\x0de\\u202ef") == 3
    assert "\\u202ef" in out


def test_visible_keeps_newlines_and_tabs_unless_one_line() -> None:
    assert visible("a\tb\nc\x00") == "a\tb\nc\\x00"
    assert visible("a\tb\nc", one_line=True) == "a\\x09b\\x0ac"
    assert visible("plain ünïcode 日本") == "plain ünïcode 日本"


def test_json_text_escapes_what_the_encoder_leaves_raw() -> None:
    assert json_text('"a\x85b\u202ec\x7fd"') == '"a\\u0085b\\u202ec\\u007fd"'
    assert json_text('"ünïcode"') == '"ünïcode"'
