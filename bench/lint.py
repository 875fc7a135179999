"""Full linter throughput on 1,000 generated filled post-mortems, against `parse` alone.

Run: .venv/bin/python bench/lint.py [--docs N] [--profile]
The corpus is generated in memory from a seeded random: template sections filled with sentences
from tests/data/blame_corpus.jsonl (mostly neutral, about one blameful sentence in twelve), real
times, user counts, action items (some incomplete) and a code block, about 1,500 words each.
Everything runs on one core, in this process.
"""

from __future__ import annotations

import argparse
import cProfile
import datetime as dt
import json
import pstats
import random
import time
from collections.abc import Callable
from pathlib import Path

from markdown_it import MarkdownIt

from blamefree.lint import lint_text
from blamefree.markdown.parse import parse

ROOT = Path(__file__).resolve().parent.parent
TARGET_DOCS_PER_SECOND = 50.0
SEED = 20240514
PEOPLE = ["Priya Raman", "Tomás Alves", "Alice Moreau", "Sam Okoro", "Lena Vogel"]
TEAMS = ["Payments team", "Search team", "Platform team", "SRE", "Data team"]
SYSTEMS = ["payments-api", "search-indexer", "checkout-web", "orders-db", "edge-proxy"]


def _corpus() -> tuple[list[str], list[str]]:
    rows = (ROOT / "tests" / "data" / "blame_corpus.jsonl").read_text(encoding="utf-8")
    parsed = [json.loads(line) for line in rows.splitlines() if line]
    neutral = [row["text"] for row in parsed if row["label"] == "neutral"]
    blameful = [row["text"] for row in parsed if row["label"] != "neutral"]
    return neutral, blameful


class Writer:
    """Seeded prose: neutral corpus sentences with an occasional blameful one."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.neutral, self.blameful = _corpus()

    def sentence(self) -> str:
        pool = self.blameful if self.rng.random() < 1 / 12 else self.neutral
        return self.rng.choice(pool)

    def prose(self, sentences: int) -> str:
        text = " ".join(self.sentence() for _ in range(sentences))
        lines, line = [], ""
        for word in text.split():
            if line and len(line) + len(word) + 1 > 96:
                lines.append(line)
                line = word
            else:
                line = f"{line} {word}".strip()
        return "\n".join([*lines, line])


def _hm(moment: dt.datetime) -> str:
    return moment.strftime("%H:%M UTC")


def postmortem(rng: random.Random, number: int) -> str:
    """One filled post-mortem of about 1,500 words."""
    w = Writer(rng)
    day = dt.date(2023, 1, 1) + dt.timedelta(days=rng.randint(0, 600))
    start = dt.datetime(day.year, day.month, day.day, rng.randint(0, 17), rng.randint(0, 59))
    steps = [rng.randint(2, 15), rng.randint(1, 10), rng.randint(5, 40), rng.randint(10, 90)]
    steps += [rng.randint(10, 120), rng.randint(15, 60)]
    times, moment = [], start
    for minutes in steps:
        moment += dt.timedelta(minutes=minutes)
        times.append(moment)
    detected, acked, investigated, mitigated, resolved, ended = times
    total, affected = rng.randint(10_000, 2_000_000), 0
    affected = rng.randint(total // 50, total // 2)
    person, other = rng.sample(PEOPLE, 2)
    system = rng.choice(SYSTEMS)
    resolution = int((resolved - start).total_seconds() // 60)

    def item(n: int, horizon_days: int, complete: bool) -> list[str]:
        due = day + dt.timedelta(days=rng.randint(1, horizon_days))
        lines = [f"- [ ] {w.sentence().rstrip('.')}"]
        if complete or rng.random() < 0.5:
            lines.append(f"  - **Owner:** {rng.choice(PEOPLE + TEAMS)}")
        lines.append(f"  - **Due Date:** {due.isoformat()}")
        if complete or rng.random() < 0.5:
            lines.append(f"  - **Priority:** {rng.choice(['High', 'Medium', 'Low'])}")
        return [*lines, ""]

    out = [
        f"# Post-Mortem: {system} incident {number}",
        "",
        f"**Incident ID:** INC-{day.year}-{number:04d}  ",
        f"**Date:** {day.isoformat()}  ",
        f"**Severity:** P{rng.randint(0, 3)}  ",
        f"**Duration:** {resolution // 60}h {resolution % 60}m  ",
        f"**Impact Start:** {_hm(start)}",
        "",
        "---",
        "",
        "## Executive Summary",
        "",
        f"**What Happened:** {w.prose(4)}  ",
        f"**Impact:** {w.prose(2)}  ",
        f"**Root Cause:** {w.prose(2)}  ",
        f"**Resolution:** {w.prose(2)}",
        "",
        "---",
        "",
        "## Timeline",
        "",
    ]
    phases = [
        (
            "Detection",
            detected,
            ("Detected By", f"Prometheus alert on {system}"),
            "Detection Method",
        ),
        ("Response", acked, ("Acknowledged By", person), "Initial Assessment"),
        ("Investigation", investigated, ("Investigated By", rng.choice(TEAMS)), "Key Findings"),
        ("Mitigation", mitigated, ("Mitigation Applied", w.sentence()), "Effectiveness"),
        ("Resolution", resolved, ("Resolved By", other), "Resolution Method"),
        ("Post-Resolution", ended, ("Verification", w.sentence()), "Monitoring"),
    ]
    for heading, when, (label, value), prose_label in phases:
        out += [f"### {heading}", f"- **Time:** {_hm(when)}", f"- **{label}:** {value}"]
        out += [f"- **{prose_label}:** {w.prose(4)}", ""]
    out += ["---", "", "## Impact Assessment", "", "### Users Affected"]
    out += [f"- **Total Users:** {total:,}", f"- **Affected Users:** {affected:,}"]
    out += [f"- **Percentage:** {affected / total * 100:.1f}%", "", "### Features Affected"]
    out += [f"- {w.sentence()}" for _ in range(3)]
    out += ["", "### Business Impact", f"- **Revenue Impact:** ~${rng.randint(1, 90)},000"]
    out += [f"- **Support Tickets:** {rng.randint(0, 400)}", "- **Customer Complaints:** 12"]
    out += [f"- **Reputation Impact:** {w.sentence()}", "", "---", "", "## Root Cause Analysis"]
    out += ["", "### Primary Cause", w.prose(8), "", "### Contributing Factors"]
    out += [f"{n}. {w.sentence()}" for n in range(1, 5)]
    out += ["", "### Why It Happened", w.prose(7), "", "### Why We Didn't Catch It", w.prose(6)]
    out += ["", "```", f"$ kubectl -n prod rollout undo deploy/{system}", "```", ""]
    for heading in ("What Went Well", "What Went Wrong"):
        out += ["---", "", f"## {heading}", ""]
        out += [f"{n}. {w.sentence()}" for n in range(1, 5)]
        out += ["", f"**Lessons:** {w.prose(4)}", ""]
    out += ["---", "", "## Action Items", "", "### Immediate (This Week)"]
    out += item(1, 7, True) + item(2, 7, False)
    out += ["### Short-term (Next 30 Days)", *item(3, 30, True), *item(4, 30, False)]
    out += ["### Long-term (Next 90 Days)", *item(5, 90, True)]
    out += ["---", "", "## Prevention Measures", ""]
    for heading in ("Technical", "Process", "Monitoring"):
        out += [f"### {heading}", f"- [ ] {w.sentence()}", f"- [x] {w.sentence()}", ""]
    detection = int((detected - start).total_seconds() // 60)
    response = int((acked - detected).total_seconds() // 60)
    total_minutes = int((ended - start).total_seconds() // 60)
    out += ["---", "", "## Metrics", "", "### Incident Metrics"]
    out += [
        f"- **Detection Time:** {detection} minutes",
        f"- **Response Time:** {response} minutes",
    ]
    out += [f"- **Resolution Time:** {resolution // 60}h {resolution % 60}m"]
    out += [f"- **Total Duration:** {total_minutes // 60}h {total_minutes % 60}m", ""]
    out += ["### Performance Impact", "- **Error Rate:** 0.1% → 18% → 0.1%"]
    out += ["- **Response Time:** 120 ms → 30 s → 130 ms", "- **Uptime:** 99.99% → 88% → 99.99%"]
    out += ["", "---", "", "## Follow-Up", "", "### Review Schedule"]
    out += [f"- **1 Week Follow-Up:** {day + dt.timedelta(days=7)}"]
    out += [f"- **1 Month Follow-Up:** {day + dt.timedelta(days=30)}"]
    out += [f"- **3 Month Follow-Up:** {day + dt.timedelta(days=90)}", ""]
    out += ["### Success Criteria", "- [ ] All action items completed", ""]
    out += ["---", "", "## Appendix", "", "### Logs and Evidence"]
    out += [f"- [Dashboard for {system}](https://grafana.example.com/d/{system})", ""]
    out += ["### Related Incidents", f"- INC-{day.year - 1}-0{rng.randint(100, 999)}", ""]
    out += ["### References", "- [Runbook](https://wiki.example.com/runbooks/failover)", ""]
    out += ["---", "", "## Sign-Off", "", f"**Prepared By:** {person}  "]
    out += [f"**Reviewed By:** {other}  ", "**Approved By:** Dana Okafor  "]
    out += [f"**Date:** {day + dt.timedelta(days=rng.randint(2, 10))}", "", "---", ""]
    out += ["**Remember:** Post-mortems are about learning, not blame. "]
    return "\n".join(out) + "\n"


def best_of(runs: int, work: Callable[[], None]) -> float:
    timings = []
    for _ in range(runs):
        began = time.perf_counter()
        work()
        timings.append(time.perf_counter() - began)
    return min(timings)


def main() -> None:
    options = argparse.ArgumentParser(description=__doc__)
    options.add_argument("--docs", type=int, default=1000)
    options.add_argument("--runs", type=int, default=3)
    options.add_argument("--profile", action="store_true", help="cProfile the full lint")
    args = options.parse_args()

    rng = random.Random(SEED)
    corpus = [postmortem(rng, n) for n in range(args.docs)]
    words = sum(len(text.split()) for text in corpus)
    print(f"corpus: {len(corpus)} files, {words / len(corpus):.0f} words per file on average")
    markdown = MarkdownIt("commonmark").enable("table")
    findings: list[int] = []

    def tokenise() -> None:
        for text in corpus:
            markdown.parse(text)

    def parse_only() -> None:
        for text in corpus:
            parse(text)

    def lint_all() -> None:
        findings.clear()
        for text in corpus:
            findings.append(len(lint_text(text)))

    lint_all()  # warm caches (lemminflect tables, regexes) and check every file parses
    print(f"findings: {sum(findings)} ({sum(findings) / len(findings):.1f} per file)")
    if args.profile:
        profile = cProfile.Profile()
        profile.runcall(lint_all)
        pstats.Stats(profile).sort_stats("cumulative").print_stats(30)
        return
    n = len(corpus)
    bare = best_of(args.runs, tokenise)
    parsed = best_of(args.runs, parse_only)
    linted = best_of(args.runs, lint_all)
    print(f"markdown-it-py tokenise: {n / bare:8.1f} docs/s ({bare:.2f} s)")
    print(f"blamefree parse:         {n / parsed:8.1f} docs/s ({parsed:.2f} s)")
    print(f"blamefree lint (full):   {n / linted:8.1f} docs/s ({linted:.2f} s)")
    print(f"INFO lint_vs_parse {linted / parsed:.2f}")
    print(f"INFO lint_vs_tokenise {linted / bare:.2f}")
    rate = n / linted
    verdict = "PASS" if rate >= TARGET_DOCS_PER_SECOND else "FAIL"
    print(f"TARGET lint_docs_per_second {rate:.1f} >= {TARGET_DOCS_PER_SECOND:.0f} {verdict}")


if __name__ == "__main__":
    main()
