"""Pure scoring functions for the eval harness: text matching, retrieval ranks, answers, refusals, latency.

Everything here works on plain values (strings, booleans, lists) so each rule can be unit-tested alone and
applied identically to every system (ours and the baselines).

Matching is accent- and case-insensitive with whitespace collapsed, because gold facts are typed by hand and
Vietnamese text appears with and without diacritics. Numbers must match as whole tokens: "2" must not be found
inside "25", "2,5" or "1.200".
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Iterable, Sequence

# Characters that markdown-from-PDF sources scatter through text (emphasis, headings, tables); they are noise
# when deciding whether a retrieved chunk contains a gold span.
_MARKUP = re.compile(r"[*_#|>`]+")
_SPACE = re.compile(r"\s+")
_QUOTES = str.maketrans({"“": '"', "”": '"', "‘": "'", "’": "'", "–": "-", "—": "-"})


def fold(text: str) -> str:
    """Lower-case, strip Vietnamese diacritics (đ -> d), unify quotes/dashes, collapse whitespace."""
    text = unicodedata.normalize("NFD", text.translate(_QUOTES))
    text = "".join(ch for ch in text if unicodedata.category(ch) != "Mn")
    text = text.replace("đ", "d").replace("Đ", "D").lower()
    return _SPACE.sub(" ", text).strip()


def fold_for_span(text: str) -> str:
    """`fold` plus removal of markup characters, for span containment across cleaned and raw sources."""
    return _SPACE.sub(" ", _MARKUP.sub(" ", fold(text))).strip()


def _phrase_pattern(phrase: str) -> re.Pattern[str]:
    # Word boundaries on both sides; around digits also refuse a neighbouring "digit + separator", so that
    # "2" is not found in "2,5" or "1.2" and "30" not in "30.000".
    body = re.escape(phrase)
    left = r"(?<!\w)(?<!\d[.,])" if phrase[:1].isalnum() else ""
    right = r"(?!\w)(?![.,]\d)" if phrase[-1:].isalnum() else ""
    return re.compile(left + body + right)


def contains_phrase(text: str, phrase: str) -> bool:
    """True when `phrase` occurs in `text` as whole tokens, ignoring accents, case and spacing."""
    needle = fold(phrase)
    if not needle:
        return False
    return _phrase_pattern(needle).search(fold(text)) is not None


def fact_present(text: str, spellings: Sequence[str]) -> bool:
    """A key fact is present when any of its acceptable spellings is."""
    return any(contains_phrase(text, s) for s in spellings)


def missing_facts(text: str, key_facts: Sequence[Sequence[str]]) -> list[list[str]]:
    """The key facts (each a list of acceptable spellings) that `text` does not contain."""
    return [list(f) for f in key_facts if not fact_present(text, f)]


def answer_correct(answerable: bool, found: bool, answer: str, key_facts: Sequence[Sequence[str]]) -> bool:
    """Answerable: found and every key fact present. Unanswerable: correct exactly when nothing was claimed."""
    if not answerable:
        return not found
    return found and not missing_facts(answer, key_facts)


def span_in(text: str, span: str, min_chars: int = 12) -> bool:
    """Whether a gold support span occurs inside a retrieved text (folded, markup-insensitive).

    Spans shorter than `min_chars` after folding are ignored: a two-word span would match almost anywhere.
    """
    needle = fold_for_span(span)
    return len(needle) >= min_chars and needle in fold_for_span(text)


def gold_matches(
    unit_id: str, unit_text: str, gold_ids: Sequence[str], gold_spans: Sequence[str]
) -> set[int]:
    """Indexes of the gold entries a retrieved unit satisfies.

    Gold entry i is satisfied by its clause id (`gold_ids[i]` when the lists align) or by containing its support
    span; ids that do not align with spans count as one extra entry each. This lets clause-level systems and
    chunk-level systems be judged by the same rule.
    """
    hits: set[int] = set()
    for i, span in enumerate(gold_spans):
        if span and span_in(unit_text, span):
            hits.add(i)
    for j, gid in enumerate(gold_ids):
        if gid == unit_id:
            hits.add(j if len(gold_ids) == len(gold_spans) else len(gold_spans) + j)
    return hits


def n_gold_entries(gold_ids: Sequence[str], gold_spans: Sequence[str]) -> int:
    return len(gold_spans) if len(gold_ids) == len(gold_spans) else len(gold_spans) + len(gold_ids)


# ---- retrieval ------------------------------------------------------------------------------------------


def recall_at_k(ranked_matches: Sequence[set[int]], n_gold: int, k: int) -> float:
    """Share of gold entries satisfied by the top-k retrieved units (each unit lists the entries it satisfies)."""
    if n_gold <= 0:
        raise ValueError("recall_at_k: an item without gold entries has no recall; exclude it")
    covered: set[int] = set()
    for matches in ranked_matches[:k]:
        covered |= matches
    return len(covered) / n_gold


def reciprocal_rank(ranked_matches: Sequence[set[int]], k: int = 10) -> float:
    """1/rank of the first unit satisfying any gold entry within the top k, else 0."""
    for rank, matches in enumerate(ranked_matches[:k], start=1):
        if matches:
            return 1.0 / rank
    return 0.0


def cited_support(cited_matches: Iterable[set[int]]) -> bool:
    """An answer is supported when some cited unit satisfies some gold entry."""
    return any(bool(m) for m in cited_matches)


# ---- refusals and aggregates ------------------------------------------------------------------------------


def refusal_precision_recall(answerable: Sequence[bool], found: Sequence[bool]) -> tuple[float | None, float | None]:
    """Refusal = found is false; positives = unanswerable items. None where the ratio is undefined (0/0)."""
    if len(answerable) != len(found):
        raise ValueError("refusal_precision_recall: answerable and found differ in length")
    refused = [not f for f in found]
    positive = [not a for a in answerable]
    tp = sum(r and p for r, p in zip(refused, positive, strict=True))
    n_refused, n_positive = sum(refused), sum(positive)
    precision = tp / n_refused if n_refused else None
    recall = tp / n_positive if n_positive else None
    return precision, recall


def percentile(values: Sequence[float], q: float) -> float | None:
    """Linear-interpolated percentile (q in 0..100), as numpy's default; None for no values."""
    if not values:
        return None
    if not 0 <= q <= 100:
        raise ValueError(f"percentile: q must be within 0..100, got {q}")
    ordered = sorted(values)
    pos = (len(ordered) - 1) * q / 100
    lo, hi = math.floor(pos), math.ceil(pos)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (pos - lo)


def mean(values: Sequence[float]) -> float | None:
    return sum(values) / len(values) if values else None
