"""Responses every route shares: the error body, the security headers, and the exception handlers.

Every error leaves as {"error": {"code", "message", "field"}} with a Vietnamese message: the one error tree
(`HtxError`, assistant/errors.py) through one handler, request validation through another, unknown paths and
methods through a third. Unexpected errors are a 500 with the same body shape and the same security headers as
every other response.
"""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException

from assistant.errors import HtxError

log = logging.getLogger("assistant.api")

# Swagger UI and ReDoc pages start from an inline script; nothing they load may come from elsewhere (ReDoc's
# footer logo points at a CDN: blocked here, it hides itself).
DOCS_CSP = ("default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; "
            "img-src 'self' data:; connect-src 'self'; worker-src 'self' blob:; object-src 'none'; base-uri 'none'")
PAGE_CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
            "object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'")


def error_response(status: int, code: str, message: str, field: str | None = None,
                   headers: dict[str, str] | None = None) -> JSONResponse:
    return JSONResponse({"error": {"code": code, "message": message, "field": field}}, status, headers=headers)


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
    first: dict[str, Any] = errors[0] if errors else {"type": "value_error", "loc": ("body",), "msg": ""}
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


def with_security_headers(response: Response, path: str) -> Response:
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("Referrer-Policy", "no-referrer")
    if path == "/" or path.startswith("/web/"):
        response.headers["Content-Security-Policy"] = PAGE_CSP
    elif path in ("/docs", "/redoc"):
        response.headers["Content-Security-Policy"] = DOCS_CSP
    return response


def add_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(HtxError)
    async def htx_error(_: Request, exc: HtxError) -> JSONResponse:
        headers = {"WWW-Authenticate": "Bearer"} if exc.status == 401 else None
        # An error about a file came with an upload: the form field is "files".
        return error_response(exc.status, exc.code, exc.message, exc.field or ("files" if exc.file else None),
                              headers)

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
    async def unexpected_error(request: Request, exc: Exception) -> Response:
        # Starlette answers this one outside every middleware, so the headers are added here too.
        log.exception("unexpected error", exc_info=exc)
        response = error_response(500, "internal_error", "Lỗi máy chủ nội bộ; vui lòng thử lại sau.", None)
        return with_security_headers(response, request.url.path)
