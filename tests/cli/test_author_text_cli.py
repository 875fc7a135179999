"""Through the CLI: `export` gives the stored bytes, `lint ID` agrees with `lint FILE`."""

from __future__ import annotations

import json
from pathlib import Path

from support.cli import Invoke

ROOT = Path(__file__).parents[2]


def test_export_writes_the_file_back_byte_for_byte(cli: Invoke, tmp_path: Path) -> None:
    example = (ROOT / "src/blamefree/data/example-postmortem.md").read_text("utf-8")
    path = tmp_path / "windows.md"
    path.write_bytes(("\ufeff" + example.replace("\n", "\r\n")).encode("utf-8"))
    assert cli("import", str(path)).exit_code == 0
    out = tmp_path / "out.md"
    assert cli("export", "INC-2024-0142", "--no-base", "-o", str(out)).exit_code == 0
    assert out.read_bytes() == path.read_bytes()
    # (the test runner reads stdout with universal newlines; the file above has the bytes)
    assert cli("export", "INC-2024-0142", "--no-base").stdout == "\ufeff" + example
    # By default the one line naming the version comes first (after the BOM, in CRLF), and
    # everything after it is the author's bytes.
    assert cli("export", "INC-2024-0142", "-o", str(out)).exit_code == 0
    marker = "<!-- blamefree: INC-2024-0142 version 1 (keep this line: updates from this file merge safely) -->"
    assert out.read_bytes() == ("\ufeff" + marker + "\r\n").encode() + path.read_bytes()[3:]
    rendered = cli("render", "INC-2024-0142").stdout
    assert "\r" not in rendered and not rendered.startswith("\ufeff")  # render is canonical


def test_lint_id_and_lint_file_print_the_same_findings(cli: Invoke, tmp_path: Path) -> None:
    path = ROOT / "tests" / "data" / "lint" / "filled-postmortem.md"
    assert cli("import", str(path)).exit_code == 0
    by_file = json.loads(cli("lint", str(path), "--format", "json").stdout)
    by_id = json.loads(cli("lint", "INC-2024-0311", "--format", "json").stdout)
    assert by_file, "the filled post-mortem has findings to compare"
    keys = ("rule", "line", "column", "end_line", "end_column", "message", "field")
    assert [[f[k] for k in keys] for f in by_id] == [[f[k] for k in keys] for f in by_file]
