"""Questions that compare or collect across documents or provinces: one grouped answer.

"Sở Công Thương ở các tỉnh lo việc gì", "doanh thu của hợp tác xã ở ba tỉnh", "luật cũ và luật mới khác
gì": the question is asked once per province or document (the same question with that one
province swapped in, or restricted to that document), and the answers are put together as a short list, one
row per province or document with its citations, followed by the covered provinces and documents that do not
address it. A comparison the corpus cannot make (one law only) says so.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from assistant.models import Answer, Citation, QueryAnalysis
from ingest.lexicon import contains_phrase, lexicon

if TYPE_CHECKING:
    from assistant.dialogue.source import AnswerSource
    from assistant.query import Catalog

ROW_LINES = 2  # content lines of a row's own answer kept in the grouped answer
_MARK_RE = re.compile(r"\[(\d+)\]")
_SOURCES = "\n\nCăn cứ:\n"


@dataclass(frozen=True)
class Row:
    kind: Literal["province", "document"]
    value: str  # province name or document id


@dataclass(frozen=True)
class Scope:
    rows: tuple[Row, ...]
    compare: bool  # the question compares (and needs at least two documents to do so)
    document_type: str | None = None
    named: bool = True  # the rows are named in the question, not implied by "các tỉnh", "các nghị định"


def _has_any(folded: str, phrases: tuple[str, ...]) -> bool:
    return any(contains_phrase(folded, p) for p in phrases)


def scope_of(analysis: QueryAnalysis, catalog: Catalog) -> Scope | None:
    """The provinces or documents a question compares or collects across; None for a one-document question."""
    words = lexicon().dialogue
    folded = analysis.folded
    compare = _has_any(folded, words.compare)
    rows = [Row("document", d) for d in analysis.document_ids] + [Row("province", p) for p in _in_order(analysis)]
    if len(rows) >= 2:
        return Scope(tuple(rows), compare)
    if not analysis.provinces and not analysis.document_ids and _has_any(folded, words.all_provinces):
        provinces = catalog.provinces
        if len(provinces) >= 2:
            return Scope(tuple(Row("province", p) for p in provinces), compare, named=False)
    if (compare or _has_any(folded, words.all_documents)) and not analysis.document_ids:
        type_words = lexicon().documents.type_words
        types = {kind for word, kind in type_words.items() if len(word) > 2 and contains_phrase(folded, word)}
        documents = [d for d in catalog.documents if d.type in types and not (
            analysis.provinces and d.province not in analysis.provinces)]
        if len(types) == 1 and documents:
            return Scope(tuple(Row("document", d.id) for d in documents), compare, next(iter(types)), named=False)
    return None


def _in_order(analysis: QueryAnalysis) -> list[str]:
    """The corpus provinces in the order the question names them."""
    if not analysis.provinces:
        return []  # nothing to order: reading the question costs a few milliseconds on every ask
    from assistant.dialogue.reading import read

    return [p for p in read(analysis).places() if p in analysis.provinces]


def _row_analysis(assistant: AnswerSource, analysis: QueryAnalysis, row: Row) -> QueryAnalysis:
    """The question for one row: the same question with only this province (swapped in where the question
    names its provinces) or restricted to this document."""
    if row.kind == "document":
        return analysis.model_copy(update={"document_ids": [row.value], "provinces": []})
    from assistant.dialogue.reading import read
    from assistant.dialogue.state import Slots, frame_of, render, state_of

    reading = read(analysis)
    state = state_of(reading)
    slots = Slots(places=[row.value], years=state.slots.years, agencies=state.slots.agencies)
    question = render(frame_of(reading, drop_roles=frozenset({"collect"})), slots)
    row_analysis = assistant.analyze(question)
    return row_analysis.model_copy(update={"provinces": [row.value], "unknown_places": [],
                                           "document_ids": list(analysis.document_ids)})


def _row_label(assistant: AnswerSource, row: Row) -> str:
    if row.kind == "province":
        return row.value
    doc = assistant.store.get_document(row.value)
    return document_name(doc) if doc else row.value


def document_name(doc) -> str:  # noqa: ANN001 - ingest.models.Document
    """A short name for a document: "Luật số 17/2023/QH15", or its type and title when it has no number."""
    kind = doc.type or "Văn bản"
    if doc.number:
        return f"{kind} số {doc.number}"
    title = " ".join((doc.title or doc.id).split())
    return f"{kind} “{title[:80]}{'…' if len(title) > 80 else ''}”"


def _documents_of(assistant: AnswerSource, row: Row) -> list[str]:
    if row.kind == "document":
        return []
    return [document_name(d) for d in assistant.catalog.documents if d.province == row.value]


def grouped_answer(assistant: AnswerSource, analysis: QueryAnalysis) -> Answer | None:
    """One answer with a row per province or document, or None when the question is not a grouped one."""
    scope = scope_of(analysis, assistant.catalog)
    if scope is None:
        return None
    lines: list[str] = []
    citations: list[Citation] = []
    sources: list[str] = []
    facts = []
    silent: list[str] = []
    for row in scope.rows:
        row_analysis = _row_analysis(assistant, analysis, row)
        answer = _answer_row(assistant, row_analysis)
        if not answer.found and row_analysis.years and len(scope.rows) > 1:
            # A year may belong to one of the places named ("Hòa Bình, Lâm Đồng (năm 2019)"):
            # another row is asked without it, and its answer states its own year.
            answer = _answer_row(assistant, row_analysis.model_copy(update={"years": []}))
        body, row_sources = _split(answer)
        addressed = answer.found and _names_the_topic(assistant, row_analysis, answer)
        # The row's own sentences, not its quote block ("[2] “…”" lines): the grouped answer lists sources once.
        kept = [line for line in body if _MARK_RE.search(line) and not re.match(r"\[\d+\]", line)][:ROW_LINES] \
            if addressed else []
        if not kept:
            documents = _documents_of(assistant, row)
            label = _row_label(assistant, row)
            silent.append(f"{label} ({', '.join(documents)})" if documents else label)
            continue
        used = {int(n) for line in kept for n in _MARK_RE.findall(line)}
        renumber = _merge_citations(answer, citations, row_sources, sources, used)
        text = " ".join(_renumbered(line.lstrip("• "), renumber) for line in kept)
        lines.append(f"• {_row_label(assistant, row)}: {text}")
        facts.extend(answer.facts)
    cannot_compare = scope.compare and scope.document_type and len(scope.rows) < 2
    if not lines and not scope.named and not cannot_compare:
        return None  # no province or document of that kind answers: the whole corpus may
    texts = lexicon().dialogue.render
    header = texts["grouped_provinces"] if all(r.kind == "province" for r in scope.rows) else texts["grouped_documents"]
    parts = [header, *lines] if lines else []
    if silent:
        parts.append(texts["not_addressed"].format(x="; ".join(silent)))
    if cannot_compare:
        parts.append(texts["cannot_compare"].format(x=scope.document_type))
    text = "\n".join(parts)
    if sources:
        text += _SOURCES + "\n".join(sources)
    return Answer(question=analysis.question, answer=text, found=bool(lines), intent=analysis.intent,
                  citations=citations, facts=facts)


def _names_the_topic(assistant: AnswerSource, analysis: QueryAnalysis, answer: Answer) -> bool:
    """In a comparison, a document addresses the question only if its cited clauses name the question's rarest
    word (its topic: "du lịch", "nước sạch"); a row answered from generic clauses would claim what the document
    does not say."""
    from assistant.relevance import content_terms, term_set

    weights = assistant.term_weights
    topic = [t for t in content_terms(analysis.question, drop=[*analysis.provinces, *(str(y) for y in analysis.years)])
             if not any(ch.isdigit() for ch in t)]  # "77/2019" names a document, not the topic
    if not topic:
        return True
    rarest = max(topic, key=weights.idf)
    return any(rarest in term_set(" ".join([c.text, *c.headings])) for c in answer.citations)


def _answer_row(assistant: AnswerSource, analysis: QueryAnalysis) -> Answer:
    """One row's answer; a row about an agency is not answered by clauses about other agencies only."""
    from assistant.dialogue.narrow import about_asked_agencies

    hits = about_asked_agencies(assistant, analysis, assistant.retrieve(analysis))
    return assistant.answer(analysis, hits)


def _renumbered(line: str, renumber: dict[int, int]) -> str:
    return _MARK_RE.sub(lambda m: f"[{renumber.get(int(m.group(1)), int(m.group(1)))}]", line)


def _split(answer: Answer) -> tuple[list[str], dict[int, str]]:
    """An answer's own lines, and its source lines by citation number."""
    body, _, sources = answer.answer.partition(_SOURCES)
    lines = [line.strip() for line in body.split("\n") if line.strip()]
    by_number: dict[int, str] = {}
    for line in sources.split("\n"):
        match = re.match(r"\[(\d+)\]\s*(.*)", line)
        if match:
            by_number[int(match.group(1))] = match.group(2)
    return lines, by_number


def _merge_citations(answer: Answer, citations: list[Citation], row_sources: dict[int, str],
                     sources: list[str], used: set[int]) -> dict[int, int]:
    """Add the row's citations that its kept lines refer to (`used`) to the grouped list, one number per clause,
    each named by its label; returns old -> new numbers."""
    renumber: dict[int, int] = {}
    by_clause = {c.clause_id: c.n for c in citations}
    for citation in answer.citations:
        if citation.n not in used:
            continue
        if citation.clause_id not in by_clause:
            n = len(citations) + 1
            citations.append(citation.model_copy(update={"n": n}))
            sources.append(f"[{n}] {row_sources.get(citation.n) or citation.label or citation.path}")
            by_clause[citation.clause_id] = n
        renumber[citation.n] = by_clause[citation.clause_id]
    return renumber
