"""Precision and recall of the blaming-language rules on the labelled corpus (a quality gate)."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from support.corpus import NEUTRAL, report, score
from support.corpus import load as load_corpus

CORPUS = Path(__file__).parent.parent / "data" / "blame_corpus.jsonl"


def load(split: str | None = None) -> list[dict[str, object]]:
    return load_corpus(CORPUS, split)


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
