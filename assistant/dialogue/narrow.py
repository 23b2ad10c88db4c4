"""Narrowing a turn's hits: to clauses about the agencies the question names, and clauses that state the asked
kind of answer first; and the check that an answer states the asked kind at all. Used by follow-ups (thread.py)
and by the rows of grouped answers (multidoc.py)."""

from __future__ import annotations

from collections.abc import Collection
from typing import TYPE_CHECKING

from assistant.models import Answer, Hit, QueryAnalysis
from ingest.lexicon import fold_words, lexicon

if TYPE_CHECKING:
    from assistant.dialogue.source import AnswerSource


def prefer_answer_type(assistant: AnswerSource, analysis: QueryAnalysis, hits: list[Hit]) -> list[Hit]:
    """Clauses holding a span of the expected kind (a duration for "bao lâu", a body for "nộp ở đâu") first,
    each group in retrieval order."""
    from assistant.answering.spans import SPAN_TYPES, find_spans

    if analysis.answer_type not in SPAN_TYPES or not hits:
        return hits
    texts = {c.id: c.text for c in assistant.store.get_clauses([h.clause_id for h in hits])}
    return sorted(hits, key=lambda h: not find_spans(texts.get(h.clause_id, ""), analysis.answer_type))


def about_asked_agencies(assistant: AnswerSource, analysis: QueryAnalysis, hits: list[Hit]) -> list[Hit]:
    """When the question names agencies, the thread's clauses about other agencies only are no evidence
    (after a question about one Sở, "Thế còn Sở Công Thương?" is not answered by that Sở's clause)."""
    from ingest.agencies import find_agencies

    if not analysis.agencies or not hits:
        return hits
    asked = set(analysis.agencies)
    clauses = {c.id: c for c in assistant.store.get_clauses([h.clause_id for h in hits])}
    kept = []
    for hit in hits:
        clause = clauses.get(hit.clause_id)
        named = {m.canonical for m in find_agencies(" ".join([*clause.headings, clause.text]))} if clause else set()
        if named & asked or not named:
            kept.append(hit)
    return kept


def states_asked_kind(analysis: QueryAnalysis, answer: Answer) -> bool:
    """Whether a found answer states something of the kind asked, when a specific kind is asked: a date or a
    duration for "khi nào", "bao lâu"; for "bao nhiêu" a figure, from a target extracted at ingest or in a cited
    clause (the asked unit may be in a table's header, and "tăng bao nhiêu" may be a share, not an amount).
    An answer quoting clauses without any claims what its sources do not say. Other questions pass."""
    from assistant.answering.spans import answer_holder, find_spans

    holds = answer_holder(analysis)
    if holds is None or not answer.found:
        return True
    if analysis.answer_type in ("date", "duration"):
        return any(holds(c.text) for c in answer.citations)
    # A figure of the asked kind: an amount of money for "bao nhiêu tỷ", a count of the asked unit, or a share
    # ("giá trị sản xuất tăng bao nhiêu" may be a growth rate); "3 HTX" does not answer "bao nhiêu tỷ". A table
    # row's unit is in its header, which its fact carries.
    def states(text: str) -> bool:
        return holds(text) or bool(find_spans(text, "percentage"))

    return (any(f.value_text and states(f"{f.value_text} {f.unit or ''}") for f in answer.facts)
            or any(states(c.text) for c in answer.citations))


def names_the_topic(assistant: AnswerSource, analysis: QueryAnalysis, answer: Answer,
                    vocabulary: Collection[str] | None = None) -> bool:
    """Whether the clauses an answer cites name the question's rarest topic word ("du lịch", "nước sạch"): an
    answer from clauses that do not claims what the documents do not say about it. With `vocabulary` (the
    words of the documents a grouped question is asked of), only topic words some of them use count: a word
    none of them uses frames the question ("có vai trò gì", "trước đây") rather than names what it is about."""
    from assistant.dialogue.reading import read
    from assistant.relevance import term_set

    if not answer.found:
        return True
    # "77/2019" names a document, and so do the words of a document's kind ("thông báo kết luận", "kế hoạch")
    # where the question names one it does not recognise by name.
    kinds = {w for kind in lexicon().documents.all for w in fold_words(kind).split()}
    topic = [t for t in read(analysis).topic_words if not any(ch.isdigit() for ch in t) and t not in kinds
             and (vocabulary is None or t in vocabulary)]
    if not topic:
        return True
    rarest = max(topic, key=assistant.term_weights.idf)
    return any(rarest in term_set(" ".join([c.text, *c.headings])) for c in answer.citations)
