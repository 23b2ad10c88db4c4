"""Answer composition: extractive by construction.

Every agency, number and date written in an answer is copied from a cited clause (or from a fact whose
wording is a substring of its clause); the first sentence answers, the cited clause text follows, each
statement marked [n]. When the evidence does not answer the question, `found` is false and no figure is
stated. An optional generator (`Phraser`) may reword the answer later; `check_extractive` guards it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Protocol

from assistant.answering.evidence import build_candidates
from assistant.answering.features import Candidate, compute_features, question_words
from assistant.answering.ranker import Ranker, default_ranker
from assistant.answering.spans import SPAN_TYPES, best_span
from assistant.labels import citation_label, document_name, human_labels
from assistant.models import Answer, Citation, Hit, QueryAnalysis
from assistant.relevance import TermWeights, content_terms, terms
from ingest.agencies import find_agencies
from ingest.lexicon import lexicon
from ingest.models import Clause, Document, Fact
from ingest.textnorm import fold_accents

MAX_CITATIONS = 6
# How many of the best-ranked candidates an answer is built from (a display choice: the ranker decides
# whether there is an answer at all).
EVIDENCE_CANDIDATES = 4
MAX_LISTED_POINTS = 8
EXCERPT_CHARS = 320
UNCITABLE_KINDS = lexicon().documents.uncitable_kinds
LEGAL_TYPES = frozenset(lexicon().documents.legal)


class EvidenceStore(Protocol):
    def get_clauses(self, ids: list[str]) -> list[Clause]: ...
    def get_document(self, document_id: str) -> Document | None: ...
    def facts(self, kind: str | None = None, agency: str | None = None, province: str | None = None,
              document_id: str | None = None, clause_ids: list[str] | None = None) -> list[Fact]: ...
    def children(self, clause_id: str) -> list[Clause]: ...
    def get_clause(self, clause_id: str) -> Clause | None: ...
    def clauses_of(self, document_id: str) -> list[Clause]: ...


@dataclass
class Evidence:
    clause: Clause
    document: Document
    score: float
    coverage: float
    facts: list[Fact] = field(default_factory=list)


def document_label(doc: Document) -> str:
    return document_name(doc)


def _shorten(text: str, limit: int) -> str:
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[:limit].rsplit(" ", 1)[0]
    return cut + " …"


def _clause_context(ev: Evidence) -> str:
    return " ".join([*ev.clause.headings, ev.clause.text])


class Composer:
    """Turns ranked clauses into an Answer. Stateless apart from the corpus term weights."""

    def __init__(self, store: EvidenceStore, weights: TermWeights, ranker: Ranker | None = None,
                 coverage: str = "") -> None:
        self.store = store
        self.weights = weights
        self.coverage = coverage  # what the documents cover, said with every refusal
        self._ranker = ranker

    @property
    def ranker(self) -> Ranker:
        if self._ranker is None:
            self._ranker = default_ranker()  # read on first answer, so `make fit-ranker` can run without one
        return self._ranker

    def question_terms(self, analysis: QueryAnalysis) -> list[str]:
        drop = [*analysis.provinces, *analysis.unknown_places, *(str(y) for y in analysis.years)]
        return content_terms(analysis.question, drop=drop)

    # ---- entry point ----------------------------------------------------------------------------
    def rank(self, analysis: QueryAnalysis, hits: list[Hit]) -> list[Candidate]:
        """Candidates read with their structure, scored by the fitted ranker, best first."""
        candidates = build_candidates(self.store, hits)
        compute_features(analysis, candidates, self.weights)
        for candidate in candidates:
            candidate.probability = self.ranker.probability(candidate)
        return sorted(candidates, key=lambda c: (-c.probability, c.position))

    def compose(self, analysis: QueryAnalysis, hits: list[Hit]) -> Answer:
        if analysis.unknown_places:
            places = ", ".join(analysis.unknown_places)
            return self._not_found(analysis, f"Không tìm thấy văn bản nào về {places} trong các văn bản hiện có.", [])
        ranked = self.rank(analysis, hits)
        evidence = [self._evidence(c) for c in ranked]
        facts = self.store.facts(clause_ids=[e.clause.id for e in evidence]) if evidence else []
        for ev in evidence:
            ev.facts = [f for f in facts if f.clause_id == ev.clause.id]
        if analysis.asks_about:
            return self._metadata(analysis, evidence)
        confidence = ranked[0].probability if ranked else 0.0
        if analysis.intent == "tasks" and analysis.agencies:
            # "What must <agency> do?" is answered from the table of assigned tasks, not from ranked clauses:
            # the agency either has tasks in the documents or it does not (then _tasks refuses).
            answer = self._tasks(analysis, evidence[:EVIDENCE_CANDIDATES], evidence)
            answer.confidence = 1.0 if answer.found else confidence
            return answer
        relevant = evidence[:EVIDENCE_CANDIDATES] if confidence >= self.ranker.threshold else []
        if analysis.years and relevant:
            relevant = [e for e in relevant if _mentions_year(e, analysis.years, self._parent_texts(e.clause))]
            if not relevant:
                years = ", ".join(str(y) for y in analysis.years)
                return self._not_found(
                    analysis, f"Không tìm thấy thông tin cho năm {years} trong các văn bản hiện có.", evidence
                )
        if not relevant:
            return self._not_found(analysis, "Không tìm thấy nội dung trả lời câu hỏi này trong các văn bản hiện có.",
                                   evidence, confidence)
        by_id = {c.clause.id: c for c in ranked}
        if analysis.answer_type in SPAN_TYPES and not _is_plan(relevant[0].document):
            # Laws, decrees, circulars and articles state figures and bodies in their sentences: the span of
            # the asked type is the answer, and a clause without one cannot answer (no fallback below).
            answer = self._typed(analysis, [by_id[x.clause.id] for x in relevant], evidence)
            answer.confidence = confidence
            return answer
        handler = {
            "responsible": self._responsible,
            "deadline": self._deadline,
            "target": self._target,
            "support": self._listing,
            "tasks": self._tasks,
            "general": self._listing,
        }[analysis.intent]
        answer = handler(analysis, relevant, evidence)
        if not answer.found:
            # The ranker found the clauses that answer, but not in the form the intent expects (no target
            # figure, no agency named): the clauses themselves are the answer.
            answer = self._listing(analysis, relevant, evidence)
        answer.confidence = confidence
        return answer

    def _evidence_of(self, clause: Clause, candidate: Candidate) -> Evidence:
        return Evidence(clause, candidate.document, candidate.probability,
                        candidate.features.get("syllable_coverage", 0.0))

    def _evidence(self, candidate: Candidate) -> Evidence:
        return Evidence(candidate.clause, candidate.document, candidate.probability,
                        candidate.features.get("syllable_coverage", 0.0))

    def _typed(self, analysis: QueryAnalysis, relevant: list[Candidate], evidence: list[Evidence]) -> Answer:
        """A figure, date or body asked of a legal text: the span of that type, from the best candidate that has
        one, stated first; then the sentence that carries it."""
        words = question_words(analysis)
        for candidate in relevant:
            found = best_span(candidate, analysis.answer_type, words, analysis.answer_unit, analysis.answer_bound)
            if found is None:
                continue
            span, sentence = found
            builder = _AnswerBuilder()
            carrier = self._clause_carrying(candidate, sentence)
            n = builder.cite(self._evidence_of(carrier, candidate))
            if carrier.id != candidate.clause.id:
                builder.cite(self._evidence(candidate))  # the point the question is about, under that lead-in
            first = span.text[0].upper() + span.text[1:]
            lines = [f"{first} [{n}].", f"Theo {citation_label(candidate.document, carrier)}: “{sentence}” [{n}]"]
            if candidate.children and sentence in candidate.clause.text:
                # The figure is in a lead-in ("… theo 06 tiêu chí:"): its points are the rest of the answer.
                lines += [f"{child.text} [{builder.cite(self._evidence_of(child, candidate))}]"
                          for child in candidate.children[:MAX_LISTED_POINTS]]
            others = [c for c in relevant if c is not candidate][:2]
            for other in others:
                m = builder.cite(self._evidence(other))
                lines.append(f"Ngoài ra, {citation_label(other.document, other.clause)}: "
                             f"“{_shorten(other.clause.text, 220)}” [{m}]")
            facts = [f for c in [candidate, *others] for f in self.store.facts(clause_ids=[c.clause.id])]
            return builder.answer(analysis, lines, found=True, facts=facts)
        return self._not_found(analysis, "Các văn bản hiện có không nêu con số hoặc cơ quan được hỏi.", evidence)

    def _clause_carrying(self, candidate: Candidate, sentence: str) -> Clause:
        """The clause whose own text holds `sentence`: the candidate, its lead-in, or one of its points, so the
        citation points at the words quoted."""
        if sentence in candidate.clause.text:
            return candidate.clause
        for child in candidate.children:
            if sentence in child.text:
                return child
        if candidate.clause.parent_id:
            parent = self.store.get_clause(candidate.clause.parent_id)
            if parent is not None and sentence in parent.text:
                return parent
        return candidate.clause

    def _parent_texts(self, clause: Clause, depth: int = 3) -> str:
        """Text of the enclosing items (a bullet's lead-in often carries the year: "chỉ tiêu đến năm 2020:")."""
        texts: list[str] = []
        parent_id = clause.parent_id
        while parent_id and len(texts) < depth:
            parent = self.store.get_clause(parent_id)
            if parent is None:
                break
            texts.append(parent.text)
            parent_id = parent.parent_id
        return " ".join(texts)

    # ---- intents --------------------------------------------------------------------------------
    def _responsible(self, analysis: QueryAnalysis, relevant: list[Evidence], evidence: list[Evidence]) -> Answer:
        chosen = [e for e in relevant[:4] if any(f.kind == "responsibility" for f in e.facts)]
        if chosen:
            best = max(e.coverage for e in chosen)
            chosen = [e for e in chosen if e.coverage >= best - 0.1]
        named = set(analysis.agencies)
        if named and chosen and all(
            {f.agency for f in e.facts if f.kind == "responsibility" and f.role == "lead"} <= named for e in chosen
        ):
            # The only "answer" is the agency the question itself names ("Ai là giám đốc Liên minh HTX?").
            return self._not_found(analysis, "Các văn bản hiện có không nêu thông tin này.", evidence)
        if not chosen and _is_national_legal_text(relevant[0].document):
            # Laws assign roles to bodies (Đại hội thành viên, Hội đồng quản trị), not to provincial agencies:
            # the clause itself is the answer.
            return self._listing(analysis, relevant, evidence)
        if not chosen:
            return self._not_found(
                analysis, "Các văn bản hiện có không nêu rõ cơ quan chịu trách nhiệm cho việc này.", evidence
            )
        groups = _group_by_document(chosen[:3])
        builder = _AnswerBuilder()
        sentences: list[str] = []
        for doc, items in groups:
            for ev in items[:2]:
                n = builder.cite(ev)
                leads = _agencies(ev.facts, "lead")
                coordinators = _agencies(ev.facts, "coordinate")
                who = ", ".join(leads) if leads else ", ".join(coordinators)
                role = "chủ trì" if leads else "phối hợp thực hiện"
                sentence = f"Theo {citation_label(doc, ev.clause)}: {who} {role}"
                if leads and coordinators:
                    sentence += f", phối hợp với {', '.join(coordinators)}"
                sentences.append(sentence + f" [{n}].")
        return builder.answer(analysis, sentences, found=True, facts=_facts_of(chosen))

    def _deadline(self, analysis: QueryAnalysis, relevant: list[Evidence], evidence: list[Evidence]) -> Answer:
        chosen = [e for e in relevant[:4] if any(f.kind == "deadline" for f in e.facts)]
        if not chosen and _is_national_legal_text(relevant[0].document):
            return self._listing(analysis, relevant, evidence)  # time limits in laws are rules, quoted whole
        if not chosen:
            return self._not_found(analysis, "Các văn bản hiện có không nêu thời hạn cho việc này.", evidence)
        builder = _AnswerBuilder()
        sentences: list[str] = []
        for doc, items in _group_by_document(chosen[:3]):
            for ev in items[:2]:
                n = builder.cite(ev)
                deadlines = [f for f in ev.facts if f.kind == "deadline" and f.wording]
                wording = "; ".join(dict.fromkeys(f.wording or "" for f in deadlines))
                agencies = [a for a in _agencies(ev.facts, "lead")]
                who = f" ({', '.join(agencies)})" if agencies else ""
                sentences.append(f"Theo {citation_label(doc, ev.clause)}{who}: thời hạn là {wording} [{n}].")
        return builder.answer(analysis, sentences, found=True, facts=_facts_of(chosen, "deadline"))

    def _target(self, analysis: QueryAnalysis, relevant: list[Evidence], evidence: list[Evidence]) -> Answer:
        q_folded = fold_accents(analysis.question)
        scored: list[tuple[float, int, Fact, Evidence]] = []
        for rank, ev in enumerate(relevant[:6]):
            names_asked_agency = bool(analysis.agencies) and bool(
                set(analysis.agencies) & {m.canonical for m in find_agencies(_clause_context(ev))}
            )
            for fact in ev.facts:
                if fact.kind != "target" or not fact.value_text:
                    continue
                score = ev.coverage - 0.05 * rank + (0.4 if names_asked_agency else 0.0)
                if fact.scope and fold_accents(fact.scope) in q_folded:
                    score += 0.5
                elif fact.scope and ev.clause.kind == "table_row":
                    continue  # a district cell the question did not ask about
                if analysis.years and fact.year in analysis.years:
                    score += 0.2
                measure_terms = set(terms(fact.measure or ""))
                q_terms = set(self.question_terms(analysis))
                if measure_terms and q_terms:
                    # Jaccard: among row labels sharing the asked words, the one adding least beyond them wins
                    # ("HTX đang hoạt động" over "Phân loại HTX đang hoạt động theo lĩnh vực").
                    score += 0.3 * len(measure_terms & q_terms) / len(measure_terms | q_terms)
                scored.append((score, rank, fact, ev))
        if not scored and _is_national_legal_text(relevant[0].document) and _NUMBER_WORD_RE.search(relevant[0].clause.text):
            # Laws state thresholds (at least 5 members, under 35%), not plan targets: the rule is quoted whole.
            return self._listing(analysis, relevant, evidence)
        if not scored:
            return self._not_found(analysis, "Các văn bản hiện có không nêu con số cho nội dung này.", evidence)
        scored.sort(key=lambda s: (-s[0], s[1]))
        top_score = scored[0][0]
        if len(analysis.provinces) > 1:
            best_per_document: dict[str, tuple[float, int, Fact, Evidence]] = {}
            for item in scored:
                best_per_document.setdefault(item[3].document.id, item)
            picked = list(best_per_document.values())[:4]
        else:
            picked = [s for s in scored if s[0] >= top_score - 0.1][:3]
        builder = _AnswerBuilder()
        sentences = []
        for _, _, fact, ev in picked:
            n = builder.cite(ev)
            when = f", năm {fact.year}" if fact.year else (f", {fact.period}" if fact.period else "")
            scope = f" ({fact.scope})" if fact.scope else ""
            measure = _shorten(fact.measure or "", 140)
            sentences.append(
                f"Theo {citation_label(ev.document, ev.clause)}: {measure}{scope}: "
                f"{fact.value_text}{' ' + fact.unit if fact.unit and fact.unit not in fact.value_text else ''}{when} [{n}]."
            )
        facts = [p[2] for p in picked]
        return builder.answer(analysis, list(dict.fromkeys(sentences)), found=True, facts=facts)

    def _tasks(self, analysis: QueryAnalysis, relevant: list[Evidence], evidence: list[Evidence]) -> Answer:
        if not analysis.agencies:
            return self._listing(analysis, relevant, evidence)
        agency = analysis.agencies[0]
        facts = [f for f in self.store.facts(kind="responsibility", agency=agency)
                 if not analysis.provinces or f.province in analysis.provinces]
        if analysis.document_ids:
            facts = [f for f in facts if f.document_id in analysis.document_ids]
        if not facts:
            return self._not_found(analysis, f"Không tìm thấy nhiệm vụ nào của {agency} trong các văn bản hiện có.",
                                   evidence)
        clauses = {c.id: c for c in self.store.get_clauses(list(dict.fromkeys(f.clause_id for f in facts)))}
        topic = content_terms(analysis.question, drop=[*analysis.provinces, *analysis.agencies])
        if topic:
            # A topic beyond the agency ("... liên quan đến quỹ tín dụng nhân dân") puts the matching tasks first.
            def topicality(fact: Fact) -> float:
                clause = clauses.get(fact.clause_id)
                return self.weights.coverage(topic, " ".join([*clause.headings, clause.text])) if clause else 0.0

            facts = sorted(facts, key=topicality, reverse=True)
        builder = _AnswerBuilder()
        by_doc: dict[str, list[Fact]] = {}
        # The agency's own tasks (lead) before those it only supports (coordinate), each in document order.
        for fact in sorted(facts, key=lambda f: f.role != "lead"):  # stable: topical order kept within a role
            by_doc.setdefault(fact.document_id, []).append(fact)
        sentences = [f"Nhiệm vụ được giao cho {agency}, theo từng văn bản:"]
        for document_id, doc_facts in by_doc.items():
            doc = self.store.get_document(document_id)
            if doc is None:
                continue
            marks = []
            for fact in doc_facts:
                clause = clauses.get(fact.clause_id)
                if clause is None or len(marks) >= 8 or any(m[0] == clause.id for m in marks):
                    continue
                n = builder.cite(Evidence(clause, doc, 1.0, 1.0, [fact]))
                role = "chủ trì" if fact.role == "lead" else "phối hợp"
                marks.append((clause.id, f"({role}) {_shorten(clause.text, 300)} [{n}]"))
            sentences.append(f"• {document_name(doc)}: " + "; ".join(m[1] for m in marks) + ".")
        return builder.answer(analysis, sentences, found=True, facts=facts[:40])

    def _listing(self, analysis: QueryAnalysis, relevant: list[Evidence], evidence: list[Evidence]) -> Answer:
        """Support measures and general questions: the best clauses, widened to their siblings under a
        shared heading when the best clause is one item of a list (a support programme, a task list)."""
        top = relevant[0]
        chosen: list[Evidence] = [top]
        if top.clause.kind == "heading":
            # A bare section heading ("2.5. Sở Tài chính:") answers through its items.
            related = self.store.children(top.clause.id)
        elif top.clause.parent_id and top.clause.kind in {"bullet", "paragraph"}:
            related = self.store.children(top.clause.parent_id)
        else:
            related = []
        for sib in related:
            if sib.id != top.clause.id and sib.kind not in UNCITABLE_KINDS and len(chosen) < 5:
                chosen.append(Evidence(sib, top.document, top.score, top.coverage))
        if len(analysis.provinces) > 1:
            # Several provinces asked: the best clause of every other document comes before more of the first.
            for ev in relevant[1:]:
                if all(ev.document.id != c.document.id for c in chosen):
                    chosen.append(ev)
        for ev in relevant[1:]:
            if len(chosen) >= MAX_CITATIONS:
                break
            if all(ev.clause.id != c.clause.id for c in chosen):
                chosen.append(ev)
        builder = _AnswerBuilder()
        sentences = []
        for doc, items in _group_by_document(chosen):
            lead = f"Theo {citation_label(doc, items[0].clause)}:"
            parts = [f"{_shorten(ev.clause.text, 500 if ev is top else 220)} [{builder.cite(ev)}]" for ev in items]
            sentences.append(lead + " " + "; ".join(parts) + ".")
        facts = [f for ev in chosen for f in ev.facts]
        return builder.answer(analysis, sentences, found=True, facts=facts)

    def _metadata(self, analysis: QueryAnalysis, evidence: list[Evidence]) -> Answer:
        """Which province / who signed / when / what number: read from the document record, and cite the clause
        that states it. A field the text does not give is reported as unknown, never guessed."""
        field_name = analysis.asks_about or ""
        label = _METADATA_LABELS[field_name]
        if not evidence:
            return self._not_found(analysis, f"Không xác định được văn bản nào được hỏi nên không rõ {label}.", [])
        doc = evidence[0].document
        value = getattr(doc, field_name)
        if not value:
            return self._not_found(
                analysis, f"{document_label(doc)} không ghi {label}; các văn bản hiện có không cho biết thông tin này.",
                evidence[:1],
            )
        shown = _display_date(value) if field_name == "issue_date" else value
        spellings = _date_spellings(value) if field_name == "issue_date" else [value]
        stating = next((c for c in self.store.clauses_of(doc.id) if any(s in c.text for s in spellings)), None)
        builder = _AnswerBuilder()
        if stating is None:
            sentence = f"{label.capitalize()} của {document_label(doc)}: {shown} (theo danh mục văn bản, không trích được từ nội dung)."
            return builder.answer(analysis, [sentence], found=True, facts=[])
        n = builder.cite(Evidence(stating, doc, evidence[0].score, 1.0))
        return builder.answer(analysis, [f"{label.capitalize()} của {document_label(doc)}: {shown} [{n}]."],
                              found=True, facts=[])

    # ---- refusal --------------------------------------------------------------------------------
    def _not_found(self, analysis: QueryAnalysis, message: str, evidence: list[Evidence],
                   confidence: float = 0.0) -> Answer:
        related = [_citation(i + 1, ev) for i, ev in enumerate(evidence[:3])]
        text = message
        if related:
            text += " Các điều khoản có thể liên quan: " + "; ".join(
                citation_label(ev.document, ev.clause) for ev in evidence[:3]
            ) + "."
        if self.coverage:
            text += " " + self.coverage
        return Answer(question=analysis.question, answer=text, found=False, intent=analysis.intent, related=related,
                      confidence=confidence)


_METADATA_LABELS = {
    "province": "tỉnh ban hành",
    "signer": "người ký",
    "issue_date": "ngày ban hành",
    "number": "số hiệu",
    "issuer": "cơ quan ban hành",
}


def _display_date(iso: str) -> str:
    year, month, day = iso.split("-")
    return f"{int(day)}/{int(month)}/{year}"


def _date_spellings(iso: str) -> list[str]:
    year, month, day = iso.split("-")
    d, m = int(day), int(month)
    return [f"{d}/{m}/{year}", f"{day}/{month}/{year}", f"ngày {d} tháng {m} năm {year}",
            f"ngày {day} tháng {month} năm {year}", f"ngày {d} tháng {month} năm {year}"]


class _AnswerBuilder:
    def __init__(self) -> None:
        self.citations: list[Citation] = []

    def cite(self, ev: Evidence) -> int:
        for c in self.citations:
            if c.clause_id == ev.clause.id:
                return c.n
        citation = _citation(len(self.citations) + 1, ev)
        self.citations.append(citation)
        return citation.n

    def answer(self, analysis: QueryAnalysis, sentences: list[str], found: bool, facts: list[Fact]) -> Answer:
        body = "\n".join(sentences)
        # Clauses the sentences name but do not quote are quoted once, briefly, so the answer can be checked
        # without opening them; the list of sources itself is shown by the page (and printed by the CLI).
        quoted = "\n".join(f"[{c.n}] “{_shorten(c.text, EXCERPT_CHARS)}”" for c in self.citations
                           if _shorten(c.text, EXCERPT_CHARS).rstrip(" …") not in body)
        text = body + ("\n\nTrích dẫn:\n" + quoted if quoted else "")
        return Answer(question=analysis.question, answer=text, found=found, intent=analysis.intent,
                      citations=self.citations, facts=facts)


def _citation(n: int, ev: Evidence) -> Citation:
    return Citation(
        n=n, clause_id=ev.clause.id, document_id=ev.document.id, document_title=ev.document.title,
        document_number=ev.document.number, path=ev.clause.path, headings=ev.clause.headings, text=ev.clause.text,
        line_start=ev.clause.line_start, line_end=ev.clause.line_end, score=round(ev.score, 6),
        **human_labels(ev.document, ev.clause),
    )


def _is_national_legal_text(doc: Document) -> bool:
    return doc.province is None and doc.type in LEGAL_TYPES


def _is_plan(doc: Document) -> bool:
    """Plans and notices (and any provincial document) assign tasks and targets to agencies."""
    return doc.province is not None or doc.type in lexicon().documents.plan


def _group_by_document(items: list[Evidence]) -> list[tuple[Document, list[Evidence]]]:
    groups: dict[str, tuple[Document, list[Evidence]]] = {}
    for ev in items:
        groups.setdefault(ev.document.id, (ev.document, []))[1].append(ev)
    return list(groups.values())


def _agencies(facts: list[Fact], role: str) -> list[str]:
    return list(dict.fromkeys(f.agency_as_written or f.agency or "" for f in facts
                              if f.kind == "responsibility" and f.role == role and (f.agency or f.agency_as_written)))


def _facts_of(items: list[Evidence], kind: str | None = None) -> list[Fact]:
    return [f for ev in items for f in ev.facts if kind is None or f.kind == kind]


_YEAR_RANGE_RE = re.compile(r"(20\d\d)\s*[-–]\s*(20\d\d)")


def _mentions_year(ev: Evidence, years: list[int], parent_texts: str = "") -> bool:
    text = " ".join([ev.document.title or "", _clause_context(ev), parent_texts])
    for year in years:
        if str(year) in text:
            return True
        if any(int(a) <= year <= int(b) for a, b in _YEAR_RANGE_RE.findall(text)):
            return True
    return False


_NUMBER_WORD_RE = re.compile(r"\d|\b(một|hai|ba|bốn|năm|sáu|bảy|tám|chín|mười|trăm|nghìn|phần)\b", re.IGNORECASE)
_NUMBER_RE = re.compile(r"\d+(?:[.,]\d+)*")


def check_extractive(answer: Answer) -> list[str]:
    """Numbers in the answer's own sentences that no cited clause contains (should be empty)."""
    body = answer.answer.split("\n\nTrích dẫn:")[0]
    body = re.sub(r"\[\d+\]", " ", body)
    cited = " ".join(c.text + " " + " ".join(c.headings) + " " + (c.document_number or "") + " " + c.path
                     + " " + (c.document_title or "") for c in answer.citations)
    cited_numbers = set(_NUMBER_RE.findall(cited))
    return [n for n in _NUMBER_RE.findall(body) if n not in cited_numbers]
