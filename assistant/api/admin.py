"""Administration: upload and ingest documents, delete one, reload the index (bearer token required)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

from fastapi import APIRouter, Depends, File, UploadFile

from assistant.api.bodies import AdminIngestResult, ReloadResult
from assistant.models import IngestReport

if TYPE_CHECKING:
    from assistant.api.shared import Api
    from assistant.service import Assistant


def router(assistant: Assistant, api: Api) -> APIRouter:
    router = APIRouter()
    admin = [Depends(api.require_admin)]

    @router.post("/admin/ingest", response_model=AdminIngestResult, dependencies=admin, summary="Tải lên và nạp văn bản")
    def admin_ingest(files: Annotated[list[UploadFile], File(description="Một hoặc nhiều tệp văn bản")]
                     ) -> AdminIngestResult:
        return api.ingest_uploads(files)

    @router.delete("/admin/documents/{document_id}", response_model=IngestReport, dependencies=admin,
                   summary="Xoá một văn bản khỏi kho và chỉ mục")
    def admin_delete(document_id: str) -> IngestReport:
        return assistant.delete_document(document_id)

    @router.post("/admin/reload", response_model=ReloadResult, dependencies=admin, summary="Mở lại chỉ mục mới nhất")
    def admin_reload() -> ReloadResult:
        return ReloadResult(index_version=assistant.reload())

    return router
