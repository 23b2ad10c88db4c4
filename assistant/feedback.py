"""Readers' đúng / sai verdicts on answers, kept in SQLite under the data dir and exported as eval items.

A verdict records what was asked, what was answered and which clauses were cited, so that it can become an eval
question later: an answer judged "đúng" makes its cited clauses the gold clauses; one judged "sai" is a
known failure to look at (`htx feedback` prints them as JSON lines).
"""

from __future__ import annotations

import datetime
import json
import sqlite3
import threading
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

Verdict = Literal["đúng", "sai"]
MAX_ANSWER_CHARS = 20_000
MAX_COMMENT_CHARS = 1_000

_SCHEMA = """
CREATE TABLE IF NOT EXISTS feedback (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    created_at TEXT NOT NULL,
    verdict TEXT NOT NULL,
    json TEXT NOT NULL
);
"""


class FeedbackIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    question: str = Field(description="Câu hỏi đã hỏi", min_length=1)
    answer: str = Field("", description="Câu trả lời đã nhận", max_length=MAX_ANSWER_CHARS)
    verdict: Verdict = Field(description="“đúng” hoặc “sai”")
    found: bool | None = None
    intent: str | None = None
    cited_clause_ids: list[str] = Field(default_factory=list, max_length=50)
    filters: dict[str, str | None] = Field(default_factory=dict)
    comment: str | None = Field(None, max_length=MAX_COMMENT_CHARS)


class FeedbackRecord(FeedbackIn):
    id: int
    created_at: str


class EvalItem(BaseModel):
    """One verdict in the shape of an eval question (eval/qa.jsonl), plus what the reader said."""

    id: str
    question: str
    intent: str | None
    gold_clause_ids: list[str] = Field(description="The cited clauses when the reader judged the answer right")
    answerable: bool | None = Field(description="True when judged right; unknown when judged wrong")
    verdict: Verdict
    answer: str
    cited_clause_ids: list[str]
    filters: dict[str, str | None]
    comment: str | None
    created_at: str
    source: Literal["feedback"] = "feedback"


class FeedbackStore:
    """Append-only SQLite table; one connection guarded by a lock (the API writes from several threads)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._lock = threading.Lock()
        self._conn: sqlite3.Connection | None = None

    def _connection(self) -> sqlite3.Connection:
        if self._conn is None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._conn = sqlite3.connect(self.path, check_same_thread=False)
            self._conn.executescript(_SCHEMA)
        return self._conn

    def add(self, item: FeedbackIn) -> FeedbackRecord:
        created = datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds")
        with self._lock:
            conn = self._connection()
            cursor = conn.execute("INSERT INTO feedback (created_at, verdict, json) VALUES (?, ?, ?)",
                                  (created, item.verdict, item.model_dump_json()))
            conn.commit()
            row_id = int(cursor.lastrowid or 0)
        return FeedbackRecord(**item.model_dump(), id=row_id, created_at=created)

    def all(self) -> list[FeedbackRecord]:
        if not self.path.exists():
            return []
        with self._lock:
            rows = self._connection().execute("SELECT id, created_at, json FROM feedback ORDER BY id").fetchall()
        return [FeedbackRecord(**json.loads(data), id=row_id, created_at=created) for row_id, created, data in rows]

    def eval_items(self) -> list[EvalItem]:
        return [
            EvalItem(id=f"feedback-{r.id:05d}", question=r.question, intent=r.intent,
                     gold_clause_ids=r.cited_clause_ids if r.verdict == "đúng" else [],
                     answerable=True if r.verdict == "đúng" else None, verdict=r.verdict, answer=r.answer,
                     cited_clause_ids=r.cited_clause_ids, filters=r.filters, comment=r.comment,
                     created_at=r.created_at)
            for r in self.all()
        ]

    def close(self) -> None:
        with self._lock:
            if self._conn is not None:
                self._conn.close()
                self._conn = None


def feedback_path(data_dir: Path) -> Path:
    return data_dir / "feedback.sqlite"
