"""HTTP API and web page over one `Assistant`.

Routes are thin: validate input, call the Assistant (or the chat sessions), return its pydantic models.
Every error leaves as {"error": {"code", "message", "field"}} with a Vietnamese message: domain errors
(assistant/errors.py, ingest/errors.py) through one handler, request validation through another, and
oversized, slow or unauthenticated bodies are refused by `assistant.guard.RequestGuard` before any route
runs. Endpoints are sync functions, so uvicorn runs them in its thread pool; the Assistant is responsible for
being safe under that.
"""

from __future__ import annotations

import csv
import io
import logging
import re
from collections.abc import Awaitable, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Literal

from fastapi import Depends, FastAPI, File, Query, Request, UploadFile
from fastapi.exceptions import RequestValidationError
from fastapi.responses import FileResponse, JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from pydantic import BaseModel, ConfigDict, Field
from starlette.exceptions import HTTPException as StarletteHTTPException

from assistant.chat import Conversations, fold
from assistant.errors import AssistantError, InvalidInputError, NotFoundError
from assistant.guard import RequestGuard, admin_refusal
from assistant.index import shown_path
from assistant.models import Answer, Filters, IngestReport
from assistant.uploads import BadUploadError, recover, staged_uploads
from ingest.errors import IngestError
from ingest.models import Clause, Document, Fact, FactKind

if TYPE_CHECKING:
    from assistant.service import Assistant

log = logging.getLogger(__name__)

WEB_DIR = Path(__file__).parent / "web"
_CONTROL_CHARS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
PAGE_CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
            "object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'")


# ---- errors that only the HTTP layer raises -------------------------------------------------------------------
class EmptyQuestionError(InvalidInputError):
    code = "empty_question"


class QuestionTooLongError(InvalidInputError):
    code = "question_too_long"


class UnknownFilterError(InvalidInputError):
    code = "unknown_filter_value"


class AdminDisabledError(AssistantError):
    status = 403
    code = "admin_disabled"


class UnauthorizedError(AssistantError):
    status = 401
    code = "unauthorized"


def error_response(status: int, code: str, message: str, field: str | None = None,
                   headers: dict[str, str] | None = None) -> JSONResponse:
    return JSONResponse({"error": {"code": code, "message": message, "field": field}}, status, headers=headers)


# ---- request / response bodies --------------------------------------------------------------------------------
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
    n_clauses: int


class DocumentDetail(BaseModel):
    document: Document
    clauses: list[Clause]


class ClauseDetail(BaseModel):
    clause: Clause
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


# ---- validation messages --------------------------------------------------------------------------------------
_VALIDATION_MESSAGES = {
    "missing": "Thiếu trường bắt buộc",
    "extra_forbidden": "Trường này không được hỗ trợ",
    "string_type": "Sai kiểu dữ liệu: cần một chuỗi ký tự",
    "int_parsing": "Sai kiểu dữ liệu: cần một số nguyên",
    "model_attributes_type": "Sai kiểu dữ liệu: cần một đối tượng JSON",
    "dict_type": "Sai kiểu dữ liệu: cần một đối tượng JSON",
    "literal_error": "Giá trị không hợp lệ",
    "list_type": "Sai kiểu dữ liệu: cần một danh sách",
}


def _field_name(loc: tuple[Any, ...]) -> str | None:
    parts = [str(p) for p in loc if p not in ("body", "query", "path", "header")]
    return ".".join(parts) or None


def _validation_response(exc: RequestValidationError) -> JSONResponse:
    errors = exc.errors()
    first = errors[0] if errors else {"type": "value_error", "loc": ("body",), "msg": ""}
    if first["type"] == "json_invalid":
        return error_response(400, "malformed_json", "Nội dung yêu cầu không phải JSON hợp lệ.", "body")
    field = _field_name(tuple(first.get("loc", ())))
    message = _VALIDATION_MESSAGES.get(first["type"], "Giá trị không hợp lệ")
    expected = (first.get("ctx") or {}).get("expected")
    if expected:
        message += f"; chấp nhận: {expected}"
    if field is None and first["type"] in ("model_attributes_type", "dict_type", "missing"):
        message = "Nội dung yêu cầu phải là một đối tượng JSON"
        field = "body"
    return error_response(422, "invalid_" + ("body" if field == "body" else "field"),
                          f"{message}{f' (trường “{field}”)' if field and field != 'body' else ''}.", field)


# ---- helpers --------------------------------------------------------------------------------------------------
def _fold(text: str) -> str:
    return " ".join(fold(text).split())


def _shown(value: str, limit: int = 80) -> str:
    """A user-supplied value as echoed in an error message: bounded, so errors stay small."""
    return value if len(value) <= limit else value[: limit - 1] + "…"


# Spreadsheets run a cell that starts with one of these as a formula (OWASP "CSV injection").
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(value: object) -> object:
    """A value as a CSV cell that no spreadsheet will evaluate: text starting like a formula gets a leading
    apostrophe, which spreadsheets show as text and hide. Numbers stay numbers."""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def facts_csv(facts: list[Fact]) -> str:
    columns = list(Fact.model_fields)
    buffer = io.StringIO()
    # BOM so that spreadsheet programs read the Vietnamese text as UTF-8.
    buffer.write("\ufeff")
    writer = csv.writer(buffer)
    writer.writerow(columns)
    for fact in facts:
        row = fact.model_dump()
        row["values"] = ";".join(f"{v:g}" for v in fact.values)
        writer.writerow(["" if row[c] is None else csv_cell(row[c]) for c in columns])
    return buffer.getvalue()


class Api:
    """Input checks shared by the routes; holds the Assistant and the chat sessions."""

    def __init__(self, assistant: Assistant) -> None:
        self.assistant = assistant
        self.settings = assistant.settings
        self.conversations = Conversations(assistant, assistant.settings)

    def check_question(self, text: str, field: str) -> str:
        text = text.strip()
        if not text:
            raise EmptyQuestionError(field, "Câu hỏi không được để trống.")
        if _CONTROL_CHARS.search(text):
            raise InvalidInputError(field, "Câu hỏi chứa ký tự điều khiển không hợp lệ.")
        limit = self.settings.max_question_chars
        if len(text) > limit:
            raise QuestionTooLongError(field, f"Câu hỏi dài {len(text)} ký tự, vượt quá giới hạn {limit} ký tự.")
        return text

    def check_province(self, province: str | None, field: str) -> str | None:
        if province is None:
            return None
        known = {_fold(p): p for p in self.assistant.catalog.provinces}
        canonical = known.get(_fold(province))
        if canonical is None:
            listed = ", ".join(sorted(known.values())) or "không có"
            raise UnknownFilterError(
                field, f"Không có văn bản nào của tỉnh “{_shown(province)}”. Các tỉnh có văn bản: {listed}."
            )
        return canonical

    def check_document(self, document_id: str | None, field: str) -> str | None:
        if document_id is None:
            return None
        if self.assistant.store.get_document(document_id) is None:
            raise UnknownFilterError(field, f"Không có văn bản với mã “{_shown(document_id)}”.")
        return document_id

    def check_filters(self, filters: Filters | None) -> Filters | None:
        if filters is None:
            return None
        return Filters(province=self.check_province(filters.province, "filters.province"),
                       document_id=self.check_document(filters.document_id, "filters.document_id"))

    def require_admin(self, request: Request) -> None:
        # RequestGuard already refused these before the body was read; checked again here so no admin route
        # depends on the middleware being in place.
        refusal = admin_refusal(self.settings.admin_token, request.headers.get("authorization", ""))
        if refusal is not None:
            status, _, message, field = refusal
            raise (UnauthorizedError if status == 401 else AdminDisabledError)(field, message)

    def shown(self, document: Document) -> Document:
        """A document as clients see it: its source path relative to the corpus folder, never a server path."""
        return document.model_copy(update={"source_file": shown_path(document.source_file, self.settings.corpus_dir)})

    def ingest_uploads(self, files: list[UploadFile]) -> AdminIngestResult:
        """Stage the uploads, ingest them under their corpus names; only the ones that ingest enter the corpus."""
        with staged_uploads(files, self.settings) as staged:
            report = self.assistant.ingest(list(staged), staged=staged)
        # Server paths are nobody's business: failures are reported relative to the corpus folder.
        corpus_prefix = str(self.settings.corpus_dir.resolve()) + "/"
        failed = {f.file for f in report.failed}
        for failure in report.failed:
            failure.file = failure.file.replace(corpus_prefix, "")
            failure.message = failure.message.replace(corpus_prefix, "")
            failure.reason = failure.reason.replace(corpus_prefix, "")
        saved = [p.name for p in staged if str(p) not in failed]
        if not saved:
            raise BadUploadError("files", " ".join(f.message for f in report.failed))
        return AdminIngestResult(**report.model_dump(), saved=saved)


def create_app(assistant: Assistant) -> FastAPI:
    settings = assistant.settings
    api = Api(assistant)

    @asynccontextmanager
    async def lifespan(app: FastAPI):  # noqa: ANN202 - FastAPI's lifespan protocol
        recover(settings)  # uploads a killed server left half done
        try:
            assistant.load()  # models and index open once, before the first request
        except AssistantError as err:
            log.warning("starting without an index: %s", err)
        yield

    app = FastAPI(title="Trợ lý văn bản HTX", version="1.0",
                  description="Hỏi đáp có trích dẫn trên các văn bản chính sách về hợp tác xã.", lifespan=lifespan)
    app.state.api = api

    def body_limit(path: str) -> int:
        if path.startswith("/admin/ingest"):
            return settings.max_upload_bytes + settings.max_body_bytes  # multipart overhead
        return settings.max_body_bytes

    if settings.cors_origins:
        from fastapi.middleware.cors import CORSMiddleware

        app.add_middleware(CORSMiddleware, allow_origins=settings.cors_origins, allow_methods=["GET", "POST", "DELETE"],
                           allow_headers=["Authorization", "Content-Type"])

    @app.middleware("http")
    async def security_headers(request: Request, call_next: Callable[[Request], Awaitable[Response]]) -> Response:
        response = await call_next(request)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "no-referrer")
        if request.url.path == "/" or request.url.path.startswith("/web/"):
            response.headers["Content-Security-Policy"] = PAGE_CSP
        return response

    # Added last, so it is the outermost layer: refusals happen before any other middleware or route runs.
    app.add_middleware(RequestGuard, limit_for=body_limit, streamed=lambda path: path.startswith("/admin/ingest"),
                       admin_token=settings.admin_token, body_timeout=settings.body_timeout_seconds)

    # ---- error handlers ----
    @app.exception_handler(AssistantError)
    async def assistant_error(_: Request, exc: AssistantError) -> JSONResponse:
        headers = {"WWW-Authenticate": "Bearer"} if exc.status == 401 else None
        return error_response(exc.status, exc.code, exc.message, exc.field, headers)

    @app.exception_handler(IngestError)
    async def ingest_error(_: Request, exc: IngestError) -> JSONResponse:
        return error_response(422, "ingest_error", exc.user_message, "files")

    @app.exception_handler(RequestValidationError)
    async def validation_error(_: Request, exc: RequestValidationError) -> JSONResponse:
        return _validation_response(exc)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(_: Request, exc: StarletteHTTPException) -> JSONResponse:
        messages = {404: ("not_found", "Không tìm thấy địa chỉ này."),
                    405: ("method_not_allowed", "Phương thức không được hỗ trợ cho địa chỉ này.")}
        code, message = messages.get(exc.status_code, ("http_error", "Yêu cầu không hợp lệ."))
        return error_response(exc.status_code, code, message, None)

    @app.exception_handler(Exception)
    async def unexpected_error(_: Request, exc: Exception) -> JSONResponse:
        log.exception("unexpected error", exc_info=exc)
        return error_response(500, "internal_error", "Lỗi máy chủ nội bộ; vui lòng thử lại sau.", None)

    # ---- questions ----
    @app.post("/ask", response_model=Answer, summary="Hỏi một câu, nhận câu trả lời có trích dẫn")
    def ask(body: AskRequest) -> Answer:
        question = api.check_question(body.question, "question")
        return assistant.ask(question, api.check_filters(body.filters))

    @app.post("/chat", response_model=ChatAnswer, summary="Trò chuyện: câu hỏi tiếp nối được hiểu theo lượt trước")
    def chat(body: ChatRequest) -> ChatAnswer:
        message = api.check_question(body.message, "message")
        filters = api.check_filters(body.filters)
        reply = api.conversations.send(message, body.session_id, filters)
        return ChatAnswer(**reply.answer.model_dump(), resolved_question=reply.resolved_question,
                          follow_up=reply.follow_up)

    # ---- documents, clauses, facts ----
    @app.get("/documents", response_model=list[DocumentSummary], summary="Danh sách văn bản")
    def documents() -> list[DocumentSummary]:
        store = assistant.store
        return [DocumentSummary(**api.shown(d).model_dump(), n_clauses=len(store.clauses_of(d.id)))
                for d in store.list_documents()]

    @app.get("/documents/{document_id}", response_model=DocumentDetail, summary="Một văn bản và cây điều khoản")
    def document(document_id: str) -> DocumentDetail:
        doc = assistant.store.get_document(document_id)
        if doc is None:
            raise NotFoundError("document_id", f"Không có văn bản với mã “{_shown(document_id)}”.")
        return DocumentDetail(document=api.shown(doc), clauses=assistant.store.clauses_of(document_id))

    @app.get("/clauses/{clause_id:path}", response_model=ClauseDetail, summary="Một điều khoản và các khoản lân cận")
    def clause(clause_id: str, before: Annotated[int, Query(ge=0, le=20)] = 2,
               after: Annotated[int, Query(ge=0, le=20)] = 2) -> ClauseDetail:
        store = assistant.store
        found = store.get_clause(clause_id)
        if found is None:
            raise NotFoundError("clause_id", f"Không có điều khoản với mã “{_shown(clause_id)}”.")
        doc = store.get_document(found.document_id)
        assert doc is not None, f"clause {clause_id} points at missing document {found.document_id}"
        return ClauseDetail(clause=found, document=api.shown(doc),
                            neighbours=store.neighbours(clause_id, before=before, after=after))

    @app.get("/facts", response_model=list[Fact], summary="Ai làm gì, hạn chót, chỉ tiêu (JSON hoặc CSV)")
    def facts(kind: FactKind | None = None, agency: str | None = None, province: str | None = None,
              document_id: str | None = None, format: Literal["json", "csv"] = "json") -> Any:
        if agency:
            from ingest.agencies import canonical_agency

            agency = canonical_agency(agency) or agency  # "Sở KH&ĐT", "so tai chinh" read as the canonical name
        rows = assistant.store.facts(kind=kind, agency=agency or None,
                                     province=api.check_province(province, "province"),
                                     document_id=api.check_document(document_id, "document_id"))
        if format == "csv":
            name = "-".join(p for p in ("facts", kind, document_id) if p) + ".csv"
            return Response(facts_csv(rows), media_type="text/csv; charset=utf-8",
                            headers={"Content-Disposition": f'attachment; filename="{name}"'})
        return rows

    @app.get("/health", response_model=Health, summary="Tình trạng máy chủ và chỉ mục")
    def health() -> Health:
        try:
            index = assistant.index
        except AssistantError:
            return Health(status="no_index", index_version=None, documents=0, clauses=0,
                          embed_model=settings.embed_model)
        docs = index.store.list_documents()
        n_clauses = sum(len(index.store.clauses_of(d.id)) for d in docs)
        return Health(status="ok", index_version=index.version, documents=len(docs), clauses=n_clauses,
                      embed_model=settings.embed_model)

    # ---- admin ----
    admin = [Depends(api.require_admin)]

    @app.post("/admin/ingest", response_model=AdminIngestResult, dependencies=admin, summary="Tải lên và nạp văn bản")
    def admin_ingest(files: Annotated[list[UploadFile], File(description="Một hoặc nhiều tệp văn bản")]
                     ) -> AdminIngestResult:
        return api.ingest_uploads(files)

    @app.delete("/admin/documents/{document_id}", response_model=IngestReport, dependencies=admin,
                summary="Xoá một văn bản khỏi kho và chỉ mục")
    def admin_delete(document_id: str) -> IngestReport:
        return assistant.delete_document(document_id)

    @app.post("/admin/reload", response_model=ReloadResult, dependencies=admin, summary="Mở lại chỉ mục mới nhất")
    def admin_reload() -> ReloadResult:
        return ReloadResult(index_version=assistant.reload())

    # ---- web page ----
    @app.get("/", include_in_schema=False)
    def index_page() -> FileResponse:
        return FileResponse(WEB_DIR / "index.html", media_type="text/html; charset=utf-8")

    app.mount("/web", StaticFiles(directory=WEB_DIR), name="web")
    return app
