"""What the ranker sees of one candidate: a retrieved clause read with its structure, against the question.

A candidate is a clause *with its context*: the headings above it (the Điều title, a khoản's lead-in, a plan
item's section that names the agency) and, when it is itself a lead-in ("Các nội dung sau đây … khi có ít nhất
65% …"), the points below it. Every feature is a number the fitted model weighs; nothing here decides.
"""

from __future__ import annotations

import math
import re
from functools import lru_cache

from assistant.answering.candidate import Candidate
from assistant.answering.spans import (
    SPAN_TYPES,
    SpanQuestion,
    best_span,
    find_spans,
    names_unit,
    organisations_named,
    span_bound,
)
from assistant.models import QueryAnalysis
from assistant.query import asked_stretches, is_legal_text
from assistant.relevance import TermWeights, content_terms, term_set, terms
from ingest.lexicon import contains_phrase, fold_words, lexicon
from ingest.models import Clause
from ingest.textnorm import contract

FEATURE_NAMES: tuple[str, ...] = (
    "syllable_coverage",  # IDF share of the question's content syllables found in the candidate with context
    "asked_coverage",  # the same for the stretches that ask, without the scene a user sets ("Tổ chúng tôi có bảy gia đình…")
    "word_coverage",  # share of the question's underthesea words (phrases, synonyms allowed) found
    "clause_coverage",  # syllable coverage of the clause's own text only
    "phrase_coverage",  # IDF share of the question's adjacent content-syllable pairs found as pairs
    "title_coverage",  # syllable coverage of headings + document title only
    "fused_position",  # 1 / (1 + position in the fused ranking)
    "dense_position",  # 1 / (1 + dense rank), 0 if the dense retriever did not return it
    "dense_off",  # no candidate has a dense rank (a question typed without diacritics is not embedded)
    "lexical_position",  # 1 / (1 + BM25 rank), 0 if absent
    "needs_span",  # the question asks for a figure, date or agency
    "has_span",  # the candidate holds a span of the asked type
    "span_missing",  # needs a span and has none: cannot answer
    "span_sentence_coverage",  # share of the question's words in the sentence holding the best span (0 if none)
    "unit_named",  # a count question's unit is the best span's own word ("05 thành viên"), not an equivalent
    "organisation_mismatch",  # the answering sentence names only kinds of organisation the question does not
    "rarest_missing",  # the rarest question word the candidate lacks, as a share of the rarest question word's IDF
    "subject_missing",  # share of the clause's own subject (its Điều/section title) the question does not name
    "defines_named_term",  # the clause defines ("X là …", in a definitions article) a term the question names
    "year_match",  # +1 the asked year is in the candidate or its lead-ins, -1 it is not, 0 no year asked or a law
    "agency_match",  # +1 an agency named by the question is in the candidate, -1 not, 0 none named
    "legal_text",  # the document is a national legal text
    "is_heading",  # the clause is a heading / lead-in
    "text_length",  # log of the clause's length
)


def question_words(analysis: QueryAnalysis) -> list[str]:
    """Content words of the question: underthesea words (multi-syllable kept whole), folded, question frame and
    stop words removed, names already used as filters dropped."""
    drop = {fold_words(x) for x in [*analysis.provinces, *analysis.unknown_places, *map(str, analysis.years)]}
    q = lexicon().question
    frame = " " + " ".join(fold_words(w).replace(" ", "_") for w in analysis.words) + " "
    for phrase in q.stop_phrases:
        frame = frame.replace(" " + phrase.replace(" ", "_") + " ", " ")
    out: list[str] = []
    for token in frame.split():
        word = token.replace("_", " ")
        if not re.search(r"[a-z0-9]", word) or word in q.stop_words or word in drop:
            continue
        if word not in out:
            out.append(word)
    return out


def _word_present(word: str, folded_text: str) -> bool:
    for form in lexicon().synonyms_of(word):
        if re.search(rf"(?<![a-z0-9]){re.escape(form)}(?![a-z0-9])", folded_text):
            return True
    return False


def word_coverage(words: list[str], folded_text: str, weights: TermWeights) -> float:
    if not words:
        return 0.0
    mass = [sum(weights.idf(s) for s in w.split()) / max(len(w.split()), 1) for w in words]
    total = sum(mass)
    if total <= 0:
        return 0.0
    return sum(m for w, m in zip(words, mass, strict=True) if _word_present(w, folded_text)) / total


def synonym_groups_asked(folded_question: str) -> list[tuple[tuple[str, ...], tuple[str, ...]]]:
    """The synonym groups the question uses (lexicon: synonyms): the members it names, and the others."""
    out = []
    for group in lexicon().synonyms:
        named = tuple(p for p in group if contains_phrase(folded_question, p))
        if named:
            out.append((named, tuple(p for p in group if p not in named)))
    return out


def with_synonyms_named(text: str, groups: list[tuple[tuple[str, ...], tuple[str, ...]]]) -> str:
    """`text` with the question's own wording added wherever the text says the same with a synonym ("ít nhất"
    for "tối thiểu"): syllable coverage then counts the question's words as present, as word coverage does."""
    folded = _folded(text)
    added = [" ".join(named) for named, others in groups if any(contains_phrase(folded, p) for p in others)]
    return f"{text} {' '.join(added)}" if added else text


def _pairs(syllables: list[str]) -> list[str]:
    return [f"{a} {b}" for a, b in zip(syllables, syllables[1:], strict=False)]


def phrase_coverage(question_syllables: list[str], folded_text: str, weights: TermWeights) -> float:
    """Like syllable coverage, over pairs of adjacent question syllables: "quỹ dự phòng" matches a clause about
    that fund, not one that has "quỹ" here and "dự phòng" there."""
    pairs = _pairs(question_syllables)
    if not pairs:
        return 0.0
    text_pairs = set(_pairs(folded_text.split()))
    mass = [weights.idf(p.split()[0]) + weights.idf(p.split()[1]) for p in pairs]
    total = sum(mass)
    return sum(m for p, m in zip(pairs, mass, strict=True) if p in text_pairs) / total if total > 0 else 0.0


def rarest_missing(question_terms: list[str], text: str, weights: TermWeights) -> float:
    """1.0 when the question's rarest word is absent ("du lịch" in a question no plan item mentions), lower
    when only commoner words are missing, 0 when every word is present."""
    if not question_terms:
        return 0.0
    present = term_set(text)
    top = max(weights.idf(t) for t in question_terms)
    missing = [weights.idf(t) for t in question_terms if t not in present]
    return max(missing) / top if missing and top > 0 else 0.0


_DEFINED_TERM_RE = re.compile(r"^\s*(?:\d+\.\s*)?(.{3,80}?)\s+là\s")


def subject_missing(clause: Clause, question_terms: set[str], weights: TermWeights) -> float:
    """How much of the nearest heading's rare words the question does not name: a clause under
    "Điều 65. Hội đồng quản trị" answers questions about the board, not about founding a cooperative. A clause
    of a definitions article is about the term it defines."""
    if not clause.headings:
        return 0.0
    subject = clause.headings[-1]
    if any(contains_phrase(_folded(subject), t) for t in lexicon().documents.definition_titles):
        defined = _DEFINED_TERM_RE.match(clause.text)
        subject = defined.group(1) if defined else subject
    heading_terms = set(content_terms(subject))
    if not heading_terms:
        return 0.0
    total = sum(weights.idf(t) for t in heading_terms)
    if total <= 0:
        return 0.0
    return sum(weights.idf(t) for t in heading_terms if t not in question_terms) / total


def defines_named_term(clause: Clause, folded_question: str) -> float:
    """1 for a clause of a definitions article whose defined term the question names: "Hợp tác xã là tổ chức … do
    ít nhất 05 thành viên … thành lập" states what a founder asks, though it came in through the definitions
    (`Retriever`), not the similarity lists, and so sits low in every ranking."""
    if not clause.headings or not any(contains_phrase(_folded(clause.headings[-1]), t)
                                      for t in lexicon().documents.definition_titles):
        return 0.0
    defined = _DEFINED_TERM_RE.match(clause.text)
    if defined is None:
        return 0.0
    term = defined.group(1)
    # "htx" typed in lower case is not expanded with the question: the term is looked for as its acronym too.
    return 1.0 if any(contains_phrase(folded_question, _folded(form)) for form in (term, contract(term))) else 0.0


def organisation_mismatch(question: str, unit: str, heading: str) -> float:
    """1.0 when the question names kinds of organisation and the sentence that would answer (with its lead-in
    and nearest heading) names only others: a fund's rule stated for a question about a cooperative."""
    asked = organisations_named(question)
    stated = organisations_named(unit) | organisations_named(heading)
    return 1.0 if asked and stated and not asked & stated else 0.0


@lru_cache(maxsize=8192)
def _folded(text: str) -> str:
    return fold_words(text)


@lru_cache(maxsize=8192)
def _agencies_in(text: str) -> frozenset[str]:
    from ingest.agencies import find_agencies

    return frozenset(m.canonical for m in find_agencies(text))


def _year_feature(analysis: QueryAnalysis, text: str) -> float:
    if not analysis.years:
        return 0.0
    for year in analysis.years:
        if str(year) in text:
            return 1.0
        for a, b in re.findall(r"(20\d\d)\s*[-–]\s*(20\d\d)", text):
            if int(a) <= year <= int(b):
                return 1.0
    return -1.0


def _span_unit(clause: Clause, sentence: str) -> str:
    """The sentence holding a span, read with the other half of its point-under-lead-in pair: a lead-in "Thủ
    tục tách hợp tác xã … như sau:" names the procedure, its point "b) … trong thời hạn 15 ngày …" the time;
    neither alone covers a question that asks both."""
    lead = clause.headings[-1] if clause.headings else ""
    if not lead.rstrip().endswith(":") or lead == clause.text:
        return sentence
    return f"{lead} {clause.text}" if sentence in lead or sentence in clause.text else sentence


def compute_features(analysis: QueryAnalysis, candidates: list[Candidate], weights: TermWeights) -> None:
    # Names already used as filters are not words a clause must repeat: "Theo Luật HTX, …" is answered by a
    # clause of that law, which does not name itself, so counting "luật" against every clause lowered the
    # coverage, and the probability, of each answer to a question that names its document.
    filtered = [*analysis.provinces, *analysis.unknown_places, *(str(y) for y in analysis.years),
                *analysis.document_mentions]
    q_terms = content_terms(analysis.question, drop=filtered)
    q_term_set = set(q_terms) | set(terms(analysis.question))
    asked, stretches = asked_stretches(analysis.question)
    asked_terms = content_terms(" ".join(asked), drop=filtered) if asked and len(asked) < len(stretches) else q_terms
    words = question_words(analysis)
    stop = lexicon().question.stop_words
    q_syllables = [t for t in terms(analysis.question) if t not in stop]
    needs_span = analysis.answer_type in SPAN_TYPES
    span_question = SpanQuestion.of(analysis.question)
    coverages: list[float] = []
    dense_off = 0.0 if any(c.hit.dense_rank for c in candidates) else 1.0
    synonyms_asked = synonym_groups_asked(_folded(analysis.question))
    folded_question = _folded(analysis.normalized)
    for c in candidates:
        title = " ".join([c.document.title or "", *c.clause.headings])
        full = " ".join([title, c.context])
        syllable = weights.coverage(q_terms, with_synonyms_named(full, synonyms_asked))
        coverages.append(syllable)
        folded_context = _folded(full)
        spans = ([s for s in find_spans(c.context, analysis.answer_type, analysis.answer_unit, analysis.answer_bound)
                  if not span_question.excludes(c.context, s)] if needs_span else [])
        # A figure of the asked kind answers only if its own sentence is about what was asked: "20 tỷ đồng"
        # in a sentence on a fund's charter capital does not answer a question on a member's contribution.
        best = (best_span(c, analysis.answer_type, words, analysis.answer_unit, analysis.answer_bound,
                          span_question) if spans else None)
        c.answer_span = best[0].text if best else None
        c.answer_span_bound = span_bound(best[0]) if best else None
        unit = _span_unit(c.clause, best[1]) if best else c.clause.text
        span_sentence = word_coverage(words, _folded(unit), weights) if best else 0.0
        is_legal = is_legal_text(c.document)
        agencies_named = set(analysis.agencies)
        if agencies_named:
            present = _agencies_in(" ".join([*c.clause.headings, c.context]))
            agency = 1.0 if agencies_named & present else -1.0
        else:
            agency = 0.0
        c.features = {
            "syllable_coverage": syllable,
            "asked_coverage": (weights.coverage(asked_terms, with_synonyms_named(full, synonyms_asked))
                               if asked_terms is not q_terms else syllable),
            "word_coverage": word_coverage(words, folded_context, weights),
            "clause_coverage": weights.coverage(q_terms, with_synonyms_named(c.clause.text, synonyms_asked)),
            "phrase_coverage": phrase_coverage(q_syllables, " ".join(terms(full)), weights),
            "title_coverage": weights.coverage(q_terms, title),
            "fused_position": 1.0 / (1 + c.position),
            "dense_position": 1.0 / (1 + c.hit.dense_rank) if c.hit.dense_rank else 0.0,
            "dense_off": dense_off,
            "lexical_position": 1.0 / (1 + c.hit.lexical_rank) if c.hit.lexical_rank else 0.0,
            "needs_span": 1.0 if needs_span else 0.0,
            "has_span": 1.0 if spans else 0.0,
            "span_missing": 1.0 if needs_span and not spans else 0.0,
            "span_sentence_coverage": span_sentence,
            "unit_named": 1.0 if best and analysis.answer_unit and names_unit(best[0].text, analysis.answer_unit)
            else 0.0,
            "organisation_mismatch": organisation_mismatch(
                analysis.question, unit, c.clause.headings[-1] if c.clause.headings else ""),
            # with the question's own wording added where the clause uses a synonym, as for coverage
            "rarest_missing": rarest_missing(q_terms, with_synonyms_named(full, synonyms_asked), weights),
            "subject_missing": subject_missing(c.clause, q_term_set, weights),
            "defines_named_term": defines_named_term(c.clause, folded_question),
            # A law holds for every year: a year in the question ("hồi tháng 3 năm 2022 bọn tôi đã họp") is the asker's
            # story, not a period the clause must name, as a plan's target must.
            "year_match": 0.0 if is_legal else _year_feature(analysis, full),
            "agency_match": agency,
            "legal_text": 1.0 if is_legal else 0.0,
            "is_heading": 1.0 if c.clause.kind == "heading" else 0.0,
            "text_length": math.log1p(len(c.clause.text)) / 8.0,
        }


def vector(candidate: Candidate) -> list[float]:
    return [candidate.features[name] for name in FEATURE_NAMES]
