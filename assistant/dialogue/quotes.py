"""The short quote a row of a grouped answer shows: the sentence of the cited clause that holds the row's fact.

A grouped answer is read row by row, one document or province each: a row states its fact and quotes the one
sentence that carries it, not the whole khoản (the full clause is one click away in the citation). The sentence
is the one holding the stated figure or body when the row states one, else the one sharing most of the
question's words, weighed as the ranker weighs them (`word_coverage`).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import TYPE_CHECKING

from assistant.answering.spans import sentences
from assistant.compose.builder import shorten
from ingest.lexicon import fold_words

if TYPE_CHECKING:
    from assistant.models import QueryAnalysis
    from assistant.relevance import TermWeights

# A quote longer than this is cut to its sentence; a sentence longer than this is cut at a word.
QUOTE_CHARS = 260
# A piece shorter than this ("1.", "a)", a lead-in's "gồm:") is no sentence of its own: it joins the next one.
_FRAGMENT_CHARS = 25
_SENTENCE_RE = re.compile(r"(?<=[.!?])\s+(?=[A-ZĐÀ-Ỹ0-9“\"(])")
_QUOTE_RE = re.compile(r"“([^”]*)”")
_NUMBERING_RE = re.compile(r"^(?:\d+(?:\.\d+)*\.|[a-zđ]\)|[-–+•])\s*")


def pieces(text: str) -> list[str]:
    """The text's sentences; a sentence too long to quote is read as its semicolon or colon parts, each with the
    part before it when that alone is a fragment ("1.", "a)", "gồm:")."""
    out: list[str] = []
    for sentence in _SENTENCE_RE.split(" ".join(text.split())):
        if len(sentence) <= QUOTE_CHARS:
            out.append(sentence)
            continue
        carry = ""
        for a, b in sentences(sentence):
            piece = (carry + " " + sentence[a:b].strip()).strip()
            if len(piece) < _FRAGMENT_CHARS:
                carry = piece
                continue
            out.append(piece)
            carry = ""
        if carry:
            out.append(carry)
    return [p for p in out if p.strip()]


def best_sentence(text: str, analysis: QueryAnalysis, weights: TermWeights, needle: str | None = None) -> str:
    """The sentence of `text` that holds `needle` (the row's stated fact), or that shares most of the question's
    words; without its leading numbering, cut to QUOTE_CHARS."""
    from assistant.answering.features import question_words, word_coverage

    options = pieces(text) or [text]
    chosen = None
    if needle:
        folded_needle = fold_words(needle)
        chosen = next((p for p in options if folded_needle and folded_needle in fold_words(p)), None)
    words = question_words(analysis)
    if chosen is None:
        scored = [(word_coverage(words, fold_words(p), weights), -i, p) for i, p in enumerate(options)]
        chosen = max(scored)[2]
    chosen = _NUMBERING_RE.sub("", chosen.strip())
    if len(chosen) > QUOTE_CHARS:
        chosen = _best_window(chosen, lambda part: word_coverage(words, fold_words(part), weights), needle)
    return shorten(chosen, QUOTE_CHARS)


def _best_window(sentence: str, score: Callable[[str], float], needle: str | None) -> str:
    """The run of the sentence's comma parts, at most QUOTE_CHARS long, that shares most of the question's words
    (holding `needle` when given): a long sentence may say what is asked at its end ("…, gửi về cơ quan thường
    trực … tổng hợp"). Marked "… " when it does not start the sentence; the sentence's start when no run fits."""
    parts = sentence.split(", ")
    best: tuple[float, int, str] | None = None
    for i in range(len(parts)):
        for j in range(i + 1, len(parts) + 1):
            window = ", ".join(parts[i:j])
            if len(window) > QUOTE_CHARS:
                break
            if needle and fold_words(needle) not in fold_words(window):
                continue
            option = (score(window), -i, window)
            if best is None or option[:2] > best[:2]:
                best = option
    if best is None or best[1] == 0:
        return sentence
    return "… " + best[2]


def shortened_quotes(line: str, clause_texts: dict[int, str], analysis: QueryAnalysis, weights: TermWeights,
                     needle: str | None = None) -> str:
    """The row line with each long quote (“…” [n]) replaced by the sentence of clause [n] that holds the fact."""
    def replace(match: re.Match[str]) -> str:
        quoted = match.group(1)
        if len(quoted) <= QUOTE_CHARS:
            return match.group(0)
        after = line[match.end():]
        mark = re.match(r"\s*\[(\d+)\]", after)
        source = clause_texts.get(int(mark.group(1))) if mark else None
        # The quote may carry its lead-in ("Hồ sơ gồm: … a) …"): the sentence is read from the clause itself.
        return f"“{best_sentence(source or quoted, analysis, weights, needle)}”"

    return _QUOTE_RE.sub(replace, line)
