"""Question analysis: what is asked (intent) and which metadata the question names.

Matching is done on accent-folded, abbreviation-expanded text so that "so tai chinh o lam dong" and
"Sở Tài chính ở Lâm Đồng" are read the same way.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from assistant.models import Filters, Intent, QueryAnalysis, RetrievalFilters
from ingest.lexicon import contains_phrase, fold_words, lexicon
from ingest.models import Document
from ingest.places import PROVINCES, canonical_province

_QUESTION_WORDS = lexicon().question
_DOCUMENT_WORDS = _QUESTION_WORDS.document_words

_YEAR_RE = re.compile(r"\b(19[5-9]\d|20[0-4]\d)\b")
_DOC_NUMBER_RE = re.compile(r"\b\d{1,5}\s*/\s*[A-ZĐ0-9]{1,6}(?:\s*-\s*[A-ZĐ0-9]{1,8}){0,3}\b", re.IGNORECASE)


_fold = fold_words
_contains_phrase = contains_phrase


@dataclass
class Catalog:
    """What the index holds, as far as question analysis needs it."""

    documents: list[Document] = field(default_factory=list)

    @property
    def provinces(self) -> list[str]:
        return sorted({d.province for d in self.documents if d.province})

    def document_ids_with_number(self, number: str) -> list[str]:
        wanted = re.sub(r"\s+", "", number).upper()
        return [d.id for d in self.documents if d.number and re.sub(r"\s+", "", d.number).upper() == wanted]


def _places_named(folded_question: str) -> list[str]:
    found: list[str] = []
    # Longest names first so "Thừa Thiên Huế" is not also read as "Huế".
    for name in sorted(PROVINCES, key=len, reverse=True):
        folded_name = _fold(name)
        if _contains_phrase(folded_question, folded_name):
            canonical = canonical_province(name)
            if canonical not in found:
                found.append(canonical)
            folded_question = folded_question.replace(folded_name, " ")
    return found


_REFERENCE_BEFORE_YEAR_RE = re.compile(
    r"(?:/|\b(?:luật|nghị định|thông tư|quyết định|nghị quyết|chỉ thị)\b[^.?!,;]{0,30}?)\s*$", re.IGNORECASE
)


def question_years(question: str) -> list[int]:
    """Years the question asks about; a year inside a document reference ("Thông tư 124/2021", "Luật HTX 2023")
    names the document, not the period asked."""
    years = set()
    for match in _YEAR_RE.finditer(question):
        if not _REFERENCE_BEFORE_YEAR_RE.search(question[: match.start()]):
            years.add(int(match.group(0)))
    return sorted(years)


def detect_intent(question: str) -> Intent:
    folded = _fold(question)
    for intent in _QUESTION_WORDS.intent_order:
        if any(_contains_phrase(folded, cue.strip()) for cue in _QUESTION_WORDS.intent_cues[intent]):
            return intent  # type: ignore[return-value]
    return "general"


def detect_metadata_question(question: str) -> str | None:
    folded = _fold(question)
    if not any(_contains_phrase(folded, w) for w in _DOCUMENT_WORDS):
        return None
    for field_name, cues in _QUESTION_WORDS.metadata_cues.items():
        if any(_contains_phrase(folded, cue) for cue in cues):
            return field_name
    return None


def analyze(question: str, catalog: Catalog, filters: Filters | None = None) -> QueryAnalysis:
    from assistant.answering.spans import expected_answer_type
    from ingest.agencies import find_agencies
    from ingest.segment import segment
    from ingest.textnorm import expand_abbreviations

    question = unicodedata.normalize("NFC", question)
    folded = _fold(question)
    places = _places_named(folded)
    corpus_provinces = {_fold(p): p for p in catalog.provinces}
    provinces = [corpus_provinces[_fold(p)] for p in places if _fold(p) in corpus_provinces]
    unknown = [p for p in places if _fold(p) not in corpus_provinces]
    if filters and filters.province:
        provinces = [filters.province]
        unknown = []

    document_ids: list[str] = []
    for match in _DOC_NUMBER_RE.finditer(question):
        document_ids.extend(catalog.document_ids_with_number(match.group(0)))
    if filters and filters.document_id:
        document_ids = [filters.document_id]

    agencies: list[str] = []
    for mention in find_agencies(question):
        if mention.canonical not in agencies:
            agencies.append(mention.canonical)

    return QueryAnalysis(
        question=question,
        normalized=expand_abbreviations(question),
        folded=folded,
        words=segment(question),
        intent=detect_intent(question),
        answer_type=expected_answer_type(question),
        provinces=provinces,
        unknown_places=unknown,
        years=question_years(question),
        document_ids=list(dict.fromkeys(document_ids)),
        agencies=agencies,
        asks_about=detect_metadata_question(question),
    )


def retrieval_filters(analysis: QueryAnalysis) -> RetrievalFilters:
    """Hard filters for the retrievers. Years are not a hard filter: plans name periods ('đến năm 2020'),
    so the answer composer checks the year against the cited text instead."""
    return RetrievalFilters(provinces=analysis.provinces, document_ids=analysis.document_ids)
