"""Scoring the blaming-language rules on a labelled corpus (JSON lines: text, label, split)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from blamefree.lint.language import check_text

NEUTRAL = "neutral"


@dataclass(frozen=True)
class Scores:
    precision: float
    recall: float
    support: int


def load(corpus: Path, split: str | None = None) -> list[dict[str, object]]:
    """The corpus rows, optionally of one split."""
    rows = [json.loads(line) for line in corpus.read_text(encoding="utf-8").splitlines() if line]
    return [row for row in rows if split is None or row["split"] == split]


def _also(row: dict[str, object]) -> list[str]:
    """Further categories a sentence may rightly be flagged with."""
    value = row.get("also", [])
    return [str(item) for item in value] if isinstance(value, list) else []


def _ratio(numerator: int, denominator: int) -> float:
    return numerator / denominator if denominator else 1.0


def score(rows: list[dict[str, object]]) -> dict[str, Scores]:
    """Overall (blameful vs neutral) and per-category scores; `also` lists accepted extras."""
    predicted = [{finding.category for finding in check_text(str(row["text"]))} for row in rows]
    accepted = [{str(row["label"]), *_also(row)} for row in rows]
    blameful = [row["label"] != NEUTRAL for row in rows]
    flagged = [bool(categories) for categories in predicted]
    tp = sum(b and f for b, f in zip(blameful, flagged, strict=True))
    result = {"overall": Scores(_ratio(tp, sum(flagged)), _ratio(tp, sum(blameful)), sum(blameful))}
    for label in sorted({str(row["label"]) for row in rows} - {NEUTRAL}):
        support = sum(row["label"] == label for row in rows)
        hits = sum(
            row["label"] == label and label in cats
            for row, cats in zip(rows, predicted, strict=True)
        )
        flagged_label = sum(label in cats for cats in predicted)
        right = sum(
            label in cats and label in ok for cats, ok in zip(predicted, accepted, strict=True)
        )
        result[label] = Scores(_ratio(right, flagged_label), _ratio(hits, support), support)
    return result


def report(name: str, scores: dict[str, Scores]) -> str:
    """A table of the scores for the test output."""
    lines = [f"{name:>8} {'category':<24} {'precision':>9} {'recall':>7} {'n':>4}"]
    for category, value in scores.items():
        lines.append(
            f"{'':>8} {category:<24} {value.precision:>9.2f} {value.recall:>7.2f} "
            f"{value.support:>4}"
        )
    return "\n".join(lines)
