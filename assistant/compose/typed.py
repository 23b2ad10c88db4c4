"""A figure, date or body asked of a law, decree, circular or article: the span of the asked type, stated
first, then the sentence that carries it, quoted from the clause whose own text holds it."""

from __future__ import annotations

from assistant.answering.candidate import Candidate
from assistant.answering.features import question_words
from assistant.answering.spans import best_span
from assistant.compose.builder import AnswerBuilder, shorten
from assistant.compose.corpus import Corpus, Evidence, EvidenceStore, evidence_of
from assistant.compose.refusal import not_found
from assistant.labels import citation_label
from assistant.models import Answer, QueryAnalysis
from ingest.models import Clause

MAX_LISTED_POINTS = 8


def typed_answer(corpus: Corpus, analysis: QueryAnalysis, relevant: list[Candidate],
                 evidence: list[Evidence]) -> Answer:
    """The best candidate that has a span of the asked type answers; two other candidates follow as context.
    A clause without such a span cannot answer, so none found is a refusal."""
    words = question_words(analysis)
    for candidate in relevant:
        found = best_span(candidate, analysis.answer_type, words, analysis.answer_unit, analysis.answer_bound)
        if found is None:
            continue
        span, sentence = found
        builder = AnswerBuilder()
        carrier = clause_carrying(corpus.store, candidate, sentence)
        n = builder.cite(evidence_of(candidate, carrier))
        if carrier.id != candidate.clause.id:
            builder.cite(evidence_of(candidate))  # the point the question is about, under that lead-in
        first = span.text[0].upper() + span.text[1:]
        lines = [f"{first} [{n}].", f"Theo {citation_label(candidate.document, carrier)}: “{sentence}” [{n}]"]
        if candidate.children and sentence in candidate.clause.text:
            # The figure is in a lead-in ("… theo 06 tiêu chí:"): its points are the rest of the answer.
            lines += [f"{child.text} [{builder.cite(evidence_of(candidate, child))}]"
                      for child in candidate.children[:MAX_LISTED_POINTS]]
        others = [c for c in relevant if c is not candidate][:2]
        for other in others:
            m = builder.cite(evidence_of(other))
            lines.append(f"Ngoài ra, {citation_label(other.document, other.clause)}: "
                         f"“{shorten(other.clause.text, 220)}” [{m}]")
        facts = [f for c in [candidate, *others] for f in corpus.store.facts(clause_ids=[c.clause.id])]
        return builder.answer(analysis, lines, found=True, facts=facts)
    return not_found(corpus, analysis, "Các văn bản hiện có không nêu con số hoặc cơ quan được hỏi.", evidence)


def clause_carrying(store: EvidenceStore, candidate: Candidate, sentence: str) -> Clause:
    """The clause whose own text holds `sentence`: the candidate, its lead-in, or one of its points, so the
    citation points at the words quoted."""
    if sentence in candidate.clause.text:
        return candidate.clause
    for child in candidate.children:
        if sentence in child.text:
            return child
    if candidate.clause.parent_id:
        parent = store.get_clause(candidate.clause.parent_id)
        if parent is not None and sentence in parent.text:
            return parent
    return candidate.clause
