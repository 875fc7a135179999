"""Precision and recall of the blaming-language rules on an independent audit corpus.

`tests/data/blame_corpus_audit.jsonl` was written without reading the rules' word lists or the
main corpus, in many writers' voices (terse notes, corporate prose, non-native English, passive
voice, British spelling, chat quotes). Its `holdout` split was written after the rules were
tuned on `dev` and was measured once before any further change.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from support.corpus import NEUTRAL, report, score
from support.corpus import load as load_corpus

CORPUS = Path(__file__).parent.parent / "data" / "blame_corpus_audit.jsonl"


def load(split: str | None = None) -> list[dict[str, object]]:
    return load_corpus(CORPUS, split)


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
