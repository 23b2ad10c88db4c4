"""Plans and notices assign work to agencies: who is responsible, by when, which target figure, and every task of
a named agency. Each writer reads the facts extracted at ingest; when a law is asked instead, or no fact of the
expected kind is there, it falls back to quoting the clauses or refuses."""

from __future__ import annotations

import re

from assistant.answering.spans import answer_holder, find_spans, units_named
from assistant.compose.builder import AnswerBuilder, group_by_document, shorten
from assistant.compose.corpus import Corpus, Evidence, clause_context, is_national_legal_text
from assistant.compose.listing import listing
from assistant.compose.refusal import not_found
from assistant.labels import citation_label, document_name
from assistant.models import Answer, QueryAnalysis
from assistant.relevance import content_terms, terms
from ingest.agencies import find_agencies
from ingest.models import Fact
from ingest.textnorm import fold_accents

MAX_TASKS_PER_DOCUMENT = 8
# An agency named without a province may have tasks in every plan: past a few documents a list stops being read
# (and costs a citation each); the rest are counted and the facts table lists them all.
MAX_DOCUMENTS_LISTED = 6
# Facts returned with the answer (the page's facts table of the answer).
MAX_FACTS_RETURNED = 40
_NUMBER_WORD_RE = re.compile(r"\d|\b(một|hai|ba|bốn|năm|sáu|bảy|tám|chín|mười|trăm|nghìn|phần)\b", re.IGNORECASE)

# A target fact scored for the question: (score, rank of its clause, the fact, its clause).
ScoredTarget = tuple[float, int, Fact, Evidence]


def responsible(corpus: Corpus, analysis: QueryAnalysis, relevant: list[Evidence],
                evidence: list[Evidence]) -> Answer:
    chosen = [e for e in relevant[:4] if any(f.kind == "responsibility" for f in e.facts)]
    if chosen:
        best = max(e.coverage for e in chosen)
        chosen = [e for e in chosen if e.coverage >= best - 0.1]
    named = set(analysis.agencies)
    if named and chosen and all(
        {f.agency for f in e.facts if f.kind == "responsibility" and f.role == "lead"} <= named for e in chosen
    ):
        # The only "answer" is the agency the question itself names ("Ai là <chức danh> của <cơ quan>?").
        return not_found(corpus, analysis, "Các văn bản hiện có không nêu thông tin này.", evidence)
    if not chosen and is_national_legal_text(relevant[0].document):
        # Laws assign roles to bodies (Đại hội thành viên, Hội đồng quản trị), not to provincial agencies:
        # the clause itself is the answer.
        return listing(corpus, analysis, relevant, evidence)
    if not chosen:
        return not_found(
            corpus, analysis, "Các văn bản hiện có không nêu rõ cơ quan chịu trách nhiệm cho việc này.", evidence
        )
    builder = AnswerBuilder()
    sentences: list[str] = []
    for doc, items in group_by_document(chosen[:3]):
        for ev in items[:2]:
            n = builder.cite(ev)
            leads = agencies_in(ev.facts, "lead")
            coordinators = agencies_in(ev.facts, "coordinate")
            who = ", ".join(leads) if leads else ", ".join(coordinators)
            role = "chủ trì" if leads else "phối hợp thực hiện"
            sentence = f"Theo {citation_label(doc, ev.clause)}: {who} {role}"
            if leads and coordinators:
                sentence += f", phối hợp với {', '.join(coordinators)}"
            sentences.append(sentence + f" [{n}].")
    return builder.answer(analysis, sentences, found=True, facts=facts_of(chosen))


def deadline(corpus: Corpus, analysis: QueryAnalysis, relevant: list[Evidence], evidence: list[Evidence]) -> Answer:
    chosen = [e for e in relevant[:4] if any(f.kind == "deadline" for f in e.facts)]
    if not chosen and is_national_legal_text(relevant[0].document):
        return listing(corpus, analysis, relevant, evidence)  # time limits in laws are rules, quoted whole
    if not chosen:
        return not_found(corpus, analysis, "Các văn bản hiện có không nêu thời hạn cho việc này.", evidence)
    builder = AnswerBuilder()
    sentences: list[str] = []
    for doc, items in group_by_document(chosen[:3]):
        for ev in items[:2]:
            n = builder.cite(ev)
            deadlines = [f for f in ev.facts if f.kind == "deadline" and f.wording]
            wording = "; ".join(dict.fromkeys(f.wording or "" for f in deadlines))
            agencies = agencies_in(ev.facts, "lead")
            who = f" ({', '.join(agencies)})" if agencies else ""
            sentences.append(f"Theo {citation_label(doc, ev.clause)}{who}: thời hạn là {wording} [{n}].")
    return builder.answer(analysis, sentences, found=True, facts=facts_of(chosen, "deadline"))


def target(corpus: Corpus, analysis: QueryAnalysis, relevant: list[Evidence], evidence: list[Evidence]) -> Answer:
    scored = _scored_targets(analysis, relevant)
    if not scored and is_national_legal_text(relevant[0].document) and _NUMBER_WORD_RE.search(relevant[0].clause.text):
        # Laws state thresholds (at least 5 members, under 35%), not plan targets: the rule is quoted whole.
        return listing(corpus, analysis, relevant, evidence)
    if not scored:
        return not_found(corpus, analysis, "Các văn bản hiện có không nêu con số cho nội dung này.", evidence)
    scored.sort(key=lambda s: (-s[0], s[1]))
    top_score = scored[0][0]
    if len(analysis.provinces) > 1:
        best_per_document: dict[str, ScoredTarget] = {}
        for item in scored:
            best_per_document.setdefault(item[3].document.id, item)
        picked = list(best_per_document.values())[:4]
    else:
        picked = [s for s in scored if s[0] >= top_score - 0.1][:3]
    builder = AnswerBuilder()
    sentences = []
    for _, _, fact, ev in picked:
        n = builder.cite(ev)
        when = f", năm {fact.year}" if fact.year else (f", {fact.period}" if fact.period else "")
        scope = f" ({fact.scope})" if fact.scope else ""
        measure = shorten(fact.measure or "", 140)
        sentences.append(f"Theo {citation_label(ev.document, ev.clause)}: {measure}{scope}: {_figure(fact)}{when} [{n}].")
    facts = [p[2] for p in picked]
    return builder.answer(analysis, list(dict.fromkeys(sentences)), found=True, facts=facts)


def _scored_targets(analysis: QueryAnalysis, relevant: list[Evidence]) -> list[ScoredTarget]:
    """Every target fact of the relevant clauses, scored by how closely it fits the question: the clause's
    coverage and rank, the agency, district, year and measure asked."""
    q_folded = fold_accents(analysis.question)
    q_terms = set(question_terms(analysis))
    scored: list[ScoredTarget] = []
    for rank, ev in enumerate(relevant[:6]):
        names_asked_agency = bool(analysis.agencies) and bool(
            set(analysis.agencies) & {m.canonical for m in find_agencies(clause_context(ev))}
        )
        for fact in ev.facts:
            if fact.kind != "target" or not fact.value_text or not _of_asked_kind(analysis, fact):
                continue
            score = ev.coverage - 0.05 * rank + (0.4 if names_asked_agency else 0.0)
            if fact.scope and fold_accents(fact.scope) in q_folded:
                score += 0.5
            elif fact.scope and ev.clause.kind == "table_row":
                continue  # a district cell the question did not ask about
            if analysis.years and fact.year in analysis.years:
                score += 0.2
            measure_terms = set(terms(fact.measure or ""))
            if measure_terms and q_terms:
                # Jaccard: among row labels sharing the asked words, the one adding least beyond them wins
                # ("HTX đang hoạt động" over "Phân loại HTX đang hoạt động theo lĩnh vực").
                score += 0.3 * len(measure_terms & q_terms) / len(measure_terms | q_terms)
            scored.append((score, rank, fact, ev))
    return scored


# Plan targets are checked against these kinds only: a plan's growth target for an amount or a period is often
# a rate or a multiple ("tăng 10%/năm", "gấp 1,5 lần"), which a money or duration question still asks for.
_CHECKED_TARGET_KINDS = frozenset({"percentage", "count"})


_MULTIPLE_RE = re.compile(r"\blần\b", re.IGNORECASE)


def _of_asked_kind(analysis: QueryAnalysis, fact: Fact) -> bool:
    """A target answers a figure question only with a figure of the asked kind: "bao nhiêu HTX" is not
    answered by a share of HTX rated good, nor "bao nhiêu phần trăm" by a number of cooperatives."""
    if analysis.answer_type == "count" and analysis.answer_unit:
        # "số tổ hợp tác, số HTX mới": a count of any unit the question names answers its part.
        return any(find_spans(_figure(fact), "count", unit, analysis.answer_bound)
                   for unit in units_named(analysis.question))
    figure = _figure(fact)
    if analysis.answer_type == "money" and not find_spans(figure, "money") and not find_spans(figure, "percentage"):
        # An amount may be asked as a rate or a multiple, never as a number of things ("35 HTX", "500 lượt").
        counted = [s for s in find_spans(figure, "count") if not _MULTIPLE_RE.search(s.text)]
        if counted:
            return False
    holds = answer_holder(analysis) if analysis.answer_type in _CHECKED_TARGET_KINDS else None
    return holds is None or holds(figure)


def _figure(fact: Fact) -> str:
    """The target's value with its unit, unless the value's own wording already carries the unit."""
    value = fact.value_text or ""  # scored targets all have one
    return value + (" " + fact.unit if fact.unit and fact.unit not in value else "")


def question_terms(analysis: QueryAnalysis) -> list[str]:
    """Content words of the question, without the places and years it is filtered by."""
    drop = [*analysis.provinces, *analysis.unknown_places, *(str(y) for y in analysis.years)]
    return content_terms(analysis.question, drop=drop)


def tasks(corpus: Corpus, analysis: QueryAnalysis, relevant: list[Evidence], evidence: list[Evidence]) -> Answer:
    """Every task the documents assign to the asked agency, grouped by document, its own tasks first.

    The tasks are ranked over arrays built once per index (assistant/compose/assignments.py); only the facts and
    clauses shown are read, so the cost follows the answer, not the number of documents assigning tasks."""
    if not analysis.agencies:
        return listing(corpus, analysis, relevant, evidence)
    agency = analysis.agencies[0]
    # A topic beyond the agency ("<cơ quan> làm gì liên quan đến <chủ đề>?") puts the matching tasks first.
    topic = content_terms(analysis.question, drop=[*analysis.provinces, *analysis.agencies])
    ranked = corpus.assignments.agency_tasks(
        agency, corpus.weights, topic, provinces=analysis.provinces, document_ids=analysis.document_ids,
        max_documents=MAX_DOCUMENTS_LISTED, max_per_document=MAX_TASKS_PER_DOCUMENT, max_facts=MAX_FACTS_RETURNED,
    )
    if not ranked.n_facts:
        return not_found(corpus, analysis, f"Không tìm thấy nhiệm vụ nào của {agency} trong các văn bản hiện có.",
                         evidence)
    shown = [ids for _, picked in ranked.documents for ids in picked]
    clauses = {c.id: c for c in corpus.store.get_clauses([clause_id for _, clause_id in shown])}
    facts = {f.id: f for f in corpus.store.get_facts(list(dict.fromkeys(
        [*(fact_id for fact_id, _ in shown), *ranked.top_facts])))}
    builder = AnswerBuilder()
    sentences = [f"Nhiệm vụ được giao cho {agency}, theo từng văn bản:"]
    for document_id, picked in ranked.documents:  # the most topical documents first, own tasks first in each
        doc = corpus.store.get_document(document_id)
        if doc is None:
            continue
        marks: list[str] = []  # one task line per clause
        for fact_id, clause_id in picked:
            clause, fact = clauses.get(clause_id), facts.get(fact_id)
            if clause is None or fact is None:
                continue
            n = builder.cite(Evidence(clause, doc, 1.0, 1.0, [fact]))
            role = "chủ trì" if fact.role == "lead" else "phối hợp"
            marks.append(f"({role}) {shorten(clause.text, 300)} [{n}]")
        sentences.append(f"• {document_name(doc)}: " + "; ".join(marks) + ".")
    if ranked.n_documents > len(ranked.documents):
        sentences.append(f"Còn {ranked.n_documents - len(ranked.documents)} văn bản khác giao nhiệm vụ cho {agency}: "
                         "xem thẻ “Ai làm gì” (lọc theo cơ quan) hoặc hỏi kèm tên tỉnh.")
    return builder.answer(analysis, sentences, found=True,
                          facts=[facts[fact_id] for fact_id in ranked.top_facts if fact_id in facts])


def agencies_in(facts: list[Fact], role: str) -> list[str]:
    """Agencies with `role` in these responsibility facts, as the document writes them, in order."""
    return list(dict.fromkeys(f.agency_as_written or f.agency or "" for f in facts
                              if f.kind == "responsibility" and f.role == role and (f.agency or f.agency_as_written)))


def facts_of(items: list[Evidence], kind: str | None = None) -> list[Fact]:
    return [f for ev in items for f in ev.facts if kind is None or f.kind == kind]
