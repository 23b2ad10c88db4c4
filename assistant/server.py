"""Running the API under uvicorn with the limits a public server needs: `htx serve` calls `run`.

- Request headers must arrive within `header_timeout_seconds` of a connection opening (or of the first byte
  of the next request on a kept-alive connection): uvicorn itself waits forever, so a client that opens
  connections and dribbles (or never sends) headers would hold them all. `GuardedH11Protocol` adds that
  deadline; request bodies get theirs from `assistant.api.limits.RequestGuard`.
- At most `max_connections` connections and requests at once (uvicorn's limit_concurrency, 503 above).
- Idle kept-alive connections close after `keep_alive_seconds`.
- With `workers` > 1 each worker process builds its own Assistant from the same settings (environment);
  chat sessions are shared through SQLite under the data directory (assistant.sessions).
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

import h11
from uvicorn.protocols.http.h11_impl import H11Protocol

from assistant.settings import Settings

log = logging.getLogger(__name__)


class GuardedH11Protocol(H11Protocol):
    """uvicorn's h11 protocol with a deadline for the request line and headers."""

    _header_deadline: asyncio.TimerHandle | None = None

    def _header_timeout(self) -> float:
        return float(getattr(self.config, "header_timeout", 10.0))

    def _arm(self) -> None:
        if self._header_deadline is None:
            self._header_deadline = self.loop.call_later(self._header_timeout(), self._headers_too_slow)

    def _disarm(self) -> None:
        if self._header_deadline is not None:
            self._header_deadline.cancel()
            self._header_deadline = None

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._arm()

    def data_received(self, data: bytes) -> None:
        if self.conn.their_state is h11.IDLE:
            self._arm()  # a new request is starting: its headers are on the clock
        super().data_received(data)
        if self.conn.their_state is not h11.IDLE:
            self._disarm()  # headers complete: the body, if any, is RequestGuard's business

    def on_response_complete(self) -> None:
        super().on_response_complete()
        self._disarm()  # idle between requests is the keep-alive timeout's business

    def connection_lost(self, exc: Exception | None) -> None:
        self._disarm()
        super().connection_lost(exc)

    def _headers_too_slow(self) -> None:
        self._header_deadline = None
        if self.conn.their_state is h11.IDLE and not self.transport.is_closing():
            log.info("closing a connection that sent no complete request headers in %.0f s", self._header_timeout())
            self.transport.close()


def uvicorn_options(settings: Settings) -> dict[str, Any]:
    """Keyword arguments for uvicorn.Config / uvicorn.run that apply the settings' connection limits."""
    return {"http": GuardedH11Protocol, "timeout_keep_alive": settings.keep_alive_seconds,
            "limit_concurrency": settings.max_connections, "log_level": "info"}


def configure(config: Any, settings: Settings) -> Any:
    """Attach what GuardedH11Protocol reads from the uvicorn Config (it travels with the config to workers)."""
    config.header_timeout = settings.header_timeout_seconds
    return config


def run(settings: Settings, host: str, port: int, workers: int) -> None:
    import uvicorn

    if workers > 1:
        # uvicorn starts the workers itself; each builds its app from the environment (HTX_* variables).
        config = uvicorn.Config("assistant.api:create_app_from_settings", factory=True, host=host, port=port,
                                workers=workers, **uvicorn_options(settings))
        configure(config, settings)
        from uvicorn.supervisors import Multiprocess

        Multiprocess(config, sockets=[config.bind_socket()]).run()
        return
    from assistant.api import create_app
    from assistant.service import Assistant

    assistant = Assistant(settings)
    assistant.warm_up()
    config = configure(uvicorn.Config(create_app(assistant), host=host, port=port, **uvicorn_options(settings)),
                       settings)
    uvicorn.Server(config).run()
