"""Reading: documents, clauses, facts (JSON or CSV) and health."""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Literal

from fastapi import APIRouter, Query
from fastapi.responses import Response

from assistant.api.bodies import ClauseDetail, DocumentDetail, DocumentSummary, Health, LabelledClause
from assistant.coverage import Coverage
from assistant.errors import AssistantError, NotFoundError
from assistant.export import FactView, fact_views, facts_csv
from assistant.feedback import FeedbackIn, FeedbackRecord
from assistant.labels import clause_label, document_name
from assistant.validation import shown as _shown
from ingest.models import Document, FactKind

if TYPE_CHECKING:
    from assistant.api.shared import Api
    from assistant.service import Assistant


def public(doc: Document) -> Document:
    """A document as shown outside: the source file by name only (server paths are nobody's business)."""
    return doc.model_copy(update={"source_file": Path(doc.source_file).name})


def router(assistant: Assistant, api: Api) -> APIRouter:
    settings = assistant.settings
    router = APIRouter()

    @router.get("/documents", response_model=list[DocumentSummary], summary="Danh sách văn bản")
    def documents() -> list[DocumentSummary]:
        store = assistant.store
        counts = store.clause_counts()
        return [DocumentSummary(**public(d).model_dump(), name=document_name(d), n_clauses=counts.get(d.id, 0))
                for d in store.list_documents()]

    @router.get("/documents/{document_id}", response_model=DocumentDetail, summary="Một văn bản và cây điều khoản")
    def document(document_id: str) -> DocumentDetail:
        doc = assistant.store.get_document(document_id)
        if doc is None:
            raise NotFoundError("document_id", f"Không có văn bản với mã “{_shown(document_id)}”.")
        clauses = [LabelledClause(**c.model_dump(), label=clause_label(doc, c))
                   for c in assistant.store.clauses_of(document_id)]
        return DocumentDetail(document=public(doc), name=document_name(doc), clauses=clauses)

    @router.get("/clauses/{clause_id:path}", response_model=ClauseDetail, summary="Một điều khoản và các khoản lân cận")
    def clause(clause_id: str, before: Annotated[int, Query(ge=0, le=20)] = 2,
               after: Annotated[int, Query(ge=0, le=20)] = 2) -> ClauseDetail:
        store = assistant.store
        found = store.get_clause(clause_id)
        if found is None:
            raise NotFoundError("clause_id", f"Không có điều khoản với mã “{_shown(clause_id)}”.")
        doc = store.get_document(found.document_id)
        assert doc is not None, f"clause {clause_id} points at missing document {found.document_id}"
        return ClauseDetail(clause=found, label=clause_label(doc, found), document=public(doc),
                            neighbours=store.neighbours(clause_id, before=before, after=after))

    @router.get("/facts", response_model=list[FactView], summary="Ai làm gì, hạn chót, chỉ tiêu (JSON hoặc CSV)")
    def facts(kind: FactKind | None = None, agency: str | None = None, province: str | None = None,
              document_id: str | None = None, format: Literal["json", "csv"] = "json") -> Any:
        document_id = assistant.check_document(document_id)
        rows = assistant.facts(kind=kind, agency=agency, province=province, document_id=document_id)
        views = fact_views(rows, assistant.store)
        if format == "csv":
            # Header values must be latin-1: anything else in an id becomes "_".
            name = re.sub(r"[^A-Za-z0-9._-]", "_", "-".join(p for p in ("facts", kind, document_id) if p)) + ".csv"
            return Response(facts_csv(views, kind), media_type="text/csv; charset=utf-8",
                            headers={"Content-Disposition": f'attachment; filename="{name}"'})
        return views

    @router.get("/coverage", response_model=Coverage, summary="Văn bản hiện có: loại, số, năm, tỉnh")
    def coverage() -> Coverage:
        return assistant.coverage()

    @router.post("/feedback", response_model=FeedbackRecord, status_code=201, summary="Ghi nhận đánh giá đúng / sai")
    def feedback(body: FeedbackIn) -> FeedbackRecord:
        body.question = assistant.check_question(body.question)
        return assistant.record_feedback(body)

    @router.get("/health", response_model=Health, summary="Tình trạng máy chủ và chỉ mục")
    def health() -> Health:
        try:
            index = assistant.index
        except AssistantError:
            return Health(status="no_index", index_version=None, documents=0, clauses=0,
                          embed_model=settings.embed_model)
        return Health(status="ok", index_version=index.version, documents=index.store.count_documents(),
                      clauses=index.store.count_clauses(), embed_model=settings.embed_model)

    return router
