"""How much of a question a clause covers, weighted by how rare each word is in the corpus.

The gate between "found" and "not in these documents": a clause that covers too little of the question's
rare words does not answer it, however well it ranks.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterable

from ingest.textnorm import fold_accents

# Function words and question words (accent-folded): they carry the question's form, not its topic.
STOPWORDS: frozenset[str] = frozenset(
    """
    ai gi nao bao nhieu may khi la cua cho o tai thi sao co duoc va voi cac nhung mot phai lam se da dang can
    the nay do ve de trong tren nhu theo tu den hay hoac khong con vay a nhi chu ma ra vao nguoi khac
    chu tri phoi hop trach nhiem han chot thoi gio luc ngay thang nam truoc sau cuoi dau phu trach giao
    muc tieu chi tieu so luong bao nhieu ty le nhiem vu viec cong viec lo xin hoi cho biet muon biet
    tinh huyen thanh pho thi xa nhu the nao ra sao gom bao gom nhung gi duoc khong hien nay hien tai
    quy dinh van ban ke hoach thong bao dieu khoan diem cu the rieng chung toan tat ca deu cung
    """.split()
)

_TOKEN_RE = re.compile(r"[0-9]+(?:[.,/-][0-9]+)*|[a-z]+")


def terms(text: str) -> list[str]:
    return _TOKEN_RE.findall(fold_accents(text))


def content_terms(text: str, drop: Iterable[str] = ()) -> list[str]:
    dropped = {t for phrase in drop for t in terms(phrase)}
    return [t for t in dict.fromkeys(terms(text)) if t not in STOPWORDS and t not in dropped]


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
