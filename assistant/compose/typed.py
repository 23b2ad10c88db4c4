"""A figure, date or body asked of a law, decree, circular or article: the span of the asked type, stated
first, then the sentence that carries it, quoted from the clause whose own text holds it."""

from __future__ import annotations

import re

from assistant.answering.candidate import Candidate
from assistant.answering.features import question_words
from assistant.answering.spans import Span, SpanQuestion, best_span, find_spans, names_unit
from assistant.compose.builder import AnswerBuilder, shorten
from assistant.compose.corpus import Corpus, Evidence, EvidenceStore, evidence_of
from assistant.compose.refusal import not_found
from assistant.labels import citation_label
from assistant.models import Answer, QueryAnalysis
from ingest.models import Clause

MAX_LISTED_POINTS = 8
# The quote runs on from the sentence holding the figure to the end of its clause up to this length: the
# sentences after a figure qualify it ("Sau thời hạn nêu trên …", "trường hợp … thì …"), and a reader checks
# the figure against the whole khoản.
QUOTE_CHARS = 480


def typed_answer(corpus: Corpus, analysis: QueryAnalysis, relevant: list[Candidate],
                 evidence: list[Evidence], context_bar: float = 0.0) -> Answer:
    """The best candidate that has a span of the asked type answers; up to two other candidates follow as
    context: the answer's own article, other articles the ranker gives at least `context_bar` (its found
    threshold), and doubted ones that state no other figure of the asked kind (the same rule in a decree backs
    the law's). A doubted clause of another article with another figure of the same kind, quoted after the
    answer, sets it beside the answer ("tối thiểu là 03 người" of the board under "ít nhất 05 thành viên" of the
    cooperative) for the reader to sort out. A clause without a span of the asked type cannot answer, so none
    found is a refusal."""
    words = question_words(analysis)
    for candidate, found in _by_exactness(analysis, relevant, words):
        span, sentence = found
        builder = AnswerBuilder()
        carrier = clause_carrying(corpus.store, candidate, sentence)
        n = builder.cite(evidence_of(candidate, carrier))
        if carrier.id != candidate.clause.id:
            builder.cite(evidence_of(candidate))  # the point the question is about, under that lead-in
        first = span.text[0].upper() + span.text[1:]
        quote = quoted_from(carrier.text, sentence)
        lead = carrier.lead_in
        shown = quote
        if lead and lead not in quote:
            shown = f"{shorten(lead, 240).removesuffix('…').rstrip()} … {quote}"
        lines = [f"{first} [{n}].", f"Theo {citation_label(candidate.document, carrier)}: “{shown}” [{n}]"]
        lines = _with_definition(corpus, span, carrier, candidate, builder, lines)
        if candidate.children and sentence in candidate.clause.text:
            # The figure is in a lead-in ("… theo 06 tiêu chí:"): its points are the rest of the answer.
            lines += [f"{child.text} [{builder.cite(evidence_of(candidate, child))}]"
                      for child in candidate.children[:MAX_LISTED_POINTS]]
        same_article = [c for c in relevant if c is not candidate and c.clause.headings[:1] == candidate.clause.headings[:1]
                        and c.document.id == candidate.document.id]
        lines += further_parts(corpus, analysis, [candidate, *same_article], builder, quote, stated=[span.text])
        others = [c for c in relevant if c is not candidate and c.clause.text.strip() != lead
                  and (c.probability >= context_bar or c in same_article
                       or not states_another_figure(analysis, c, span))][:2]
        for other in others:
            m = builder.cite(evidence_of(other))
            lines.append(f"Ngoài ra, {citation_label(other.document, other.clause)}: "
                         f"“{shorten(other.clause.text, 220)}” [{m}]")
        facts = [f for c in [candidate, *others] for f in corpus.store.facts(clause_ids=[c.clause.id])]
        return builder.answer(analysis, lines, found=True, facts=facts)
    return not_found(corpus, analysis, "Các văn bản hiện có không nêu con số hoặc cơ quan được hỏi.", evidence)


def _with_definition(corpus: Corpus, span: Span, carrier: Clause, candidate: Candidate, builder: AnswerBuilder,
                     lines: list[str]) -> list[str]:
    """The answer naming a role the documents define as a body (a "cơ quan thẩm định" that a decree says is a named
    office) says which body, and quotes the definition with its own citation; other answers as they are."""
    definition = corpus.definitions.of(span.text) if span.kind == "agency" else None
    if definition is None or definition.clause.id == carrier.id:
        return lines
    m = builder.cite(Evidence(definition.clause, definition.document, candidate.probability,
                              candidate.features.get("syllable_coverage", 0.0)))
    first = lines[0].removesuffix(".")
    quote = (f"Theo {citation_label(definition.document, definition.clause)}: "
             f"“{shorten(definition.clause.text, 320)}” [{m}]")
    return [f"{first}, tức {definition.body} [{m}].", lines[1], quote, *lines[2:]]


def states_another_figure(analysis: QueryAnalysis, candidate: Candidate, answer: Span) -> bool:
    """Whether the clause states figures of the asked kind, none of them the answer's ("03 người" beside "05
    thành viên"; a clause with "03 ngày làm việc" beside the answer "03 ngày làm việc" backs it)."""
    figures = _NUMBER_RE.findall(answer.text)
    # Of any unit: "03 người" beside "05 thành viên" is the figure a reader would confuse. A clause that also
    # states the answer's own figure backs it, whatever else it states.
    stated = [_NUMBER_RE.findall(s.text)
              for s in find_spans(candidate.clause.text, analysis.answer_type, None, analysis.answer_bound)]
    return bool(stated) and figures not in stated


_NUMBER_RE = re.compile(r"\d+(?:[.,]\d+)*")


def _by_exactness(analysis: QueryAnalysis, relevant: list[Candidate],
                  words: list[str]) -> list[tuple[Candidate, tuple[Span, str]]]:
    """The relevant candidates that hold a span of the asked type, with it, best first; for a count of a named
    unit ("bao nhiêu thành viên"), those whose span names that unit ("05 thành viên chính thức") before those
    counting it only in another unit or as a share ("03 người", "20% tổng số thành viên"): the span of the asked
    type is the answer, and the unit is part of the type."""
    asked = SpanQuestion.of(analysis.question)
    spans = [(c, found) for c in relevant
             if (found := best_span(c, analysis.answer_type, words, analysis.answer_unit, analysis.answer_bound,
                                    asked)) is not None]
    unit = analysis.answer_unit
    if analysis.answer_type != "count" or not unit:
        return spans
    return sorted(spans, key=lambda cf: not names_unit(cf[1][0].text, unit))


def further_parts(corpus: Corpus, analysis: QueryAnalysis, candidates: list[Candidate], builder: AnswerBuilder,
                  quoted: str, stated: list[str]) -> list[str]:
    """One line per further figure, date or body the question asks ("…, và phải báo trong bao lâu?"), from the
    answering clause first, then the relevant clauses of the same article; a part none of them states is left
    unanswered rather than filled from an unrelated clause (the main answer still stands). A figure already
    `stated` for another part does not answer this one: two parts asked apart are two figures, and the same one
    said twice reads as the answer to both."""
    words = question_words(analysis)
    lines: list[str] = []
    stated = list(stated)
    for part in analysis.further_parts:
        for candidate in candidates:
            found = best_span(candidate, part.answer_type, words, part.answer_unit, part.answer_bound,
                              SpanQuestion.of(analysis.question, part.text), claimed=stated)
            if found is None:
                continue
            span, sentence = found
            stated.append(span.text)
            carrier = clause_carrying(corpus.store, candidate, sentence)
            n = builder.cite(evidence_of(candidate, carrier))
            first = span.text[0].upper() + span.text[1:]
            if sentence in quoted:
                lines.append(f"{first} [{n}].")
            else:
                lines.append(f"{first} [{n}]: “{quoted_from(carrier.text, sentence)}” "
                             f"({citation_label(candidate.document, carrier)}) [{n}]")
            break
    return lines


def quoted_from(clause_text: str, sentence: str) -> str:
    """The sentence and what follows it in its clause, cut at a word within QUOTE_CHARS."""
    start = clause_text.find(sentence)
    if start < 0:
        return sentence
    rest = " ".join(clause_text[start:].split())
    if len(rest) <= max(QUOTE_CHARS, len(sentence)):
        return rest
    return sentence if len(sentence) >= QUOTE_CHARS else shorten(rest, QUOTE_CHARS)


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
