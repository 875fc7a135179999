"""Parse + render throughput against bare markdown-it-py tokenising, on 1,000 generated files.

Run: .venv/bin/python bench/parse.py [--docs N] [--profile]
The corpus is generated in memory from a seeded random, so every run measures the same files.
"""

from __future__ import annotations

import argparse
import cProfile
import datetime as dt
import pstats
import random
import time
from collections.abc import Callable

from markdown_it import MarkdownIt

from blamefree.markdown.parse import parse
from blamefree.markdown.render import render

TARGET_RATIO = 3.0
SEED = 20240312
_TEXT = (
    "the database connection pool on payments-api was exhausted after a config change and "
    "requests queued for thirty seconds before timing out while the canary received too little "
    "traffic to notice the on-call engineer rolled back the release and error rates fell to "
    "baseline within minutes we shifted traffic to another region and added a dashboard panel "
    "for saturation the alert fired four minutes after impact began customers saw failed "
    "checkouts and retried support tickets rose sharply the runbook was out of date and the "
    "rollback needed an approval that was hard to reach after hours replication lag grew while "
    "the queue backed up and webhooks were delayed by several hours"
)
WORDS = _TEXT.split()
PEOPLE = ["Priya Raman", "Tomás Alves", "Lena Vogel", "Sam Okoro", "SRE on-call", "Payments team"]
DATE_FORMATS = ["%Y-%m-%d", "%d/%m/%Y", "%B %d, %Y"]
STATUS = ["N/A", "TBD", "unknown", "not recorded", "[Number]"]


def sentence(rng: random.Random, low: int, high: int) -> str:
    words = [rng.choice(WORDS) for _ in range(rng.randint(low, high))]
    return " ".join(words).capitalize() + "."


def paragraph(rng: random.Random, sentences: int) -> str:
    return " ".join(sentence(rng, 8, 22) for _ in range(sentences))


def wrapped(text: str, width: int = 96) -> str:
    lines, line = [], ""
    for word in text.split():
        if line and len(line) + len(word) + 1 > width:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}".strip()
    return "\n".join([*lines, line])


def time_text(rng: random.Random, moment: dt.datetime, style: int) -> str:
    if style == 0:
        return moment.strftime("%H:%M UTC")
    if style == 1:
        return moment.strftime("%Y-%m-%dT%H:%M:%SZ")
    if style == 2:
        local = moment - dt.timedelta(hours=8)
        return f"{local.strftime('%I:%M %p').lstrip('0')} PST ({moment.strftime('%H:%M')} UTC)"
    return moment.strftime("%Y-%m-%d %H:%M UTC")


def count_text(rng: random.Random, value: int) -> str:
    return rng.choice([f"{value:,}", f"~{value / 1000:.0f}k", str(value), rng.choice(STATUS)])


def postmortem(rng: random.Random, number: int) -> str:
    """One filled post-mortem of roughly 1,000 to 3,000 words."""
    size = rng.uniform(1.0, 3.0)
    start = dt.datetime(2024, 1, 1, tzinfo=dt.UTC) + dt.timedelta(minutes=rng.randrange(525600))
    style = rng.randrange(4)
    steps = [0, rng.randint(2, 15), rng.randint(1, 10), rng.randint(5, 40)]
    steps += [rng.randint(10, 200), rng.randint(10, 300), rng.randint(30, 240)]
    marks, total = [], 0
    for step in steps:
        total += step
        marks.append(start + dt.timedelta(minutes=total))
    phases = [
        ("Detection", "Detected By", "Detection Method"),
        ("Response", "Acknowledged By", "Initial Assessment"),
        ("Investigation", "Investigated By", "Key Findings"),
        ("Mitigation", "Mitigation Applied", "Effectiveness"),
        ("Resolution", "Resolved By", "Resolution Method"),
        ("Post-Resolution", "Verification", "Monitoring"),
    ]
    out = [
        f"# Post-Mortem: {sentence(rng, 4, 8)[:-1]}",
        "",
        f"**Incident ID:** INC-{number:05d}  ",
        f"**Date:** {start.date().isoformat()}  ",
        f"**Severity:** P{rng.randrange(4)}  ",
        f"**Duration:** {(marks[5] - start).seconds // 60} minutes  ",
        f"**Impact Start:** {time_text(rng, start, style)}",
        "",
        "---",
        "",
        "## Executive Summary",
        "",
    ]
    for label in ("What Happened", "Impact", "Root Cause", "Resolution"):
        out.append(f"**{label}:** {paragraph(rng, rng.randint(1, 3))}  ")
    out += ["", "---", "", "## Timeline", ""]
    for (heading, first, second), moment in zip(phases, marks[1:], strict=True):
        out += [f"### {heading}", f"- **Time:** {time_text(rng, moment, style)}"]
        out.append(f"- **{first}:** {rng.choice(PEOPLE)}")
        out.append(f"- **{second}:** {paragraph(rng, rng.randint(1, round(3 * size)))}")
        out += [f"- {sentence(rng, 6, 14)}" for _ in range(rng.randint(0, 2))]
        out.append("")
    total_users = rng.randint(10_000, 5_000_000)
    affected = rng.randint(100, total_users)
    out += [
        "---",
        "",
        "## Impact Assessment",
        "",
        "### Users Affected",
        f"- **Total Users:** {count_text(rng, total_users)}",
        f"- **Affected Users:** {count_text(rng, affected)}",
        f"- **Percentage:** {100 * affected / total_users:.1f}%",
        "",
        "### Features Affected",
        *[f"- {sentence(rng, 2, 6)}" for _ in range(rng.randint(1, 5))],
        "",
        "### Business Impact",
        f"- **Revenue Impact:** ~${rng.randint(1, 500) * 1000:,}",
        f"- **Support Tickets:** {count_text(rng, rng.randint(0, 5000))}",
        f"- **Customer Complaints:** {count_text(rng, rng.randint(0, 500))}",
        f"- **Reputation Impact:** {sentence(rng, 4, 12)}",
        "",
        "---",
        "",
        "## Root Cause Analysis",
        "",
        "### Primary Cause",
        wrapped(paragraph(rng, round(5 * size))),
        "",
        "### Contributing Factors",
        *[f"{n}. {sentence(rng, 8, 20)}" for n in range(1, rng.randint(2, 7))],
        "",
        "### Why It Happened",
        wrapped(paragraph(rng, round(6 * size))),
        "",
        "### Why We Didn't Catch It",
        wrapped(paragraph(rng, round(5 * size))),
        "",
    ]
    for heading in ("What Went Well", "What Went Wrong"):
        out += ["---", "", f"## {heading}", ""]
        out += [f"{n}. {sentence(rng, 8, 24)}" for n in range(1, rng.randint(2, 7))]
        out += ["", f"**Lessons:** {paragraph(rng, 2)}", ""]
    out += ["---", "", "## Action Items", ""]
    for heading in (
        "Immediate (This Week)",
        "Short-term (Next 30 Days)",
        "Long-term (Next 90 Days)",
    ):
        out += [f"### {heading}"]
        for _ in range(rng.randint(1, round(2 * size) + 1)):
            due = start.date() + dt.timedelta(days=rng.randint(3, 90))
            out += [
                f"- [{rng.choice(' xX')}] {sentence(rng, 5, 12)[:-1]}",
                f"  - **Owner:** {rng.choice(PEOPLE)}",
                f"  - **Due Date:** {due.strftime(rng.choice(DATE_FORMATS))}",
                f"  - **Priority:** {rng.choice(['High', 'Medium', 'Low'])}",
                "",
            ]
    out += ["---", "", "## Prevention Measures", ""]
    for heading in ("Technical", "Process", "Monitoring"):
        out += [f"### {heading}"]
        out += [f"- [{rng.choice(' x')}] {sentence(rng, 5, 12)}" for _ in range(rng.randint(1, 4))]
        out.append("")
    minutes = [(marks[i] - start).seconds // 60 for i in (5, 6)]
    out += [
        "---",
        "",
        "## Metrics",
        "",
        "### Incident Metrics",
        f"- **Detection Time:** {steps[1]} minutes",
        f"- **Response Time:** {steps[2]} min",
        f"- **Resolution Time:** {minutes[0] // 60}h{minutes[0] % 60}m",
        f"- **Total Duration:** {rng.choice([f'{minutes[1]} min', 'TBD'])}",
        "",
        "### Performance Impact",
        f"- **Error Rate:** 0.1% → {rng.randint(2, 90)}% → 0.1%",
        f"- **Response Time:** 120 ms → {rng.randint(1, 30)} s → 130 ms",
        "- **Uptime:** 99.99% → 97.5% → 99.99%",
        "",
        "---",
        "",
        "## Follow-Up",
        "",
        "### Review Schedule",
    ]
    for label, days in (("1 Week", 7), ("1 Month", 30), ("3 Month", 90)):
        out.append(
            f"- **{label} Follow-Up:** {(start.date() + dt.timedelta(days=days)).isoformat()}"
        )
    out += [
        "",
        "### Success Criteria",
        "- [x] All action items completed",
        "- [ ] Prevention measures implemented",
        "- [ ] Monitoring improved",
        "- [ ] Team trained on new procedures",
        "",
        "---",
        "",
        "## Appendix",
        "",
        "### Logs and Evidence",
        *[f"- [{sentence(rng, 2, 5)}](https://logs.example.com/{number}/{n})" for n in range(3)],
        "",
        "### Related Incidents",
        f"- INC-{rng.randrange(number + 1):05d}",
        "",
        "### References",
        "- [Runbook](https://wiki.example.com/runbooks/payments)",
        "",
        "---",
        "",
        "## Sign-Off",
        "",
        f"**Prepared By:** {rng.choice(PEOPLE)}  ",
        f"**Reviewed By:** {rng.choice(PEOPLE)}  ",
        "**Approved By:** Dana Okafor  ",
        f"**Date:** {(start.date() + dt.timedelta(days=5)).isoformat()}",
        "",
        "---",
        "",
        "**Remember:** Post-mortems are about learning, not blame. "
        "Focus on improving systems and processes.",
    ]
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
    options.add_argument("--profile", action="store_true", help="cProfile parse + render")
    args = options.parse_args()

    rng = random.Random(SEED)
    corpus = [postmortem(rng, n) for n in range(args.docs)]
    words = sum(len(text.split()) for text in corpus)
    print(f"corpus: {len(corpus)} files, {words / len(corpus):.0f} words per file on average")

    markdown = MarkdownIt("commonmark").enable("table")

    def tokenise() -> None:
        for text in corpus:
            markdown.parse(text)

    def parse_only() -> None:
        for text in corpus:
            parse(text)

    def parse_and_render() -> None:
        for text in corpus:
            render(parse(text))

    parse_and_render()  # warm caches and check the corpus parses before timing
    if args.profile:
        profile = cProfile.Profile()
        profile.runcall(parse_and_render)
        pstats.Stats(profile).sort_stats("cumulative").print_stats(25)
        return
    bare = best_of(3, tokenise)
    ours_parse = best_of(3, parse_only)
    ours = best_of(3, parse_and_render)
    n = len(corpus)
    print(f"markdown-it-py tokenise: {n / bare:8.1f} docs/s ({bare:.2f} s)")
    print(f"blamefree parse:         {n / ours_parse:8.1f} docs/s ({ours_parse:.2f} s)")
    print(f"blamefree parse+render:  {n / ours:8.1f} docs/s ({ours:.2f} s)")
    print(f"INFO parse_vs_tokenise {ours_parse / bare:.2f}")
    ratio = ours / bare
    verdict = "PASS" if ratio <= TARGET_RATIO else "FAIL"
    print(f"TARGET parse_render_vs_tokenise {ratio:.2f} <= {TARGET_RATIO} {verdict}")


if __name__ == "__main__":
    main()
