"""BF308: Tracker lines outside the reference grammar are shown where they are written."""

from __future__ import annotations

from pathlib import Path

from blamefree.lint.api import RULES, lint_text

HOSTILE = Path(__file__).parent.parent / "data" / "hostile" / "outbound" / "tracker-links.md"


def test_every_refused_tracker_line_is_a_finding_on_its_line() -> None:
    text = HOSTILE.read_text(encoding="utf-8")
    lines = text.split("\n")
    found = [f for f in lint_text(text, source="links.md") if f.rule == "BF308"]
    # 16 items: three follow the grammar; PAYROLL-12 and rival-org/secret-plans#4 do too (they
    # are refused by pull only because another project / repository is configured).
    assert len(found) == 11
    assert all("**Tracker:**" in lines[f.line - 1] for f in found)
    assert all(f.field and f.field.endswith(".tracker") for f in found)
    assert found[0].message.startswith(
        "Tracker line '../../../../rest/auth/1/session' is not a Jira issue key"
    )
    assert RULES["BF308"].category == "consistency.tracker-link"
    keys = {lines[f.line - 1].split("**Tracker:**")[1].strip() for f in found}
    assert "Jira OPS-5" not in keys
    assert "GitHub #9" not in keys
    assert "Jira PAYROLL-12" not in keys
