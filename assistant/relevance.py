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

from ingest.textnorm import ABBREVIATIONS, expand_abbreviations, fold_accents

# Function and question words (accent-folded, single syllables): they carry the question's form, not its topic.
STOPWORDS: frozenset[str] = frozenset(
    """
    ai gi nao bao nhieu may khi la cua cho o tai thi sao co duoc va voi cac nhung mot phai lam se da dang can
    the nay do ve de trong tren nhu theo tu den hay hoac khong con vay a nhi chu ma ra vao nguoi khac lo xin
    hoi biet muon gom deu cung rieng chung toan tat ca hien nay nam viec
    """.split()
)
# Multi-syllable phrases that only frame a question; removed as phrases so their syllables stay meaningful
# elsewhere ("quy" in "quy định" is noise, in "quỹ" it is the topic).
STOP_PHRASES: tuple[str, ...] = (
    "co quan nao", "don vi nao", "chu tri", "phoi hop", "trach nhiem", "han chot", "thoi han", "thoi gian",
    "khi nao", "bao gio", "luc nao", "ngay nao", "nam nao", "phu trach", "duoc giao", "chi tieu", "muc tieu",
    "so luong", "bao nhieu", "ty le", "nhiem vu", "cong viec", "nhung viec", "cho biet", "nhu the nao", "ra sao",
    "bao gom", "quy dinh", "van ban", "ke hoach", "thong bao", "cu the", "hien tai", "co quan", "don vi",
    "phai lam gi", "lam gi", "nhu nao", "the nao", "thanh pho", "tinh", "huyen", "thi xa", "truoc ngay",
)

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
    table = _folded_abbreviations()
    out: list[str] = []
    for token in _TOKEN_RE.findall(fold_accents(expand_abbreviations(text))):
        out.extend(table.get(token, (token,)))
    return out


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
        present = set(terms(text))
        total = sum(self.idf(t) for t in question_terms)
        if total <= 0:
            return 0.0
        return sum(self.idf(t) for t in question_terms if t in present) / total
