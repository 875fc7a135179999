"""Parse and lint time on hostile post-mortems: long runs of one character in every kind of field.

Run: .venv/bin/python bench/adversarial.py [--sizes 1000,8000,30000,1000000] [--profile CASE]

Each case is the filled example post-mortem (src/blamefree/data/example-postmortem.md, with a
table added) where one field gets a run of a single character, then ``x`` (a run that ends in
the middle of a pattern is where backtracking regexes go quadratic). The characters: every ASCII
punctuation character, space and tab. The fields: the title, the Severity, Duration and Impact
Start header lines, a timeline Time line and Key Findings line, an action item and its Owner
line, a table cell, a free-text section's line, a paragraph of its own (one line), and a
paragraph of its own wrapped at 80 columns (so that a 1 MB run is 12,500 lines that are all
matched, none over the linter's line limit).

Sizes: 1 KB, 8 KB (the longest run that stays under `LINE_MAX` on one line, so every pattern
reads it), 30 KB (over the limit on one line: BF401 instead) and 1 MB. Every field and character
runs at the smaller sizes; at 1 MB the wrapped paragraph runs for every character, and every
other field for the character that was slowest in it at the size before, with a 1 MB paragraph
of ordinary prose.

Times are CPU seconds of this process (``time.process_time``: the machine is shared, and wall
time on a loaded machine measures the neighbours). Each case is timed as ``parse`` alone and as
``lint_text`` (which parses, as ``blamefree lint``
does); the lint time is the case's time. Baseline, measured in the same run: the same document
with ordinary prose of the same size (sentences about the incident) in the free-text field and
in the wrapped paragraph; the slower of the two counts.

Targets:
- ``adversarial_worst_ms_per_kb``: the slowest case at 8 KB or more, in milliseconds per KB of
  document, at most four times the baseline's milliseconds per KB at the same size. Linear work
  costs a few microseconds per token whatever the text, but a run of punctuation is a token per
  character, four to five times as many tokens per KB as prose, so a linear linter stays within
  about three times prose on it (2.5 times at 1 MB, measured). A quadratic pattern costs a factor
  of the run's length more: before the linter was linear, 80 times prose at 1 KB already, and
  hours for 30 KB of spaces. Four times the baseline leaves room for a loaded machine's noise
  and is far below what any superlinear case costs at these sizes. The 1 KB tier is shown, not
  gated: fixed costs (the 6 KB document around the run) dominate it.
- ``adversarial_1mb_worst_s``: a 1 MB document of any content parses and lints in under 2 s.
"""

from __future__ import annotations

import argparse
import contextlib
import cProfile
import pstats
import string
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from blamefree.errors import TemplateParseError
from blamefree.lint.api import lint_text
from blamefree.markdown.parse import parse

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "src" / "blamefree" / "data" / "example-postmortem.md"
TARGET_1MB_SECONDS = 2.0
TARGET_FACTOR = 4.0  # the worst case against ordinary prose of the same size, per KB
RETIMED = 10  # the slowest cases of each size, timed again
GATED_FROM = 8_000  # characters of run; smaller sizes are shown, not gated
CHARACTERS = [*string.punctuation, " ", "\t"]
NAMES = {" ": "space", "\t": "tab"}
_TABLE = (
    "\n## Notes\n\n| When | What | Who |\n| --- | --- | --- |\n"
    "| 14:10 UTC | Pool exhausted | Payments team |\n"
)
_CAUSE = "per-environment override for this key."
# Where the run goes: after a line of the example, on the same line (" ") or as a paragraph of
# its own ("\n\n"); "lines" wraps it at 80 columns.
FIELDS: dict[str, tuple[str, str]] = {
    "title": ("# Post-Mortem: Checkout API outage after connection-pool change", " "),
    "severity": ("**Severity:** P1", " "),
    "duration": ("**Duration:** 3h22m", " "),
    "impact_start": ("**Impact Start:** 13:48 UTC", " "),
    "timeline": ("- **Time:** 13:52 UTC", " "),
    "finding": ("- **Key Findings:** Connection pool exhausted (5/5 in use)", " "),
    "action": ("- [ ] Alert on pool saturation above 80% for 5 minutes", " "),
    "owner": ("  - **Owner:** Priya Raman", " "),
    "table": ("| 14:10 UTC | Pool exhausted", " "),
    "prose": (_CAUSE, " "),
    "line": (_CAUSE, "\n\n"),
    "lines": (_CAUSE, "\n\n"),
}
PROSE = (
    "The canary received too little traffic to exhaust the pool within its window, so the "
    "change reached every region before the saturation metric moved. Priya rolled back the "
    "config at 15:40 UTC and the error rate fell from 18% to 6% within ten minutes. "
)


@dataclass(frozen=True)
class Case:
    field: str
    char: str
    size: int
    text: str

    @property
    def name(self) -> str:
        shown = NAMES.get(self.char, self.char)
        return f"{self.field:<12} {shown!s:<5} {self.size:>8}"


def base_text() -> str:
    text = EXAMPLE.read_text(encoding="utf-8")
    return text.replace("\n## Sign-Off", _TABLE + "\n---\n\n## Sign-Off")


def with_run(base: str, field: str, fill: str) -> str:
    """The base document with ``fill`` put into ``field``."""
    line, joiner = FIELDS[field]
    if line not in base:
        raise SystemExit(f"bench line for {field!r} is not in the example any more")
    if field == "lines":
        fill = "\n".join(fill[at : at + 80] for at in range(0, len(fill), 80))
    return base.replace(line, f"{line}{joiner}{fill}", 1)


def prose(size: int) -> str:
    return (PROSE * (size // len(PROSE) + 1))[:size].rstrip() + "."


def run_case(text: str) -> tuple[float, float]:
    """Seconds to parse, and to lint (`lint_text` parses too, as ``blamefree lint`` does)."""
    started = time.process_time()
    with contextlib.suppress(TemplateParseError):
        parse(text)
    parsed = time.process_time()
    with contextlib.suppress(TemplateParseError):
        lint_text(text)
    return parsed - started, time.process_time() - parsed


def per_kb(seconds: float, text: str) -> float:
    return seconds * 1000 / (len(text) / 1000)


def timed(cases: list[Case], label: str) -> dict[Case, tuple[float, float]]:
    """(parse, lint) seconds of every case; the slowest are printed."""
    results: dict[Case, tuple[float, float]] = {}
    started = time.process_time()
    for case in cases:
        results[case] = run_case(case.text)
    # One run of each is noisy on a shared machine: the slowest are timed again, best of three
    # (as the baseline is), so the worst case is a slow input and not a slow moment.
    for case in sorted(results, key=lambda case: results[case][1], reverse=True)[:RETIMED]:
        again = [results[case], *(run_case(case.text) for _ in range(2))]
        results[case] = min(again, key=lambda pair: pair[1])
    worst = sorted(results, key=lambda case: results[case][1], reverse=True)[:5]
    print(f"{label}: {len(cases)} cases in {time.process_time() - started:.1f} s CPU; slowest:")
    for case in worst:
        parse_s, lint_s = results[case]
        print(
            f"  {case.name}  parse {parse_s:7.3f} s  lint {lint_s:7.3f} s  "
            f"{per_kb(lint_s, case.text):7.3f} ms/KB"
        )
    return results


def baseline(base: str, size: int, repeat: int) -> tuple[float, float]:
    """(ms per KB, seconds) to lint the document with ordinary prose of ``size`` characters."""
    worst = (0.0, 0.0)
    for field in ("prose", "lines"):
        text = with_run(base, field, prose(size))
        seconds = min(run_case(text)[1] for _ in range(repeat))
        worst = max(worst, (per_kb(seconds, text), seconds))
    return worst


def profile(call: Callable[[], object]) -> None:
    profiler = cProfile.Profile()
    profiler.runcall(call)
    pstats.Stats(profiler).sort_stats("tottime").print_stats(25)


def slowest_per_field(results: dict[Case, tuple[float, float]]) -> dict[str, str]:
    """The character that was slowest in each field."""
    slowest: dict[str, Case] = {}
    for case, (_parse, lint_s) in results.items():
        if case.field not in slowest or lint_s > results[slowest[case.field]][1]:
            slowest[case.field] = case
    return {field: case.char for field, case in slowest.items()}


def main() -> None:
    options = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    options.add_argument("--sizes", default="1000,8000,30000,1000000")
    options.add_argument("--profile", metavar="FIELD:CHAR:SIZE", help="profile one case")
    args = options.parse_args()
    sizes = [int(size) for size in args.sizes.split(",")]
    base = base_text()
    run_case(base)  # warm-up: word lists and lemma tables load on first use
    if args.profile:
        field, char, size = args.profile.rsplit(":", 2)
        char = {"space": " ", "tab": "\t"}.get(char, char)
        text = with_run(base, field, char * int(size) + "x")
        print("parse, lint:", run_case(text))
        profile(lambda: run_case(text))
        return
    worst_ms, worst_target, worst_1mb = 0.0, 0.0, 0.0
    picked: dict[str, str] = {}
    for size in sizes:
        if size < 1_000_000 or not picked:
            pairs = [(field, char) for field in FIELDS for char in CHARACTERS]
        else:
            pairs = [("lines", char) for char in CHARACTERS]
            pairs += [(field, char) for field, char in picked.items() if field != "lines"]
        cases = [Case(f, c, size, with_run(base, f, c * size + "x")) for f, c in pairs]
        results = timed(cases, f"runs of {size} characters")
        picked = slowest_per_field(results)
        base_ms, base_s = baseline(base, size, repeat=3 if size < 1_000_000 else 1)
        print(f"  baseline, prose of {size} characters: {base_ms:.3f} ms/KB ({base_s:.3f} s)")
        if size >= GATED_FROM:
            for case, (_parse, lint_s) in results.items():
                ms = per_kb(lint_s, case.text)
                if ms / (base_ms * TARGET_FACTOR) > worst_ms / max(worst_target, 1e-9):
                    worst_ms, worst_target = ms, base_ms * TARGET_FACTOR
        if size >= 1_000_000:
            worst_1mb = max(worst_1mb, base_s, *(lint_s for _p, lint_s in results.values()))
    if worst_target:
        print(f"INFO adversarial_worst_vs_prose {worst_ms / worst_target * TARGET_FACTOR:.2f}")
    verdict = "PASS" if worst_ms <= worst_target else "FAIL"
    print(f"TARGET adversarial_worst_ms_per_kb {worst_ms:.3f} <= {worst_target:.3f} {verdict}")
    if any(size >= 1_000_000 for size in sizes):
        verdict = "PASS" if worst_1mb < TARGET_1MB_SECONDS else "FAIL"
        print(f"TARGET adversarial_1mb_worst_s {worst_1mb:.2f} < {TARGET_1MB_SECONDS} {verdict}")


if __name__ == "__main__":
    main()
