"""Hostile post-mortems: long runs of one character (or digits) in every kind of field.

Used by tests/markdown/test_parse_hostile.py in a child process, so that an input that makes the
parser slow shows up as a timeout of that process, not as a timing assertion.
"""

from __future__ import annotations

import os
import string
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

TESTS = Path(__file__).parents[1]


def run_child(code: str, *args: str, timeout: float) -> subprocess.CompletedProcess[str]:
    """``python -c code args`` with the tests' helpers importable, stopped after ``timeout``
    seconds: a slow input fails as a timeout of that process, never as a timing assertion."""
    env = {**os.environ, "PYTHONPATH": str(TESTS)}
    return subprocess.run(
        [sys.executable, "-c", code, *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        env=env,
        check=False,
    )


# One document per kind of field; ``{x}`` is where the hostile run goes.
FIELDS: dict[str, str] = {
    "title": "# {x}\n\n**Date:** 2024-03-12\n\n## Executive Summary\n\n## Timeline\n",
    "header": (
        "# T\n\n**Incident ID:** {x}\n**Date:** 2024-03-12\n**Severity:** P2\n"
        "**Duration:** {x}\n**Impact Start:** {x}\n\n## Executive Summary\n\n## Timeline\n"
    ),
    "date": "# T\n\n**Date:** 2024-03-12 {x}\n\n## Executive Summary\n\n## Timeline\n",
    "severity": "# T\n\n**Severity:** P1 {x}\n\n## Executive Summary\n\n## Timeline\n",
    "zone": "# T\n\n**Time Zone:** {x}\n\nAll times are in {x}\n\n## Summary\n\n## Timeline\n",
    "summary": "# T\n\n## Executive Summary\n\n**What Happened:** {x}\n{x}\n\n## Timeline\n",
    "phase": (
        "# T\n\n**Date:** 2024-03-12\n\n## Summary\n\n## Timeline\n\n### Detection\n"
        "- **Time:** 14:00 {x}\n- **Detected By:** {x}\n\n### Response\n- **Time:** {x}\n"
    ),
    "users": (
        "# T\n\n## Summary\n\n## Impact Assessment\n\n### Users Affected\n"
        "- **Total Users:** {x}\n- **Affected Users:** 12 {x}\n- **Percentage:** {x}%\n\n"
        "### Business Impact\n- **Support Tickets:** {x}\n"
    ),
    "metrics": (
        "# T\n\n## Summary\n\n## Metrics\n\n### Incident Metrics\n- **Detection Time:** {x}\n"
        "- **Total Duration:** 4 {x}\n\n### Performance Impact\n- **Error Rate:** {x} → 1{x} → {x}\n"
    ),
    "action": (
        "# T\n\n**Date:** 2024-03-12\n\n## Summary\n\n## Action Items\n\n### Immediate (This Week)\n"
        "- [ ] {x}\n  - **Owner:** {x}\n  - **Due Date:** {x}\n  - **Priority:** High {x}\n"
        "    - {x}\n"
    ),
    "checklist": (
        "# T\n\n## Summary\n\n## Prevention Measures\n\n### Technical\n- [ ] {x}\n"
        "  - **Status:** {x}\n"
    ),
    "follow_up": (
        "# T\n\n**Date:** 2024-03-12\n\n## Summary\n\n## Follow-Up\n\n### Review Schedule\n"
        "- **1 Week Follow-Up:** {x}\n\n## Sign-Off\n\n**Prepared By:** {x}\n**Date:** {x}\n"
    ),
    "heading": "# T\n\n## Summary\n\n## {x}\n\n## What went {x} / lessons {x}\n\ntext\n",
    "event_log": (
        "# T\n\n## Summary\n\n## Timeline\n\n### Event Log\n\n"
        "| Time (UTC) | Phase | Kind | Actor | Event | Key | Source | As written | Link |\n"
        "|---|---|---|---|---|---|---|---|---|\n"
        "| 2024-03-12 14:00:00Z | detection | custom | {x} | {x} | | manual | {x} | |\n"
    ),
    "plain": "# T\n\n## Summary\n\n{x}\n\n## Timeline\n\n{x}\n",
}
# Every ASCII punctuation character and white space, and digits (a number of any length).
RUN_CHARACTERS = [*string.punctuation, " ", "\t", "0", "7"]
TAILS = ("", "a", "1")


def cases(length: int) -> Iterator[tuple[str, str, str, str]]:
    """(field kind, character, tail, document) for every family at ``length`` characters."""
    for kind, template in FIELDS.items():
        for char in RUN_CHARACTERS:
            for tail in TAILS:
                yield kind, char, tail, template.replace("{x}", char * length + tail)


def main() -> None:
    """Parse every case; print one line per input that raised anything but a parse error."""
    from blamefree.errors import TemplateParseError
    from blamefree.markdown.parse import parse
    from blamefree.markdown.render import render

    length = int(sys.argv[1])
    count = 0
    for kind, char, tail, text in cases(length):
        try:
            render(parse(text, source="hostile.md"))
        except TemplateParseError:
            pass
        except Exception as error:  # reported to the test, which fails on it
            print(f"{kind} {char!r}+{tail!r}: {type(error).__name__}: {str(error)[:200]}")
        count += 1
    print(f"parsed {count}")


if __name__ == "__main__":
    main()
