"""Benchmark: blaming-language rules on ~1,500-word post-mortem bodies (target: under 5 ms)."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from pathlib import Path

from blamefree.lint.language import check_text
from blamefree.lint.language_text import mask_markdown, sentences

ROOT = Path(__file__).resolve().parent.parent
TARGET_MS = 5.0


def _corpus() -> list[dict[str, str]]:
    rows = (ROOT / "tests" / "data" / "blame_corpus.jsonl").read_text(encoding="utf-8")
    return [json.loads(line) for line in rows.splitlines() if line]


def document(*, blameful_every: int, words: int = 1500) -> str:
    """A Markdown body of about `words` words: neutral corpus sentences, one blameful sentence
    every `blameful_every` sentences, bullets and code blocks mixed in."""
    rows = _corpus()
    neutral = [row["text"] for row in rows if row["label"] == "neutral"]
    blameful = [row["text"] for row in rows if row["label"] != "neutral"]
    parts: list[str] = ["## Timeline", ""]
    count = index = 0
    while count < words:
        pool = blameful if index % blameful_every == blameful_every - 1 else neutral
        sentence = pool[index % len(pool)]
        parts.append(f"- {sentence}" if index % 3 else sentence)
        if index % 9 == 0:
            parts.extend(["", "```", "$ kubectl rollout undo deploy/api", "```", ""])
        count += len(sentence.split())
        index += 1
    return "\n".join(parts)


def best_ms(call: Callable[[], object], *, runs: int = 2, repeats: int = 200) -> float:
    """Best-of-`repeats` mean time per call over `runs` calls, in milliseconds.

    Short batches, many of them: on a machine shared with other jobs most batches of 50 calls
    are preempted at least once, while some batches of 2 are not, so the best of them measures
    the code rather than the machine's load (400 calls in all, more than the 7 x 50 it took before).
    """
    best = float("inf")
    for _ in range(repeats):
        started = time.perf_counter()
        for _ in range(runs):
            call()
        best = min(best, (time.perf_counter() - started) / runs * 1000)
    return best


def main() -> None:
    check_text("Dave broke the deploy.")  # warm-up: lemminflect loads its tables once
    for name, every in (("typical", 12), ("dense", 2)):
        body = document(blameful_every=every)
        # Baseline in the same run: only blanking and tokenising, which every rule needs.
        baseline = best_ms(lambda body=body: sentences(mask_markdown(body)))
        ms = best_ms(lambda body=body: check_text(body))
        findings = len(check_text(body))
        print(f"{name}: words={len(body.split())} findings={findings} ms={ms:.2f}")
        print(f"{name}: tokenise only (mask + sentences) ms={baseline:.2f}")
        print(f"INFO lint_language_{name}_vs_tokenise {ms / baseline:.2f}")
        verdict = "PASS" if ms < TARGET_MS else "FAIL"
        print(f"TARGET lint_language_{name}_ms_per_1500_words {ms:.2f} < {TARGET_MS} {verdict}")


if __name__ == "__main__":
    main()
