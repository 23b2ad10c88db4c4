"""Follow-ups answered from the thread's evidence first.

The next step of a procedure is usually in the same Điều or the next one (registration papers -> where to file
-> time limit -> certificate), and the next figure of a plan in the same section. So a follow-up is answered,
in this order, from: the clauses of the units (Điều, plan section, table) that answered the previous turn, the
unit before and the `thread_following_units` units after them, in the document the answer led with, then in all its documents;
then the rest of those documents; then the whole corpus. The
first tier that yields a found answer wins. Documents that no longer fit the question (another province was
named) are left out of the thread. A question of several parts whose thread answer states one part's figure
and not what another part asks (a body, a list) is answered part by part instead (`states_every_part`).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import TYPE_CHECKING

from assistant.dialogue.narrow import about_asked_agencies, prefer_answer_type, states_asked_kind
from assistant.dialogue.state import DialogueState
from assistant.models import Answer, Hit, QueryAnalysis

if TYPE_CHECKING:
    from assistant.dialogue.source import AnswerSource

_ROMAN_RE = re.compile(r"[IVXLC]+")


def unit_of(path: str) -> str:
    """The unit a clause belongs to: its Điều in a law ("D42.2.a" -> "D42"), its numbered section in a plan
    ("II.2.-3.+1" -> "II.2"), its point in a notice ("1.-2" -> "1"), its table ("T1.r5" -> "T1")."""
    parts = path.split(".")
    if _ROMAN_RE.fullmatch(parts[0]) and len(parts) > 1:
        return ".".join(parts[:2])
    return parts[0]


def near_clause_ids(assistant: AnswerSource, clause_ids: Sequence[str], document_ids: Sequence[str] | None = None,
                    following: int | None = None) -> list[str]:
    """Clauses in the units of `clause_ids`, the unit before each (a procedure's general rule often precedes
    its steps: where a file is sent, before what it contains) and the `following` units after each, in
    document order (restricted to `document_ids` when given)."""
    following = assistant.settings.thread_following_units if following is None else following
    store = assistant.store
    answered = [c for c in store.get_clauses(list(clause_ids))
                if document_ids is None or c.document_id in document_ids]
    near: list[str] = []
    for document_id in dict.fromkeys(c.document_id for c in answered):
        clauses = store.clauses_of(document_id)
        units = list(dict.fromkeys(unit_of(c.path) for c in clauses))
        wanted: set[str] = set()
        for clause in answered:
            if clause.document_id == document_id and unit_of(clause.path) in units:
                at = units.index(unit_of(clause.path))
                wanted.update(units[max(at - 1, 0): at + 1 + following])
        near.extend(c.id for c in clauses if unit_of(c.path) in wanted)
    return near


def thread_documents(state: DialogueState, analysis: QueryAnalysis, assistant: AnswerSource) -> list[str]:
    """The thread's documents that still fit the question: of a named province, or named themselves."""
    documents = list(state.document_ids)
    if analysis.document_ids:
        documents = [d for d in documents if d in analysis.document_ids]
    if analysis.provinces or analysis.unknown_places:
        wanted = set(analysis.provinces)
        documents = [d for d in documents if (doc := assistant.store.get_document(d)) and doc.province in wanted]
    return documents


def thread_words(assistant: AnswerSource, state: DialogueState | None) -> frozenset[str]:
    """Folded words of the clauses near those that answered the previous turn (headings included), and of the
    whole of a document the conversation named ("Theo Nghị định 77 …": later questions stay in it)."""
    from assistant.relevance import terms

    if state is None:
        return frozenset()
    ids = near_clause_ids(assistant, state.clause_ids) if state.clause_ids else []
    clauses = [*assistant.store.get_clauses(ids), *(c for d in state.slots.document_ids
                                                      for c in assistant.store.clauses_of(d))]
    return frozenset(t for c in clauses for t in terms(" ".join([*c.headings, c.text])))


def answer_in_thread(assistant: AnswerSource, analysis: QueryAnalysis, state: DialogueState,
                     inherited_years: bool = False, whole_corpus: bool = True, next_step: bool = False) -> Answer | None:
    """Answer a follow-up from the thread's evidence first, then from the whole corpus.

    `inherited_years`: the year comes from the thread, not the message. The clauses near the answer that
    established it are then within its scope even when they do not repeat it (another Sở's target
    after one "đến năm 2020": that section of the same plan need not write the year again).
    `whole_corpus=False`: only the thread's documents may answer (None when they do not): a message read as a
    follow-up only tentatively is answered from the whole corpus as the question it is on its own.
    `next_step`: the message is only a question form ("Nộp ở đâu?", "Mất bao lâu?") asking something else of the
    thread's topic: among the clauses near the last answer the answerability model's bar is the ranker file's
    thread bar, fitted on conversations (a question asked whole carries no such evidence of where it belongs)."""
    from assistant.dialogue.multidoc import scope_of

    if scope_of(analysis, assistant.catalog) is not None or analysis.unknown_places or analysis.asks_about:
        return assistant.answer(analysis)
    documents = thread_documents(state, analysis, assistant)
    if documents:
        # The document the previous answer led with first: its next step is the likeliest continuation.
        near = [tuple(near_clause_ids(assistant, state.clause_ids, documents[:1])),
                tuple(near_clause_ids(assistant, state.clause_ids, documents))]
        whole_documents = tuple(c.id for d in documents for c in assistant.store.clauses_of(d))
        tiers = {pool: pool in near for pool in (*near, whole_documents) if pool}  # pool -> near the last answer
        corpus_wide: dict[tuple[int, ...], list[Hit]] = {}
        for tier, (pool, is_near) in enumerate(tiers.items()):
            asked = analysis
            if inherited_years and tier == 0 and state.found:
                asked = analysis.model_copy(update={"years": []})
            wide = corpus_wide.setdefault(tuple(asked.years), assistant.retrieve(asked))
            hits = found_corpus_wide_first(wide, assistant.retrieve_among(asked, list(pool)), set(pool))
            hits = prefer_answer_type(assistant, asked, about_asked_agencies(assistant, asked, hits))
            if hits:
                # Answered or not as a question asked whole is: the answerability model reads the ranking of the
                # thread's clauses (a bar on the best probability alone let more wrong follow-ups through).
                bar = assistant.ranker.thread_answerability_bar if next_step and is_near else None
                answer = assistant.answer(asked, hits, answerability_bar=bar)
                if answer.found and states_asked_kind(asked, answer):
                    if not states_every_part(assistant, analysis, answer):
                        # The thread's clauses answer one part of a question of several: the question is
                        # answered part by part (each part's own figure, or which part the documents leave open).
                        return assistant.answer(analysis) if whole_corpus else None
                    return answer
    if not whole_corpus:
        return None
    answer = assistant.answer(analysis, None)
    if not states_asked_kind(analysis, answer):
        # The thread's reading of the message asked for a figure no cited clause states: say so rather than
        # quote clauses that do not answer.
        return assistant.answer(analysis, [])
    return answer


def found_corpus_wide_first(wide: list[Hit], thread_hits: list[Hit], pool: set[str]) -> list[Hit]:
    """The thread's clauses that the question's search of the whole corpus finds, in its order and with its
    ranks, then the rest of the thread's hits. Searched within the thread alone, a clause is ranked among a few
    documents, and the ranker (fitted on searches of the whole corpus) is less sure of it there: the next step
    of a procedure, first in the corpus, would lose to a clause of another article found only further on."""
    first = [h for h in wide if h.clause_id in pool]
    seen = {h.clause_id for h in first}
    return first + [h for h in thread_hits if h.clause_id not in seen]


def states_every_part(assistant: AnswerSource, analysis: QueryAnalysis, answer: Answer) -> bool:
    """Whether an answer states, for each part of a question asking several things that asks a figure or date
    of a specific kind ("trong bao lâu", "bao nhiêu phần trăm"), a figure of that kind other parts have not
    taken: "45 ngày" does not answer both "thông báo trong mấy ngày" and "phải xong việc sau bao nhiêu ngày".
    Parts of other kinds (a body, a list, a manner) cannot be checked so and pass."""
    from assistant.answering.spans import answer_holder, unclaimed_span
    from assistant.query import asked_stretches

    parts, _ = asked_stretches(analysis.question)
    if len(parts) < 2:
        return True
    shown = re.sub(r"\[\d+\]", "", answer.answer)
    taken: set[str] = set()
    asked_parts = [assistant.analyze(part) for part in parts]
    typed = [asked for asked in asked_parts if answer_holder(asked) is not None]
    if typed and len(typed) < len(parts):
        # One part asks a figure, another a body or a list: an answer the ranker picked for its figure states
        # the figure's part; nothing shows it states the other.
        return False
    for asked in typed:
        span = unclaimed_span(shown, asked, taken)
        if span is None:
            return False
        taken.add(span.text)
    return True
