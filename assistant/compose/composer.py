"""The Composer: ranks the retrieved clauses, decides with the fitted ranker whether they answer at all, and
hands the ones that do to the writer of the asked kind of answer."""

from __future__ import annotations

import re
from collections.abc import Callable

from assistant.answering.answerability import answerability_features
from assistant.answering.candidate import Candidate
from assistant.answering.evidence import build_candidates
from assistant.answering.features import compute_features
from assistant.answering.ranker import Ranker, default_ranker
from assistant.answering.spans import SPAN_TYPES
from assistant.compose.corpus import Corpus, Evidence, EvidenceStore, clause_context, evidence_of, is_plan
from assistant.compose.listing import listing
from assistant.compose.metadata import metadata_answer
from assistant.compose.plans import deadline, responsible, target, tasks
from assistant.compose.references import with_reference
from assistant.compose.refusal import not_found
from assistant.compose.typed import typed_answer
from assistant.models import Answer, Hit, Intent, QueryAnalysis
from assistant.query import is_legal_text
from assistant.relevance import TermWeights

# How many of the best-ranked candidates an answer is built from (a display choice: the ranker decides
# whether there is an answer at all).
EVIDENCE_CANDIDATES = 4

Writer = Callable[[Corpus, QueryAnalysis, list[Evidence], list[Evidence]], Answer]
WRITERS: dict[Intent, Writer] = {
    "responsible": responsible,
    "deadline": deadline,
    "target": target,
    "support": listing,
    "tasks": tasks,
    "general": listing,
}


class Composer:
    """Turns ranked clauses into an Answer. Stateless apart from the corpus term weights."""

    def __init__(self, store: EvidenceStore, weights: TermWeights, ranker: Ranker | None = None,
                 coverage: str = "") -> None:
        self.corpus = Corpus(store, weights, coverage)
        self._ranker = ranker

    @property
    def ranker(self) -> Ranker:
        if self._ranker is None:
            self._ranker = default_ranker()  # read on first answer, so `make fit-ranker` can run without one
        return self._ranker

    def rank(self, analysis: QueryAnalysis, hits: list[Hit]) -> list[Candidate]:
        """Candidates read with their structure, scored by the fitted ranker, best first."""
        candidates = build_candidates(self.corpus.store, hits)
        compute_features(analysis, candidates, self.corpus.weights)
        return self.ranker.score(candidates)

    def compose(self, analysis: QueryAnalysis, hits: list[Hit], threshold: float | None = None,
                rivals: list[Hit] | None = None, answerability_bar: float | None = None) -> Answer:
        """`threshold`: the probability the best clause needs to answer (a row of a grouped answer, a chat
        follow-up in its thread). Without one, a question asked whole is answered when the fitted answerability
        model trusts the ranking (the ranker's found threshold when it has none). `rivals`: when `hits` are a few
        clauses searched on their own (those near an earlier answer), the whole corpus's hits: the model judges
        the best of `hits` against them, as it was fitted to. Among a handful of clauses the best has no rival
        and every answer would look sure. `answerability_bar`: the model's threshold for this ranking (a follow-up
        searched among the clauses near its thread's answer has its own, fitted on conversations)."""
        answerability = self.ranker.answerability if threshold is None else None
        threshold = self.ranker.threshold if threshold is None else threshold
        if analysis.unknown_places:
            places = ", ".join(analysis.unknown_places)
            return not_found(self.corpus, analysis,
                             f"Không tìm thấy văn bản nào về {places} trong các văn bản hiện có.", [])
        ranked = self.rank(analysis, hits)
        evidence = self._with_facts([evidence_of(c) for c in ranked])
        if analysis.asks_about:
            return metadata_answer(self.corpus, analysis, evidence)
        confidence = ranked[0].probability if ranked else 0.0
        if analysis.intent == "tasks" and analysis.agencies:
            # "What must <agency> do?" is answered from the table of assigned tasks, not from ranked clauses:
            # the agency either has tasks in the documents or it does not (then `tasks` refuses).
            answer = tasks(self.corpus, analysis, evidence[:EVIDENCE_CANDIDATES], evidence)
            answer.confidence = 1.0 if answer.found else confidence
            return answer
        if answerability is not None:
            judged = self._against_rivals(analysis, ranked, rivals) if rivals and ranked else ranked
            bar = answerability.threshold if answerability_bar is None else answerability_bar
            answers = bool(ranked) and answerability.probability(answerability_features(analysis, judged)) >= bar
        else:
            answers = confidence >= threshold
        relevant = evidence[:EVIDENCE_CANDIDATES] if answers else []
        if analysis.years and relevant:
            # A law holds for every year; a plan's clause must name the year asked.
            relevant = [e for e in relevant
                        if is_legal_text(e.document) or mentions_year(self.corpus.store, e, analysis.years)]
            if not relevant:
                years = ", ".join(str(y) for y in analysis.years)
                return not_found(self.corpus, analysis,
                                 f"Không tìm thấy thông tin cho năm {years} trong các văn bản hiện có.", evidence)
        if not relevant:
            return not_found(self.corpus, analysis,
                             # Not "the documents do not say": often a clause listed below does, but not surely
                             # enough to be stated (the answerability model's bar).
                             "Không tìm thấy điều khoản nào trả lời chắc chắn câu hỏi này trong các văn bản hiện có.",
                             evidence, confidence)
        answer = self._write(analysis, ranked, relevant, evidence)
        answer.confidence = confidence
        return answer

    def _against_rivals(self, analysis: QueryAnalysis, ranked: list[Candidate], rivals: list[Hit]) -> list[Candidate]:
        """The best of `ranked` first, then the whole corpus's candidates in the ranker's order: a rival the
        ranker prefers shows as a second answer more likely than the first. The best is scored among them as the
        whole corpus's search placed it (not at all, when it did not find it)."""
        best = ranked[0].clause.id
        hits = rivals if any(h.clause_id == best for h in rivals) else [*rivals, Hit(clause_id=best, score=0.0)]
        among = self.rank(analysis, hits)
        return sorted(among, key=lambda c: c.clause.id != best)

    def _with_facts(self, evidence: list[Evidence]) -> list[Evidence]:
        """The evidence with the facts extracted from each clause, read in one query."""
        facts = self.corpus.store.facts(clause_ids=[e.clause.id for e in evidence]) if evidence else []
        for ev in evidence:
            ev.facts = [f for f in facts if f.clause_id == ev.clause.id]
        return evidence

    def _write(self, analysis: QueryAnalysis, ranked: list[Candidate], relevant: list[Evidence],
               evidence: list[Evidence]) -> Answer:
        return with_reference(self.corpus.store, self._draft(analysis, ranked, relevant, evidence))

    def _draft(self, analysis: QueryAnalysis, ranked: list[Candidate], relevant: list[Evidence],
               evidence: list[Evidence]) -> Answer:
        if analysis.answer_type in SPAN_TYPES and not is_plan(relevant[0].document):
            # Laws, decrees, circulars and articles state figures and bodies in their sentences: the span of
            # the asked type is the answer, and a clause without one cannot answer (no fallback below).
            return self._typed(analysis, ranked, relevant, evidence)
        answer = WRITERS[analysis.intent](self.corpus, analysis, relevant, evidence)
        if answer.found:
            return answer
        if analysis.answer_type in SPAN_TYPES and analysis.answer_type != "agency":
            # A plan item without the asked figure or date cannot answer "bao nhiêu / khi nào" by being quoted:
            # the figure is stated from the clause text, or the answer is a refusal.
            return self._typed(analysis, ranked, relevant, evidence)
        # The ranker found the clauses that answer, but not in the form the intent expects (no agency named):
        # the clauses themselves are the answer.
        return listing(self.corpus, analysis, relevant, evidence)

    def _typed(self, analysis: QueryAnalysis, ranked: list[Candidate], relevant: list[Evidence],
               evidence: list[Evidence]) -> Answer:
        by_id = {c.clause.id: c for c in ranked}
        return typed_answer(self.corpus, analysis, [by_id[x.clause.id] for x in relevant], evidence,
                            self.ranker.threshold)


_YEAR_RANGE_RE = re.compile(r"(20\d\d)\s*[-–]\s*(20\d\d)")


def mentions_year(store: EvidenceStore, ev: Evidence, years: list[int]) -> bool:
    """Whether the clause, its headings, its enclosing items or its document's title name an asked year, alone
    or inside a period ("2021-2025")."""
    text = " ".join([ev.document.title or "", clause_context(ev), parent_texts(store, ev)])
    for year in years:
        if str(year) in text:
            return True
        if any(int(a) <= year <= int(b) for a, b in _YEAR_RANGE_RE.findall(text)):
            return True
    return False


def parent_texts(store: EvidenceStore, ev: Evidence, depth: int = 3) -> str:
    """Text of the enclosing items (a bullet's lead-in often carries the year: "chỉ tiêu đến năm 2020:")."""
    texts: list[str] = []
    parent_id = ev.clause.parent_id
    while parent_id and len(texts) < depth:
        parent = store.get_clause(parent_id)
        if parent is None:
            break
        texts.append(parent.text)
        parent_id = parent.parent_id
    return " ".join(texts)
