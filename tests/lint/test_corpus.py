"""Precision and recall of the blaming-language rules on the labelled corpus (a quality gate)."""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import pytest

from blamefree.lint.language import check_text

CORPUS = Path(__file__).parent.parent / "data" / "blame_corpus.jsonl"
NEUTRAL = "neutral"


@dataclass(frozen=True)
class Scores:
    precision: float
    recall: float
    support: int


def load(split: str | None = None) -> list[dict[str, object]]:
    rows = [json.loads(line) for line in CORPUS.read_text(encoding="utf-8").splitlines() if line]
    return [row for row in rows if split is None or row["split"] == split]


def predict(rows: list[dict[str, object]]) -> list[set[str]]:
    return [{finding.category for finding in check_text(str(row["text"]))} for row in rows]


def score(rows: list[dict[str, object]]) -> dict[str, Scores]:
    """Overall scores (blameful vs neutral) and per-category scores."""
    predicted = predict(rows)
    result: dict[str, Scores] = {}
    blameful = [row["label"] != NEUTRAL for row in rows]
    flagged = [bool(categories) for categories in predicted]
    tp = sum(b and f for b, f in zip(blameful, flagged, strict=True))
    result["overall"] = Scores(_ratio(tp, sum(flagged)), _ratio(tp, sum(blameful)), sum(blameful))
    labels = sorted({str(row["label"]) for row in rows} - {NEUTRAL})
    for label in labels:
        accepted = [{row["label"], *row.get("also", [])} for row in rows]  # type: ignore[misc]
        hits = sum(
            row["label"] == label and label in cats
            for row, cats in zip(rows, predicted, strict=True)
        )
        flagged_label = sum(label in cats for cats in predicted)
        right = sum(
            label in cats and label in ok for cats, ok in zip(predicted, accepted, strict=True)
        )
        support = sum(row["label"] == label for row in rows)
        result[label] = Scores(_ratio(right, flagged_label), _ratio(hits, support), support)
    return result


def _ratio(numerator: int, denominator: int) -> float:
    return numerator / denominator if denominator else 1.0


def report(name: str, scores: dict[str, Scores]) -> str:
    lines = [f"{name:>8} {'category':<24} {'precision':>9} {'recall':>7} {'n':>4}"]
    for category, value in scores.items():
        lines.append(
            f"{'':>8} {category:<24} {value.precision:>9.2f} {value.recall:>7.2f} "
            f"{value.support:>4}"
        )
    return "\n".join(lines)


def test_corpus_is_large_balanced_and_split() -> None:
    rows = load()
    labels = Counter(str(row["label"]) for row in rows)
    splits = Counter(str(row["split"]) for row in rows)
    assert len(rows) >= 200
    assert 0.4 <= labels[NEUTRAL] / len(rows) <= 0.6
    assert 0.25 <= splits["holdout"] / len(rows) <= 0.35
    assert all(label == NEUTRAL or label.startswith("blame.") for label in labels)
    assert len({row["text"] for row in rows}) == len(rows)


@pytest.mark.parametrize("split", ["dev", "holdout"])
def test_quality_gate(split: str) -> None:
    scores = score(load(split))
    print("\n" + report(split, scores))
    assert scores["overall"].precision >= 0.90
    assert scores["overall"].recall >= 0.85
