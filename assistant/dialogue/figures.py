"""The figure a row of a grouped answer states about plan targets: the one whose measure the question asks.

A plan's clause states several targets at once ("… doanh thu bình quân tăng X%; tỷ lệ cán bộ qua đào tạo đạt
Y%"), and the clause the ranker puts first for a question about one measure of a province may state every target
but the one asked. So when a clause retrieved for the row states a figure of the very measure asked (a measure
whose words are all asked) and the row's answer does not, that figure answers the row; and a row stating a
figure of the very measure asked addresses the question even when its clause words the topic otherwise.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from assistant.models import Answer, Hit, QueryAnalysis
from ingest.models import Fact

if TYPE_CHECKING:
    from assistant.dialogue.source import AnswerSource

Fit = tuple[float, int]  # share of the measure's words asked, number of them


def asked_words(analysis: QueryAnalysis) -> frozenset[str]:
    """The question's content words, without the names of the places it is asked of."""
    from assistant.relevance import content_terms

    places = set(content_terms(" ".join([*analysis.provinces, *analysis.unknown_places])))
    return frozenset(w for w in content_terms(analysis.question) if w not in places)


def measure_fit(asked: frozenset[str], fact: Fact) -> Fit:
    from assistant.relevance import content_terms

    words = set(content_terms(fact.measure or ""))
    shared = words & asked
    return (len(shared) / len(words), len(shared)) if words else (0.0, 0)


def _targets(facts: list[Fact]) -> list[Fact]:
    return [f for f in facts if f.kind == "target" and f.value_text]


def states_the_measure_asked(analysis: QueryAnalysis, answer: Answer) -> bool:
    """Whether the answer states a plan target every word of whose measure the question uses."""
    asked = asked_words(analysis)
    return any(measure_fit(asked, f)[0] >= 1.0 for f in _targets(answer.facts))


def fitting_figures(assistant: AnswerSource, analysis: QueryAnalysis, answer: Answer,
                    hits: list[Hit]) -> tuple[Answer, bool]:
    """The row's answer (another clause's, when that states a figure of the very measure asked and the
    answer's figures do not), and whether it states a figure of the very measure asked."""
    if analysis.intent != "target":
        return answer, False
    asked = asked_words(analysis)

    def wholly(fact: Fact) -> bool:
        # Every word of the measure is asked, and they are at least half the question's words: "Số HTX" is
        # the measure of a question on how many cooperatives, not of one on their members' earnings.
        share, shared = measure_fit(asked, fact)
        return share >= 1.0 and 2 * shared >= len(asked)

    stated = _targets(answer.facts) if answer.found else []
    if any(measure_fit(asked, f)[0] >= 1.0 for f in stated):
        return answer, True  # the composer chose it among the row's clauses: all its measure's words are asked
    order = {h.clause_id: i for i, h in enumerate(hits)}
    pool = [f for f in _targets(assistant.store.facts(clause_ids=list(order)))
            if wholly(f) and (not analysis.years or f.year is None or f.year in analysis.years)]
    if not pool:
        return answer, False
    pool.sort(key=lambda f: (-measure_fit(asked, f)[1], order.get(f.clause_id, len(order))))
    lead = next(h for h in hits if h.clause_id == pool[0].clause_id)
    other = assistant.answer(analysis, [lead])
    if other.found and any(f.id == pool[0].id for f in other.facts):
        return other, True
    # The ranker doubts the clause as a whole (it states many other things), but the figure extracted from it,
    # of the asked year, in a clause retrieved for the row, is of the very measure asked.
    made = figure_answer(assistant, analysis, pool[0], other.confidence)
    return (made, True) if made.found else (answer, False)


def figure_answer(assistant: AnswerSource, analysis: QueryAnalysis, fact: Fact, confidence: float) -> Answer:
    """A one-line answer stating one extracted target, citing its clause (as the target writer words it)."""
    from assistant.compose.builder import citation
    from assistant.compose.corpus import Evidence

    clause = assistant.store.get_clause(fact.clause_id)
    doc = assistant.store.get_document(fact.document_id)
    if clause is None or doc is None:
        return Answer(question=analysis.question, answer="", found=False, intent=analysis.intent)
    cited = citation(1, Evidence(clause, doc, 0.0, 0.0))
    when = f", năm {fact.year}" if fact.year else (f", {fact.period}" if fact.period else "")
    scope = f" ({fact.scope})" if fact.scope else ""
    line = f"Theo {cited.label}: {fact.measure}{scope}: {fact.value_text}{when} [1]."
    return Answer(question=analysis.question, answer=line, found=True, intent=analysis.intent, citations=[cited],
                  facts=[fact], confidence=confidence)
