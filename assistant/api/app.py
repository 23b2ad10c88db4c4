"""`create_app(assistant)`: the FastAPI app over one `Assistant`, assembled from the route modules.

Routes are thin: call the Assistant (or the chat sessions), which checks and normalises the input, and return its
pydantic models. Oversized, slow or unauthenticated bodies are refused by `RequestGuard` (limits.py) before any
route runs; errors are answered by the handlers in responses.py. Endpoints are sync functions, so uvicorn runs them
in its thread pool; the Assistant is responsible for being safe under that.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from fastapi import FastAPI, Request
from fastapi.responses import FileResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi_offline import FastAPIOffline

from assistant.api import admin, documents, questions
from assistant.api.limits import RequestGuard
from assistant.api.responses import add_error_handlers, with_security_headers
from assistant.api.shared import Api
from assistant.errors import AssistantError
from assistant.uploads import recover

if TYPE_CHECKING:
    from assistant.service import Assistant

log = logging.getLogger("assistant.api")

WEB_DIR = Path(__file__).parent.parent / "web"


def create_app(assistant: Assistant) -> FastAPI:
    settings = assistant.settings
    api = Api(assistant)

    @asynccontextmanager
    async def lifespan(app: FastAPI):  # noqa: ANN202 - FastAPI's lifespan protocol
        import anyio.to_thread

        # Sync routes run in this pool: a few threads keep two cores busy; more would only queue inside them.
        anyio.to_thread.current_default_thread_limiter().total_tokens = settings.api_threads
        recover(settings)  # uploads a killed server left half done
        try:
            assistant.load()  # models and index open once, before the first request
        except AssistantError as err:
            log.warning("starting without an index: %s", err)
        yield

    # Swagger UI and ReDoc from the files fastapi-offline ships: /docs and /redoc work without a CDN.
    app = FastAPIOffline(title="Trợ lý văn bản HTX", version="1.0",
                         description="Hỏi đáp có trích dẫn trên các văn bản chính sách về hợp tác xã.",
                         lifespan=lifespan, static_url="/docs-assets")
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
        return with_security_headers(await call_next(request), request.url.path)

    # Added last, so it is the outermost layer: refusals happen before any other middleware or route runs.
    app.add_middleware(RequestGuard, limit_for=body_limit, streamed=lambda path: path.startswith("/admin/ingest"),
                       admin_token=settings.admin_token, body_timeout=settings.body_timeout_seconds)

    add_error_handlers(app)
    for routes in (questions, documents, admin):
        app.include_router(routes.router(assistant, api))

    # ---- web page ----
    @app.get("/", include_in_schema=False)
    def index_page() -> FileResponse:
        return FileResponse(WEB_DIR / "index.html", media_type="text/html; charset=utf-8")

    app.mount("/web", StaticFiles(directory=WEB_DIR), name="web")
    return app


def create_app_from_settings() -> FastAPI:
    """The app of one `htx serve --workers N` worker process: settings from the environment, models warmed up."""
    from assistant.service import Assistant
    from assistant.settings import load_settings

    assistant = Assistant(load_settings())
    try:
        assistant.warm_up()
    except AssistantError as err:
        log.warning("starting without an index: %s", err)
    return create_app(assistant)
