"""How much of a question a clause covers, weighted by how rare each word is in the corpus.

The gate between "found" and "not in these documents": a clause that covers too little of the question's
rare words does not answer it, however well it ranks.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterable
from functools import lru_cache

from ingest.lexicon import lexicon
from ingest.textnorm import ABBREVIATIONS, expand_abbreviations, fold_accents

# Function and question words (single folded syllables) and phrases that only frame a question, removed as
# phrases so their syllables stay meaningful elsewhere: ingest/lexicon/question.toml.
STOPWORDS: frozenset[str] = lexicon().question.stop_words
STOP_PHRASES: tuple[str, ...] = lexicon().question.stop_phrases

_TOKEN_RE = re.compile(r"[0-9]+(?:[.,/-][0-9]+)*|[a-z]+")


@lru_cache(maxsize=1)
def _folded_abbreviations() -> dict[str, list[str]]:
    """Single-word abbreviations by their folded form ("htx" -> hop tac xa): questions are often typed lower-case."""
    table: dict[str, list[str]] = {}
    for short, long in ABBREVIATIONS.items():
        key = fold_accents(short)
        if _TOKEN_RE.fullmatch(key):
            table[key] = _TOKEN_RE.findall(fold_accents(long))
    return table


def terms(text: str) -> list[str]:
    """Accent-folded syllables with abbreviations spelled out, so "HTX", "htx" and "hợp tác xã" count the same."""
    return list(_terms(text))


@lru_cache(maxsize=16384)
def _terms(text: str) -> tuple[str, ...]:
    # Cached: the same clause texts are read for every question that retrieves them.
    table = _folded_abbreviations()
    out: list[str] = []
    for token in _TOKEN_RE.findall(fold_accents(expand_abbreviations(text))):
        out.extend(table.get(token, (token,)))
    return tuple(out)


@lru_cache(maxsize=16384)
def term_set(text: str) -> frozenset[str]:
    return frozenset(_terms(text))


def content_terms(text: str, drop: Iterable[str] = ()) -> list[str]:
    folded = " " + " ".join(terms(text)) + " "
    for phrase in (*STOP_PHRASES, *(" ".join(terms(d)) for d in drop)):
        if phrase:
            folded = folded.replace(f" {phrase} ", " ")
    return [t for t in dict.fromkeys(folded.split()) if t not in STOPWORDS]


class TermWeights:
    """Inverse document frequency of accent-folded syllables over all indexed clauses."""

    def __init__(self, texts: Iterable[str]) -> None:
        counts: Counter[str] = Counter()
        n = 0
        for text in texts:
            n += 1
            counts.update(set(terms(text)))
        self.n_texts = max(n, 1)
        self._counts = counts

    @classmethod
    def from_counts(cls, counts: Counter[str], n_texts: int) -> TermWeights:
        """Weights from counts made at index time (assistant/index/build.py), without re-reading every clause."""
        weights = cls(())
        weights.n_texts = max(n_texts, 1)
        weights._counts = counts
        return weights

    def idf(self, term: str) -> float:
        return math.log((self.n_texts + 1) / (self._counts.get(term, 0) + 0.5))

    def coverage(self, question_terms: list[str], text: str) -> float:
        """Share of the question's IDF mass whose terms occur in `text` (0..1)."""
        if not question_terms:
            return 0.0
        present = term_set(text)
        total = sum(self.idf(t) for t in question_terms)
        if total <= 0:
            return 0.0
        return sum(self.idf(t) for t in question_terms if t in present) / total
