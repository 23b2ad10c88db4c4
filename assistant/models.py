"""Records exchanged between retrieval, answer composition, the CLI and the API."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from ingest.models import Fact

Intent = Literal["responsible", "target", "deadline", "support", "tasks", "general"]


class Filters(BaseModel):
    """Explicit metadata filters (from the caller) — merged with those detected in the question."""

    model_config = ConfigDict(extra="forbid")

    province: str | None = Field(None, description="Province name, e.g. 'Quảng Ninh'")
    document_id: str | None = Field(None, description="Document id as listed by GET /documents")


AnswerType = Literal[
    "percentage", "money", "duration", "date", "count", "quantity", "number", "agency", "yes_no", "list", "other"
]


class AskedPart(BaseModel):
    """A further figure, date or body the same question asks for ("… bao nhiêu phần trăm đồng ý, và phải báo
    trong bao lâu?"): its kind, unit and bound, read from its own part of the question."""

    text: str
    answer_type: AnswerType
    answer_unit: str | None = None
    answer_bound: Literal["min", "max"] | None = None


class QueryAnalysis(BaseModel):
    """The question analysed once, at the entrance: every later stage reads these fields instead of
    re-deriving them from the raw string."""

    question: str = Field(description="The question as asked (NFC)")
    normalized: str = Field(description="Abbreviation-expanded text used for retrieval")
    folded: str = Field("", description="Accent-folded, lower-cased, whitespace-collapsed question")
    words: list[str] = Field(default_factory=list, description="underthesea words of the question, as written")
    expansions: list[str] = Field(
        default_factory=list, description="Folded synonyms (lexicon) of the question's phrases, for lexical search"
    )
    intent: Intent
    answer_type: AnswerType = Field("other", description="The kind of answer expected (figure, date, agency...)")
    answer_unit: str | None = Field(None, description="Folded count unit asked for ('thanh vien'), if any")
    answer_bound: Literal["min", "max"] | None = Field(
        None, description="Whether a minimum ('tối thiểu') or a maximum ('tối đa') is asked, if either")
    further_parts: list[AskedPart] = Field(
        default_factory=list, description="Other figures, dates or bodies asked in the same question")
    provinces: list[str] = Field(default_factory=list, description="Corpus provinces named in the question")
    unknown_places: list[str] = Field(default_factory=list, description="Places named that no document covers")
    national_only: bool = Field(
        False, description="Only national legal texts answer: a place no document covers was named only in the "
        "asker's story ('Nhóm mình ở tỉnh X, …') or beside a law the question names")
    districts: list[str] = Field(default_factory=list)
    years: list[int] = Field(default_factory=list)
    document_ids: list[str] = Field(default_factory=list)
    document_mentions: list[str] = Field(
        default_factory=list, description="The words naming those documents, folded ('luat htx', 'nghi dinh 77')")
    agencies: list[str] = Field(default_factory=list, description="Canonical agency names named in the question")
    asks_about: Literal["province", "signer", "issue_date", "number", "issuer"] | None = Field(
        None, description="A document metadata field the question asks for (which province, who signed...)"
    )


class Hit(BaseModel):
    """A retrieved clause with its fused score."""

    clause_id: str
    score: float
    dense_rank: int | None = None
    lexical_rank: int | None = None


class Citation(BaseModel):
    n: int
    clause_id: str
    document_id: str
    document_title: str | None
    document_number: str | None
    path: str
    headings: list[str]
    text: str
    line_start: int
    line_end: int
    score: float
    label: str = Field("", description="Clause and document for a reader: 'khoản 7 Điều 4 Luật Hợp tác xã 2023'")
    clause_label: str = Field("", description="The clause in the document's own numbering: 'khoản 7 Điều 4'")
    document_name: str = Field("", description="Short document name: 'Kế hoạch 31/KH-UBND (Quảng Ninh)'")


class Answer(BaseModel):
    question: str
    answer: str
    found: bool
    intent: Intent
    confidence: float = Field(0.0, description="The ranker's probability that the best clause states the answer")
    citations: list[Citation] = Field(default_factory=list)
    facts: list[Fact] = Field(default_factory=list)
    related: list[Citation] = Field(default_factory=list, description="Closest clauses when nothing was found")
    filters: dict[str, str | int | None] = Field(default_factory=dict, description="Filters that were applied")
    session_id: str | None = None


class RetrievalFilters(BaseModel):
    """Metadata restrictions applied inside the retrievers (empty list = no restriction)."""

    provinces: list[str] = Field(default_factory=list)
    document_ids: list[str] = Field(default_factory=list)
    years: list[int] = Field(default_factory=list, description="Document issue years")
    doc_types: list[str] = Field(default_factory=list)

    def is_empty(self) -> bool:
        return not (self.provinces or self.document_ids or self.years or self.doc_types)


class IngestFailure(BaseModel):
    file: str
    reason: str
    message: str = Field(description="Vietnamese message for users")


class IngestReport(BaseModel):
    added: list[str] = Field(default_factory=list, description="Document ids newly indexed")
    updated: list[str] = Field(default_factory=list)
    unchanged: list[str] = Field(default_factory=list)
    removed: list[str] = Field(default_factory=list)
    failed: list[IngestFailure] = Field(default_factory=list)
    n_clauses: int = 0
    n_embedded: int = 0
    seconds: float = 0.0
