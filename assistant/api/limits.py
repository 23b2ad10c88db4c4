"""The outermost layer of the API: what is refused before any route, or any other middleware, runs.

`RequestGuard` (pure ASGI, so it costs no task and never buffers a response):
- refuses a declared body over the route's limit (413) and, on /admin/*, a missing or wrong token (401, or
  403 when admin is off) from the headers alone: an unauthenticated upload is never read;
- reads small bodies whole (413 once the bytes actually streamed pass the limit, with or without a
  Content-Length) and replays them to the app; streams upload bodies through, counting, so a 20 MB upload is
  never held in memory (the multipart parser spools files to disk);
- gives up on a body whose next chunk does not come within `body_timeout` seconds (408, connection closed);
- treats a client that disconnects mid-body as nothing to report: no route runs for a half-read small body,
  and a streamed upload abandoned midway ends quietly instead of with an error traceback.

Its own error responses carry the same JSON shape and security headers as the app's.
"""

from __future__ import annotations

import asyncio
import hmac
import json
import logging
from collections.abc import Callable

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from assistant.errors import AdminDisabledError, AssistantError, UnauthorizedError

log = logging.getLogger("assistant.api")

_HEADERS = [(b"content-type", b"application/json"), (b"x-content-type-options", b"nosniff"),
            (b"referrer-policy", b"no-referrer"), (b"connection", b"close")]


async def refuse(send: Send, status: int, code: str, message: str, field: str | None,
                 extra_headers: list[tuple[bytes, bytes]] | None = None) -> None:
    body = json.dumps({"error": {"code": code, "message": message, "field": field}}, ensure_ascii=False).encode()
    headers = [*_HEADERS, (b"content-length", str(len(body)).encode()), *(extra_headers or [])]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})


def admin_refusal(token: str | None, authorization: str) -> AssistantError | None:
    """The error to answer when the Authorization header does not open /admin, else None."""
    if not token:
        return AdminDisabledError(None, "Chức năng quản trị đang tắt (chưa đặt HTX_ADMIN_TOKEN).")
    scheme, _, value = authorization.partition(" ")
    if scheme.lower() != "bearer" or not hmac.compare_digest(value.strip().encode(), token.encode()):
        return UnauthorizedError("authorization", "Thiếu hoặc sai mã truy cập quản trị (Authorization: Bearer …).")
    return None


class RequestGuard:
    def __init__(self, app: ASGIApp, limit_for: Callable[[str], int], streamed: Callable[[str], bool],
                 admin_token: str | None, body_timeout: float) -> None:
        self.app = app
        self.limit_for = limit_for
        self.streamed = streamed
        self.admin_token = admin_token
        self.body_timeout = body_timeout

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] in ("GET", "HEAD", "OPTIONS"):
            await self.app(scope, receive, send)
            return
        path = scope["path"]
        headers = dict(scope.get("headers") or [])
        limit = self.limit_for(path)
        declared = headers.get(b"content-length")
        if declared is not None and (not declared.isdigit() or int(declared) > limit):
            await self._too_large(send, limit)
            return
        if path.startswith("/admin/"):
            refusal = admin_refusal(self.admin_token, headers.get(b"authorization", b"").decode("latin-1"))
            if refusal is not None:
                extra = [(b"www-authenticate", b"Bearer")] if refusal.status == 401 else None
                await refuse(send, refusal.status, refusal.code, refusal.message, refusal.field, extra)
                return
        if self.streamed(path):
            await self._stream(scope, receive, send, limit)
        else:
            await self._buffer(scope, receive, send, limit)

    async def _too_large(self, send: Send, limit: int) -> None:
        await refuse(send, 413, "body_too_large", f"Nội dung yêu cầu vượt quá giới hạn {limit} byte.", "body")

    async def _too_slow(self, send: Send) -> None:
        await refuse(send, 408, "body_timeout",
                     f"Nội dung yêu cầu đến quá chậm (không có dữ liệu mới trong {self.body_timeout:g} giây).", "body")

    async def _next(self, receive: Receive) -> Message | None:
        """The next body message, or None when it did not come in time."""
        try:
            return await asyncio.wait_for(receive(), self.body_timeout)
        except TimeoutError:
            return None

    async def _buffer(self, scope: Scope, receive: Receive, send: Send, limit: int) -> None:
        chunks: list[bytes] = []
        size = 0
        while True:
            message = await self._next(receive)
            if message is None:
                await self._too_slow(send)
                return
            if message["type"] == "http.disconnect":
                return  # the client left mid-body: there is no one to answer
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > limit:
                await self._too_large(send, limit)
                return
            chunks.append(chunk)
            if not message.get("more_body", False):
                break
        body = b"".join(chunks)
        replayed = False

        async def replay() -> Message:
            nonlocal replayed
            if not replayed:
                replayed = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()

        await self.app(scope, replay, send)

    async def _stream(self, scope: Scope, receive: Receive, send: Send, limit: int) -> None:
        size = 0
        complete = False
        refused = False  # we answered (413/408): the app's own response goes nowhere
        gone = False  # the client disconnected mid-body

        async def counted() -> Message:
            nonlocal size, complete, refused, gone
            if refused:
                return {"type": "http.disconnect"}
            if complete:
                return await receive()
            message = await self._next(receive)
            if message is None:
                refused = True
                await self._too_slow(send)
                return {"type": "http.disconnect"}
            if message["type"] == "http.disconnect":
                gone = True
                return message
            size += len(message.get("body", b""))
            if size > limit:
                refused = True
                await self._too_large(send, limit)
                return {"type": "http.disconnect"}
            complete = not message.get("more_body", False)
            return message

        async def guarded_send(message: Message) -> None:
            if not refused:
                await send(message)

        try:
            await self.app(scope, counted, guarded_send)
        except Exception as error:
            if not (refused or gone):
                raise
            log.info("%s %s: body abandoned (%s)", scope["method"], scope["path"], type(error).__name__)
