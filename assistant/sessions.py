"""Chat sessions in SQLite under the data directory, shared by every worker that serves it.

- Bounded: at most `max_sessions`. Opening one more evicts the least recently used, so a flood of new
  sessions pushes out idle ones and never refuses a newcomer; an evicted user gets `UnknownSessionError` on
  the next message, and the web page starts a new conversation and says so.
- Expiring: a session idle for `ttl_seconds` is gone.
- Durable: another worker, or the same one after a restart, continues the conversation.
- Each session keeps its last `max_turns` turns: a follow-up only ever looks a few turns back.

Turns of one session are answered one at a time within a process (`Session.lock`); two workers answering
the same session at the same instant both see the turn before and both append, in commit order.
"""

from __future__ import annotations

import sqlite3
import threading
import time
import uuid
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from pydantic import BaseModel, TypeAdapter

from assistant.dialogue.state import DialogueState
from assistant.errors import UnknownSessionError
from assistant.models import Filters, QueryAnalysis

__all__ = ["Session", "SessionStore", "Turn", "UnknownSessionError"]


class Turn(BaseModel):
    """One answered message: as written, the standalone question asked and its analysis, the dialogue state the
    next follow-up resolves against (with the evidence that answered it), and the filter bar it was asked under."""

    message: str
    question: str
    analysis: QueryAnalysis
    state: DialogueState | None = None
    filters: Filters | None = None


_TURNS = TypeAdapter(list[Turn])

_SCHEMA = """
CREATE TABLE IF NOT EXISTS sessions (
    id TEXT PRIMARY KEY,
    last_used REAL NOT NULL,
    turns TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS sessions_by_last_used ON sessions(last_used);
"""


@dataclass
class Session:
    id: str
    turns: list[Turn] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock, repr=False)


class SessionStore:
    """Sessions in one SQLite file (or ":memory:"); thread-safe, and safe across processes sharing the file."""

    _STRIPES = 256  # per-session locks, striped so that their number stays bounded

    def __init__(self, path: Path | str, ttl_seconds: float, max_sessions: int,
                 clock: Callable[[], float] = time.time, max_turns: int = 10) -> None:
        self.ttl_seconds = ttl_seconds
        self.max_sessions = max_sessions
        self.max_turns = max_turns
        self._clock = clock
        self._lock = threading.Lock()
        self._locks = [threading.Lock() for _ in range(self._STRIPES)]
        if str(path) != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        # isolation_level=None: transactions are opened explicitly (BEGIN IMMEDIATE) where a read decides a write.
        self._db = sqlite3.connect(str(path), check_same_thread=False, isolation_level=None, timeout=10)
        self._db.execute("PRAGMA busy_timeout=10000")
        if str(path) != ":memory:":
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA synchronous=NORMAL")
        self._db.executescript(_SCHEMA)

    def close(self) -> None:
        with self._lock:
            self._db.close()

    def __len__(self) -> int:
        with self._lock:
            return int(self._db.execute("SELECT COUNT(*) FROM sessions").fetchone()[0])

    def _session(self, session_id: str, turns: list[Turn]) -> Session:
        return Session(session_id, turns, self._locks[zlib.crc32(session_id.encode()) % self._STRIPES])

    def get(self, session_id: str) -> Session:
        """The session, its idle timer restarted; `UnknownSessionError` if it never existed, expired or was evicted."""
        with self._lock:
            now = self._clock()
            with self._transaction():
                row = self._db.execute("SELECT last_used, turns FROM sessions WHERE id = ?", (session_id,)).fetchone()
                if row is None or now - row[0] > self.ttl_seconds:
                    self._db.execute("DELETE FROM sessions WHERE id = ?", (session_id,))
                    row = None
                else:
                    self._db.execute("UPDATE sessions SET last_used = ? WHERE id = ?", (now, session_id))
        if row is None:
            raise UnknownSessionError(session_id)
        return self._session(session_id, _TURNS.validate_json(row[1]))

    def create(self) -> Session:
        """A new session; at the cap the least recently used ones make room (expired ones go first anyway)."""
        session_id = uuid.uuid4().hex
        with self._lock:
            now = self._clock()
            with self._transaction():
                self._db.execute("DELETE FROM sessions WHERE last_used < ?", (now - self.ttl_seconds,))
                count = self._db.execute("SELECT COUNT(*) FROM sessions").fetchone()[0]
                if count >= self.max_sessions:
                    self._db.execute(
                        "DELETE FROM sessions WHERE id IN (SELECT id FROM sessions ORDER BY last_used LIMIT ?)",
                        (count - self.max_sessions + 1,),
                    )
                self._db.execute("INSERT INTO sessions VALUES (?, ?, '[]')", (session_id, now))
        return self._session(session_id, [])

    def append(self, session: Session, turn: Turn) -> None:
        """Add a turn, keeping the last `max_turns`. Written even if the session was evicted meanwhile: a session
        in use is the most recently used one."""
        with self._lock:
            now = self._clock()
            with self._transaction():
                row = self._db.execute("SELECT turns FROM sessions WHERE id = ?", (session.id,)).fetchone()
                turns = _TURNS.validate_json(row[0]) if row else list(session.turns)
                turns = [*turns, turn][-self.max_turns :]
                self._db.execute(
                    "INSERT INTO sessions VALUES (?, ?, ?) ON CONFLICT(id) DO UPDATE SET last_used = excluded.last_used,"
                    " turns = excluded.turns",
                    (session.id, now, _TURNS.dump_json(turns).decode()),
                )
        session.turns = turns

    def _transaction(self):  # noqa: ANN202 - a context manager
        return _Immediate(self._db)


class _Immediate:
    """BEGIN IMMEDIATE ... COMMIT (ROLLBACK on error): the write lock is taken before the first read, so two
    processes can never both count the sessions and both insert past the cap."""

    def __init__(self, db: sqlite3.Connection) -> None:
        self.db = db

    def __enter__(self) -> None:
        self.db.execute("BEGIN IMMEDIATE")

    def __exit__(self, kind: object, *rest: object) -> None:
        self.db.execute("ROLLBACK" if kind is not None else "COMMIT")
