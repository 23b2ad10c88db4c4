"""Request and response bodies of the API (the Assistant's own models are returned as they are)."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from assistant.models import Answer, Filters, IngestReport
from ingest.models import Clause, Document


class AskRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    question: str = Field(description="Câu hỏi tiếng Việt")
    filters: Filters | None = None


class ChatRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    message: str = Field(description="Tin nhắn; câu hỏi tiếp nối được hiểu theo lượt trước")
    session_id: str | None = Field(None, description="Phiên đã có; bỏ trống để mở phiên mới")
    filters: Filters | None = None


class ChatAnswer(Answer):
    resolved_question: str = Field(description="The standalone question actually asked")
    follow_up: bool = Field(description="Whether the message was read as a follow-up of the previous turn")


class DocumentSummary(Document):
    name: str = Field(description="Short human name, e.g. 'Kế hoạch 31/KH-UBND (Quảng Ninh)'")
    n_clauses: int


class LabelledClause(Clause):
    label: str = Field(description="The clause in the document's own numbering, e.g. 'khoản 1 Điều 65'")


class DocumentDetail(BaseModel):
    document: Document
    name: str = Field(description="Short human name of the document")
    clauses: list[LabelledClause]


class ClauseDetail(BaseModel):
    clause: Clause
    label: str = Field(description="The clause in the document's own numbering")
    document: Document
    neighbours: list[Clause]


class Health(BaseModel):
    status: Literal["ok", "no_index"]
    index_version: int | None
    documents: int
    clauses: int
    embed_model: str


class AdminIngestResult(IngestReport):
    saved: list[str] = Field(default_factory=list, description="File names written into the corpus folder")


class ReloadResult(BaseModel):
    index_version: int
