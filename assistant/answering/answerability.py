"""Whether the best-ranked clauses answer a question at all: a fitted model over the whole ranking.

The ranker scores one clause at a time ("this clause states the answer"); its best probability alone is a poor
judge of answerability: a basic founder's question sits at 0.3-0.45 when a wrong figure sits there too. What
separates them is seen across the ranking and the question: how far the best clause is ahead of the next, whether
the two best are the same article, what kind of answer is asked, whether the best clause holds a span of that
kind in a sentence about the question. Small gradient-boosted trees over those numbers, fitted by
`eval/fit_ranker.py` on end-to-end outcomes (was the stated answer right?), give the probability that an answer
stated from this ranking is right; the composer states one only above the fitted threshold.

The trees are stored in the ranker's versioned JSON file and evaluated here, so answering needs no scikit-learn.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import Any, get_args

from assistant.answering.candidate import Candidate
from assistant.answering.spans import FIGURE_TYPES
from assistant.models import AnswerType, Intent, QueryAnalysis
from assistant.query import asked_stretches
from ingest.lexicon import fold_words

# The best clause's own ranker features that the model reads (positions and lengths are left to the ranker).
BEST_CLAUSE_FEATURES: tuple[str, ...] = (
    "syllable_coverage", "asked_coverage", "word_coverage", "clause_coverage", "phrase_coverage",
    "title_coverage", "dense_position", "lexical_position", "has_span", "span_missing", "span_sentence_coverage",
    "unit_named", "organisation_mismatch", "rarest_missing", "subject_missing", "defines_named_term",
    "year_match", "agency_match", "legal_text", "is_heading", "dense_off", "needs_span",
)
# How sure the ranker must be of a clause to count it as a rival answer to the best one.
RIVAL_PROBABILITY = 0.2
# How many of the ranking's clauses are looked at for rivals.
RIVALS_LOOKED_AT = 10

ANSWERABILITY_FEATURES: tuple[str, ...] = (
    "best_probability",  # the ranker's probability of the best clause
    "second_probability",  # ... of the best clause of another evidence unit (a lead-in and its points are one)
    "probability_gap",  # best - second: one clear answer, or several alike
    "rivals",  # evidence units (of the first RIVALS_LOOKED_AT clauses) the ranker gives at least RIVAL_PROBABILITY
    "question_length",  # log(1 + the question's words)
    *(f"best_{name}" for name in BEST_CLAUSE_FEATURES),
    *(f"asks_{kind}" for kind in get_args(AnswerType)),
    *(f"intent_{intent}" for intent in get_args(Intent)),
    "same_document",  # the two best clauses are of one document
    "same_article",  # ... and under one heading (one Điều, one section of a plan)
    "agencies_named", "years_named", "provinces_named", "documents_named",
    "scene_share",  # share of the question's words in stretches that ask nothing (the asker's story)
    "asked_parts",  # stretches that ask something: a question of several parts is answered part by part
    "spans_agree",  # +1 the two best evidence units state the same figure, -1 different ones, 0 not both a figure
    "bound_agrees",  # +1 the best span's bound is the one asked ("tối thiểu" / "ít nhất"), -1 another, 0 no bound
)


def evidence_unit(candidate: Candidate) -> str:
    """The unit a candidate is evidence from: a point and the lead-in it completes are one ("2. … không thấp hơn:"
    with "a) 5% đối với hợp tác xã;"), so the ranker's probability spread over them is not several rival answers."""
    clause = candidate.clause
    return clause.parent_id if clause.lead_in and clause.parent_id else clause.id


def answerability_features(analysis: QueryAnalysis, ranked: list[Candidate]) -> list[float]:
    """The model's input for a question and its ranked candidates (best first, features computed). Candidates of
    one evidence unit count once: the best of each unit is its representative."""
    seen: set[str] = set()
    units: list[Candidate] = []
    for candidate in ranked[:RIVALS_LOOKED_AT]:
        unit = evidence_unit(candidate)
        if unit not in seen:
            seen.add(unit)
            units.append(candidate)
    probabilities = [c.probability for c in units]
    best = probabilities[0] if probabilities else 0.0
    second = probabilities[1] if len(probabilities) > 1 else 0.0
    top = ranked[0].features if ranked else {}
    two = units[:2]
    same_document = len(two) == 2 and two[0].document.id == two[1].document.id
    same_article = same_document and two[0].clause.headings[:1] == two[1].clause.headings[:1]
    return [
        best, second, best - second, float(sum(p >= RIVAL_PROBABILITY for p in probabilities)),
        math.log1p(len(analysis.words)),
        *(float(top.get(name, 0.0)) for name in BEST_CLAUSE_FEATURES),
        *(1.0 if analysis.answer_type == kind else 0.0 for kind in get_args(AnswerType)),
        *(1.0 if analysis.intent == intent else 0.0 for intent in get_args(Intent)),
        1.0 if same_document else 0.0, 1.0 if same_article else 0.0,
        float(len(analysis.agencies)), float(len(analysis.years)), float(len(analysis.provinces)),
        float(len(analysis.document_ids)),
        *_question_shape(analysis.question),
        _spans_agree(analysis, two), _bound_agrees(analysis, ranked[0] if ranked else None),
    ]


def _question_shape(question: str) -> tuple[float, float]:
    """The share of words in the stretches that set a scene, and how many stretches ask."""
    asked, stretches = asked_stretches(question)
    words = sum(len(s.split()) for s in stretches)
    return (1.0 - sum(len(s.split()) for s in asked) / words if words else 0.0), float(len(asked))


def _figures(span: str) -> str:
    """A span's figures ("05 thành viên" and "ít nhất 5 thành viên" state the same one), or its words."""
    found = [f.lstrip("0") or "0" for f in re.findall(r"\d+(?:[.,]\d+)?", span)]
    return " ".join(found) or fold_words(span)


def _spans_agree(analysis: QueryAnalysis, two: list[Candidate]) -> float:
    # Figures only: two clauses name one office in other words (the office's legal name in one, the district
    # department that serves as it in the other); compared word for word they would disagree where the answers do not.
    if analysis.answer_type not in FIGURE_TYPES or len(two) < 2:
        return 0.0
    if two[0].answer_span is None or two[1].answer_span is None:
        return 0.0
    return 1.0 if _figures(two[0].answer_span) == _figures(two[1].answer_span) else -1.0


def _bound_agrees(analysis: QueryAnalysis, best: Candidate | None) -> float:
    if best is None or best.answer_span is None or analysis.answer_bound is None:
        return 0.0
    if best.answer_span_bound is None:
        return 0.0
    return 1.0 if best.answer_span_bound == analysis.answer_bound else -1.0


@dataclass(frozen=True)
class Tree:
    """One regression tree, as arrays: node i splits on `feature[i]` at `threshold[i]` (left when <=), or is a
    leaf (`left[i] == -1`) worth `value[i]`."""

    left: tuple[int, ...]
    right: tuple[int, ...]
    feature: tuple[int, ...]
    threshold: tuple[float, ...]
    value: tuple[float, ...]

    def predict(self, x: list[float]) -> float:
        node = 0
        while self.left[node] != -1:
            node = self.left[node] if x[self.feature[node]] <= self.threshold[node] else self.right[node]
        return self.value[node]


@dataclass(frozen=True)
class AnswerabilityModel:
    feature_names: tuple[str, ...]
    prior: float  # log-odds before any tree
    learning_rate: float
    trees: tuple[Tree, ...]
    threshold: float  # smallest probability for an answer to be stated

    def probability(self, features: list[float]) -> float:
        z = self.prior + self.learning_rate * sum(tree.predict(features) for tree in self.trees)
        return 1.0 / (1.0 + math.exp(-z))

    def to_dict(self) -> dict[str, Any]:
        return {
            "feature_names": list(self.feature_names), "prior": self.prior, "learning_rate": self.learning_rate,
            "threshold": self.threshold,
            "trees": [{"left": list(t.left), "right": list(t.right), "feature": list(t.feature),
                       "threshold": list(t.threshold), "value": list(t.value)} for t in self.trees],
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> AnswerabilityModel:
        trees = tuple(
            Tree(left=tuple(int(v) for v in t["left"]), right=tuple(int(v) for v in t["right"]),
                 feature=tuple(int(v) for v in t["feature"]), threshold=tuple(float(v) for v in t["threshold"]),
                 value=tuple(float(v) for v in t["value"]))
            for t in data["trees"]
        )
        return cls(feature_names=tuple(data["feature_names"]), prior=float(data["prior"]),
                   learning_rate=float(data["learning_rate"]), trees=trees, threshold=float(data["threshold"]))
