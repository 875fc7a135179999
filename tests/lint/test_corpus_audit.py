"""Precision and recall of the blaming-language rules on an independent audit corpus.

`tests/data/blame_corpus_audit.jsonl` was written without reading the rules' word lists or the
main corpus, in many writers' voices (terse notes, corporate prose, non-native English, passive
voice, British spelling, chat quotes). Its `holdout` split was written after the rules were
tuned on `dev` and was measured once before any further change.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import pytest

from blamefree.lint.language import check_text

CORPUS = Path(__file__).parent.parent / "data" / "blame_corpus_audit.jsonl"
NEUTRAL = "neutral"


@dataclass(frozen=True)
class Scores:
    precision: float
    recall: float
    support: int


def load(split: str | None = None) -> list[dict[str, object]]:
    rows = [json.loads(line) for line in CORPUS.read_text(encoding="utf-8").splitlines() if line]
    return [row for row in rows if split is None or row["split"] == split]


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


def _also(row: dict[str, object]) -> list[str]:
    """Further categories a sentence may rightly be flagged with."""
    value = row.get("also", [])
    return [str(item) for item in value] if isinstance(value, list) else []


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


def test_audit_corpus_is_large_balanced_and_labelled() -> None:
    rows = load()
    labels = Counter(str(row["label"]) for row in rows)
    assert len(rows) >= 160
    assert 0.45 <= labels[NEUTRAL] / len(rows) <= 0.55
    assert {label for label in labels if label != NEUTRAL} == {
        "blame.belittling",
        "blame.counterfactual",
        "blame.human-error",
        "blame.judgement",
        "blame.loaded-question",
        "blame.person",
        "blame.team",
    }
    assert min(count for label, count in labels.items() if label != NEUTRAL) >= 15
    assert len({row["text"] for row in rows}) == len(rows)
    assert {str(row["split"]) for row in rows} == {"dev", "holdout"}


@pytest.mark.parametrize("split", ["dev", "holdout", None])
def test_audit_quality_gate(split: str | None) -> None:
    scores = score(load(split))
    print("\n" + report(split or "all", scores))
    assert scores["overall"].precision >= 0.90
    assert scores["overall"].recall >= 0.85
