"""Chat sessions and follow-up questions.

A follow-up ("Còn Hòa Bình thì sao?", "Nộp ở đâu?", "Việc đó do ai chủ trì?") is resolved against the
previous turn's dialogue state into a standalone question (assistant/dialogue/resolve.py) and answered from
the thread's evidence first (assistant/dialogue/thread.py); each turn keeps its state and the clauses that
answered it.

Sessions live in SQLite under the data directory (assistant/sessions.py), shared by every API worker and kept
across restarts: each stored turn carries its dialogue state and filters, so any worker can answer the next one.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from assistant.dialogue.turn import answer_turn
from assistant.models import Answer, Filters
from assistant.sessions import SessionStore, Turn
from assistant.settings import Settings

if TYPE_CHECKING:
    from assistant.service import Assistant


@dataclass(frozen=True)
class ChatReply:
    session_id: str
    answer: Answer
    resolved_question: str
    follow_up: bool


class Conversations:
    """Answers chat messages: opens or continues a session, resolves follow-ups, answers from the thread."""

    def __init__(self, assistant: Assistant, settings: Settings, clock: Callable[[], float] = time.time):
        self.assistant = assistant
        self.sessions = SessionStore(settings.sessions_db, settings.session_ttl_seconds, settings.max_sessions, clock)

    def send(self, message: str, session_id: str | None = None, filters: Filters | None = None) -> ChatReply:
        session = self.sessions.get(session_id) if session_id else self.sessions.create()
        with session.lock:
            if session_id:
                # Read again under the lock: a message of this session answered meanwhile is the turn before.
                session = self.sessions.get(session_id)
            last = session.turns[-1] if session.turns else None
            # Changing the filter bar changes what the conversation is about: the thread starts again.
            previous = last.state if last is not None and last.filters == filters else None
            turn = answer_turn(self.assistant, message, previous, filters)
            self.sessions.append(session, Turn(message=message, question=turn.question, analysis=turn.analysis,
                                               state=turn.state, filters=filters))
        answer = turn.answer.model_copy(update={"session_id": session.id})
        return ChatReply(session.id, answer, turn.question, turn.follow_up)
