"""Chat sessions and follow-up questions.

A follow-up ("Còn Hòa Bình thì sao?", "Nộp ở đâu?", "Việc đó do ai chủ trì?") is resolved against the
previous turn's dialogue state into a standalone question (assistant/dialogue/resolve.py) and answered from
the thread's evidence first (assistant/dialogue/thread.py); each turn keeps its state and the clauses that
answered it.

Sessions live in memory, are thread-safe, expire after `session_ttl_seconds` idle and are capped at
`max_sessions`.
"""

from __future__ import annotations

import threading
import time
import uuid
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from assistant.dialogue.state import DialogueState
from assistant.dialogue.turn import answer_turn
from assistant.errors import SessionLimitError, UnknownSessionError
from assistant.models import Answer, Filters, QueryAnalysis
from assistant.settings import Settings

if TYPE_CHECKING:
    from assistant.service import Assistant




# ---------------------------------------------------------------------------------------------------------------
# Sessions


@dataclass
class Turn:
    message: str
    question: str
    analysis: QueryAnalysis
    state: DialogueState | None = None
    filters: Filters | None = None


@dataclass
class Session:
    id: str
    last_used: float
    turns: list[Turn] = field(default_factory=list)
    # Turns of one session are answered one at a time so a follow-up sees the turn before it.
    lock: threading.Lock = field(default_factory=threading.Lock, repr=False)


class SessionStore:
    """In-memory sessions, least recently used first; thread-safe."""

    def __init__(self, ttl_seconds: float, max_sessions: int, clock: Callable[[], float] = time.monotonic) -> None:
        self.ttl_seconds = ttl_seconds
        self.max_sessions = max_sessions
        self._clock = clock
        self._sessions: OrderedDict[str, Session] = OrderedDict()
        self._lock = threading.Lock()

    def __len__(self) -> int:
        with self._lock:
            return len(self._sessions)

    def _expired(self, session: Session, now: float) -> bool:
        return now - session.last_used > self.ttl_seconds

    def get(self, session_id: str) -> Session:
        with self._lock:
            now = self._clock()
            session = self._sessions.get(session_id)
            if session is None or self._expired(session, now):
                self._sessions.pop(session_id, None)
                raise UnknownSessionError(session_id)
            session.last_used = now
            self._sessions.move_to_end(session_id)
            return session

    def create(self) -> Session:
        with self._lock:
            now = self._clock()
            if len(self._sessions) >= self.max_sessions:
                oldest_id, oldest = next(iter(self._sessions.items()))
                if not self._expired(oldest, now):
                    raise SessionLimitError(self.max_sessions)
                del self._sessions[oldest_id]
            session = Session(id=uuid.uuid4().hex, last_used=now)
            self._sessions[session.id] = session
            return session


@dataclass(frozen=True)
class ChatReply:
    session_id: str
    answer: Answer
    resolved_question: str
    follow_up: bool


class Conversations:
    """Answers chat messages: opens or continues a session, resolves follow-ups, answers from the thread."""

    def __init__(self, assistant: Assistant, settings: Settings, clock: Callable[[], float] = time.monotonic):
        self.assistant = assistant
        self.sessions = SessionStore(settings.session_ttl_seconds, settings.max_sessions, clock)

    def send(self, message: str, session_id: str | None = None, filters: Filters | None = None) -> ChatReply:
        session = self.sessions.get(session_id) if session_id else self.sessions.create()
        with session.lock:
            last = session.turns[-1] if session.turns else None
            # Changing the filter bar changes what the conversation is about: the thread starts again.
            previous = last.state if last is not None and last.filters == filters else None
            turn = answer_turn(self.assistant, message, previous, filters)
            session.turns.append(Turn(message=message, question=turn.question, analysis=turn.analysis,
                                      state=turn.state, filters=filters))
        answer = turn.answer.model_copy(update={"session_id": session.id})
        return ChatReply(session.id, answer, turn.question, turn.follow_up)
