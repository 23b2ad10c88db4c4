"""Question analysis: what is asked (intent) and which metadata the question names.

Matching is done on accent-folded, abbreviation-expanded text so that "so tai chinh o lam dong" and
"Sở Tài chính ở Lâm Đồng" are read the same way.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from assistant.models import Filters, Intent, QueryAnalysis, RetrievalFilters
from ingest.models import Document
from ingest.places import PROVINCES, canonical_province

# Intent cues, accent-folded, tried in this order: the first intent with a cue wins.
_INTENT_CUES: tuple[tuple[Intent, tuple[str, ...]], ...] = (
    ("deadline", ("han chot", "thoi han", "han cuoi", "khi nao", "bao gio", "truoc ngay", "ngay nao", "thoi gian nao",
                  "luc nao", "den ngay nao", "han hoan thanh", "han nop", "han gui", "cham nhat", "han la")),
    ("responsible", ("ai chu tri", "ai phu trach", "ai chiu trach nhiem", "co quan nao", "don vi nao", "so nao",
                     "ai la", "do ai", "ai se", "ai phai", "ai lo", "ai duoc giao", "giao cho ai", "ai de xuat",
                     "ai tham muu", "ai thuc hien", "ai to chuc", "ai huong dan", "ai theo doi", "ai xay dung",
                     "phoi hop voi ai", "co quan chu tri", "ai dau moi", "co quan dau moi", "ai ")),
    ("target", ("bao nhieu", "may ", "chi tieu", "muc tieu", "ty le", "so luong", "muc von", "doanh thu",
                "thu nhap binh quan", "phan dau", "dat bao", "toi thieu", "it nhat")),
    ("support", ("ho tro gi", "duoc ho tro", "chinh sach ho tro", "uu dai", "nhung ho tro", "ho tro nhung",
                 "ho tro nao", "duoc huong", "sang lap vien", "nguoi sang lap", "thanh lap moi hop tac xa duoc",
                 "co nhung chinh sach", "muon thanh lap")),
    ("tasks", ("phai lam gi", "lam gi", "nhiem vu", "nhung viec", "cong viec", "trach nhiem cua", "duoc giao gi",
               "can lam", "phan cong")),
)

# Questions about a document itself rather than its content (accent-folded cues).
_METADATA_CUES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("province", ("tinh nao", "dia phuong nao", "cua tinh", "thuoc tinh")),
    ("signer", ("ai ky", "nguoi ky", "ky ten", "do ai ky")),
    ("issue_date", ("ngay ban hanh", "ban hanh ngay", "ban hanh khi nao", "ban hanh vao", "ban hanh nam nao")),
    ("number", ("so hieu", "so ky hieu", "so van ban", "mang so")),
    ("issuer", ("co quan ban hanh", "ai ban hanh", "do ai ban hanh", "don vi ban hanh")),
)
_DOCUMENT_WORDS = ("van ban", "thong bao", "ke hoach", "quyet dinh", "nghi dinh", "thong tu", "luat", "ket luan")

_YEAR_RE = re.compile(r"\b(19[5-9]\d|20[0-4]\d)\b")
_DOC_NUMBER_RE = re.compile(r"\b\d{1,5}\s*/\s*[A-ZĐ0-9]{1,6}(?:\s*-\s*[A-ZĐ0-9]{1,8}){0,3}\b", re.IGNORECASE)


def _fold(text: str) -> str:
    from ingest.textnorm import fold_accents

    return " ".join(fold_accents(text).split())


def _contains_phrase(folded_text: str, folded_phrase: str) -> bool:
    return re.search(rf"(?<![a-z0-9]){re.escape(folded_phrase)}(?![a-z0-9])", folded_text) is not None


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
    for intent, cues in _INTENT_CUES:
        if any(_contains_phrase(folded, cue.strip()) for cue in cues):
            return intent
    return "general"


def detect_metadata_question(question: str) -> str | None:
    folded = _fold(question)
    if not any(_contains_phrase(folded, w) for w in _DOCUMENT_WORDS):
        return None
    for field_name, cues in _METADATA_CUES:
        if any(_contains_phrase(folded, cue) for cue in cues):
            return field_name
    return None


def analyze(question: str, catalog: Catalog, filters: Filters | None = None) -> QueryAnalysis:
    from ingest.agencies import find_agencies
    from ingest.textnorm import expand_abbreviations

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
        intent=detect_intent(question),
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
