"""Whether a row of a grouped answer states a figure of the measure asked, and the clause to quote when it does not.

A plan's target writer answers "bao nhiêu" with a figure extracted at ingest; when the clause that states the
asked measure has no extracted figure (a sentence the extractor did not read), the figure stated may be another
measure's ("Số HTX: 85" for a question on earnings). In a grouped answer such a row is worse than a row saying
the document does not address it. The measure is told by its two-word terms ("thu nhập", "bình quân", "cán bộ"),
since a single syllable matches unrelated words ("quân" of "bình quân", "quản" of "quản lý" fold alike); words
naming the organisations counted ("hợp tác xã", "tổ hợp tác"), the places and the years asked say nothing about
which measure is meant.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import TYPE_CHECKING

from assistant.models import Answer, Hit, QueryAnalysis
from ingest.lexicon import lexicon

if TYPE_CHECKING:
    from assistant.dialogue.source import AnswerSource

Pair = tuple[str, str]

# How many of the row's best-ranked clauses are read for one that states the asked measure.
_LOOKED_AT = 5


def pairs(text: str) -> frozenset[Pair]:
    """The pairs of the text's content syllables next to each other once grammar words are left out ("vốn của
    quỹ" pairs "vốn" with "quỹ")."""
    from assistant.relevance import STOP_PHRASES, STOPWORDS, terms

    folded = f" {' '.join(terms(text))} "
    for phrase in STOP_PHRASES:  # "mục tiêu", "chỉ tiêu", "số lượng": what any figure of a plan is called
        folded = folded.replace(f" {phrase} ", " | ")
    out: set[Pair] = set()
    for piece in folded.split("|"):
        words = [t for t in piece.split() if t not in STOPWORDS and not any(ch.isdigit() for ch in t)]
        out.update(zip(words, words[1:], strict=False))
    return frozenset(out)


@lru_cache(maxsize=1)
def _organisation_pairs() -> frozenset[Pair]:
    # The first [swappable] group of dialogue.toml names the kinds of organisation ("hợp tác xã", "tổ hợp tác").
    groups = lexicon().dialogue.swappable
    return frozenset().union(*(pairs(name) for name in groups[0])) if groups else frozenset()


def asked_pairs(analysis: QueryAnalysis) -> frozenset[Pair]:
    """The question's pairs that can tell one measure from another: not an organisation's name, a place's."""
    from ingest.lexicon import fold_words

    text = f" {fold_words(analysis.question)} "
    for place in [*analysis.provinces, *analysis.unknown_places]:
        text = text.replace(f" {fold_words(place)} ", " | ")  # no pair across a place's name
    return frozenset().union(*(pairs(piece) for piece in text.split("|"))) - _organisation_pairs()


def states_another_measure(assistant: AnswerSource, analysis: QueryAnalysis, answer: Answer) -> bool:
    """Whether a found row answering "how much" of a plan states only figures of measures the question does not
    name, or quotes clauses that do not name it: neither a stated figure's measure nor a cited clause shares a
    term with the question."""
    targets = [f for f in answer.facts if f.kind == "target" and f.value_text]
    if analysis.intent != "target" or not answer.found:
        return False
    asked = asked_pairs(analysis)
    if not asked:
        return False
    if any(pairs(f.measure or "") & asked for f in targets):
        return False
    return not any(pairs(" ".join([c.text, *_headings(assistant, c.clause_id)])) & asked
                   for c in answer.citations)


def _headings(assistant: AnswerSource, clause_id: str) -> list[str]:
    clause = assistant.store.get_clause(clause_id)
    return list(clause.headings[-1:]) if clause else []


def measure_quote(assistant: AnswerSource, analysis: QueryAnalysis, hits: list[Hit]) -> Answer | None:
    """The row answered by quoting its best-ranked clause that names the asked measure and states a figure of
    the asked kind; None when none of its best clauses does."""
    from assistant.answering.spans import answer_holder

    asked = asked_pairs(analysis)
    holds = answer_holder(analysis)
    ranked = _ranked(assistant, analysis, hits)[:_LOOKED_AT]
    for candidate in ranked:
        text = candidate.clause.text
        if not pairs(text) & asked or (holds is not None and not holds(text)):
            continue
        return _quoted(assistant, analysis, hits, candidate.clause.id)
    return None


def _ranked(assistant: AnswerSource, analysis: QueryAnalysis, hits: list[Hit]) -> list:  # noqa: ANN401
    """The row's clauses as the composer ranks them, best first."""
    from assistant.answering.evidence import build_candidates
    from assistant.answering.features import compute_features

    candidates = build_candidates(assistant.store, hits)
    compute_features(analysis, candidates, assistant.term_weights)
    return assistant.ranker.score(candidates)


_ASKED_NOUN_RE = re.compile(r"(?<![a-z])(?:bao nhieu|may)\s+([a-z]+)")
_COUNTED_RE = r"(?<![0-9])[0-9]+(?:[.,][0-9]+)?\s+{noun}(?![a-z])"


def asked_noun(analysis: QueryAnalysis) -> str | None:
    """What a count asks of ("bao nhiêu điểm", "mấy lớp"): the folded noun after the quantity cue, when the
    answer is a bare number (a share, an amount or a length of time is told by its own kind of span)."""
    from assistant.relevance import STOPWORDS

    if analysis.answer_type not in ("number", "count", "quantity"):
        return None
    match = _ASKED_NOUN_RE.search(analysis.folded)
    noun = match.group(1) if match else None
    return noun if noun and noun not in STOPWORDS else None


def counts_another_thing(analysis: QueryAnalysis, answer: Answer) -> bool:
    """Whether a found row's figure counts something other than what is asked ("04 mức" for "bao nhiêu điểm")."""
    from ingest.lexicon import fold_words

    noun = asked_noun(analysis)
    if noun is None or not answer.found:
        return False
    statement = fold_words(answer.answer.split("[", 1)[0])
    return bool(re.search(r"[0-9]", statement)) and not re.search(rf"(?<![a-z]){noun}(?![a-z])", statement)


def count_quote(assistant: AnswerSource, analysis: QueryAnalysis, hits: list[Hit]) -> Answer | None:
    """The row answered by quoting its best-ranked clause that counts the asked thing ("65 điểm"); None when none
    of its best clauses does."""
    from ingest.lexicon import fold_words

    noun = asked_noun(analysis)
    if noun is None:
        return None
    counted = re.compile(_COUNTED_RE.format(noun=noun))
    for candidate in _ranked(assistant, analysis, hits)[:_LOOKED_AT]:
        if counted.search(fold_words(candidate.clause.text)):
            return _quoted(assistant, analysis, hits, candidate.clause.id)
    return None


def _quoted(assistant: AnswerSource, analysis: QueryAnalysis, hits: list[Hit], clause_id: str) -> Answer | None:
    """One clause quoted as the row's answer, without the siblings the listing writer adds (they state other
    measures)."""
    hit = next(h for h in hits if h.clause_id == clause_id)
    # Quoted as a listing: the writer of the asked kind would state its own pick of figure again.
    quoted = assistant.answer(analysis.model_copy(update={"intent": "general", "answer_type": "other"}), [hit], 0.0)
    own = [c for c in quoted.citations if c.clause_id == clause_id]
    return quoted.model_copy(update={"citations": own}) if quoted.found and own else None
