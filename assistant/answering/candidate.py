"""A candidate answer: one retrieved clause read with its structure, and what the ranker made of it."""

from __future__ import annotations

from dataclasses import dataclass, field

from assistant.models import Hit
from ingest.models import Clause, Document

# How much of a lead-in's points is read with it: enough for a khoản's points, not a whole chapter.
MAX_CHILDREN_CHARS = 1500


@dataclass
class Candidate:
    """One retrieved clause with its structural context and features."""

    clause: Clause
    document: Document
    hit: Hit
    position: int
    context: str  # headings + clause + points below: what coverage, spans and quotes are read from
    children: list[Clause] = field(default_factory=list)
    features: dict[str, float] = field(default_factory=dict)
    probability: float = 0.0
    answer_span: str | None = None  # the span of the asked kind that would answer (`spans.best_span`), if any
    answer_span_bound: str | None = None  # its bound word's meaning: "min", "max", or None for an exact figure
