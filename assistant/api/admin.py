"""Administration: upload and ingest documents, delete one, reload the index (bearer token required)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

from fastapi import APIRouter, Depends, File, UploadFile
from fastapi.responses import Response

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

    @router.get("/admin/feedback", dependencies=admin,
                summary="Xuất các đánh giá dưới dạng câu hỏi kiểm thử (JSON Lines)")
    def admin_feedback() -> Response:
        lines = "".join(item.model_dump_json() + "\n" for item in assistant.feedback_items())
        return Response(lines, media_type="application/x-ndjson; charset=utf-8",
                        headers={"Content-Disposition": 'attachment; filename="feedback.jsonl"'})

    @router.post("/admin/reload", response_model=ReloadResult, dependencies=admin, summary="Mở lại chỉ mục mới nhất")
    def admin_reload() -> ReloadResult:
        return ReloadResult(index_version=assistant.reload())

    return router
