"""Chat sessions in SQLite: expiry, least-recently-used eviction that never refuses, sharing between processes."""

from __future__ import annotations

import subprocess
import sys
import threading
from pathlib import Path

import pytest

from assistant.dialogue.reading import read
from assistant.dialogue.resolve import resolve
from assistant.dialogue.state import state_of
from assistant.models import Filters, QueryAnalysis
from assistant.query import Catalog, analyze
from assistant.sessions import SessionStore, Turn, UnknownSessionError
from ingest.models import Document

REPO = Path(__file__).resolve().parent.parent


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def turn(n: int) -> Turn:
    question = f"Câu hỏi số {n} về hợp tác xã?"
    analysis = QueryAnalysis(question=question, normalized=question.lower(), intent="general")
    return Turn(message=question, question=question, analysis=analysis)


def test_sessions_expire_after_idle_time(tmp_path: Path) -> None:
    clock = Clock()
    store = SessionStore(tmp_path / "s.sqlite", ttl_seconds=10, max_sessions=5, clock=clock)
    session = store.create()
    clock.now += 9
    assert store.get(session.id).id == session.id  # use restarts the idle timer
    clock.now += 9
    store.get(session.id)
    clock.now += 11
    with pytest.raises(UnknownSessionError) as err:
        store.get(session.id)
    assert err.value.status == 404 and err.value.field == "session_id" and err.value.code == "unknown_session"
    with pytest.raises(UnknownSessionError):
        store.get("no-such-session")


def test_a_full_store_evicts_the_least_recently_used_and_never_refuses(tmp_path: Path) -> None:
    clock = Clock()
    store = SessionStore(tmp_path / "s.sqlite", ttl_seconds=1000, max_sessions=3, clock=clock)
    first = store.create()
    clock.now += 1
    second = store.create()
    clock.now += 1
    third = store.create()
    clock.now += 1
    store.get(first.id)  # first is now the most recently used; second is the idlest
    clock.now += 1
    flood = []
    for _ in range(2):
        flood.append(store.create())  # a full store takes newcomers
        clock.now += 1
    assert len(store) == 3
    with pytest.raises(UnknownSessionError):
        store.get(second.id)
    with pytest.raises(UnknownSessionError):
        store.get(third.id)
    assert store.get(first.id).id == first.id
    for _ in range(100):  # a flood pushes out everyone idle, but every newcomer gets in
        flood.append(store.create())
        clock.now += 1
    assert len(store) == 3 and store.get(flood[-1].id).id == flood[-1].id


def test_turns_persist_are_bounded_and_survive_a_restart(tmp_path: Path) -> None:
    path = tmp_path / "s.sqlite"
    store = SessionStore(path, ttl_seconds=100, max_sessions=10, max_turns=4)
    session = store.create()
    for n in range(6):
        store.append(session, turn(n))
    assert [t.message for t in session.turns] == [turn(n).message for n in range(2, 6)]
    store.close()
    reopened = SessionStore(path, ttl_seconds=100, max_sessions=10, max_turns=4).get(session.id)
    assert reopened.turns == session.turns and isinstance(reopened.turns[0].analysis, QueryAnalysis)


def test_a_stored_turn_keeps_its_dialogue_state_and_filters(tmp_path: Path) -> None:
    """What another worker reads back resolves the next follow-up exactly as the state it was written from."""
    catalog = Catalog(documents=[Document(id=p, type="Kế hoạch", province=p, source_file=f"{p}.txt", sha256="0")
                                 for p in ("Lâm Đồng", "Quảng Ninh")])
    first = analyze("Ai chịu trách nhiệm đưa hợp tác xã đi hội chợ ở Lâm Đồng?", catalog)
    state = state_of(read(first), resolve(first, None).slots)
    filters = Filters(document_id="Lâm Đồng")
    path = tmp_path / "s.sqlite"
    writer = SessionStore(path, ttl_seconds=100, max_sessions=10)
    session = writer.create()
    writer.append(session, Turn(message=first.question, question=first.question, analysis=first, state=state,
                                filters=filters))
    stored = SessionStore(path, ttl_seconds=100, max_sessions=10).get(session.id).turns[-1]
    assert stored.state == state and stored.filters == filters and stored.analysis == first
    follow_up = analyze("Còn Quảng Ninh thì sao?", catalog)
    again = resolve(follow_up, stored.state)
    assert again.question == resolve(follow_up, state).question and "Quảng Ninh" in again.question
    assert "Lâm Đồng" not in again.question


def test_two_stores_on_one_file_share_sessions_and_the_cap(tmp_path: Path) -> None:
    path = tmp_path / "s.sqlite"
    a = SessionStore(path, ttl_seconds=100, max_sessions=5)
    b = SessionStore(path, ttl_seconds=100, max_sessions=5)
    session = a.create()
    a.append(a.get(session.id), turn(1))
    on_b = b.get(session.id)
    assert [t.message for t in on_b.turns] == [turn(1).message]
    b.append(on_b, turn(2))
    assert [t.message for t in a.get(session.id).turns] == [turn(1).message, turn(2).message]
    for store in (a, b) * 6:
        store.create()
    assert len(a) == len(b) == 5


def test_concurrent_creation_keeps_the_cap_and_refuses_nobody(tmp_path: Path) -> None:
    store = SessionStore(tmp_path / "s.sqlite", ttl_seconds=100, max_sessions=20)
    created: list[str] = []
    failures: list[BaseException] = []

    def worker() -> None:
        try:
            for _ in range(25):
                created.append(store.create().id)
        except BaseException as error:  # noqa: BLE001 - collected and asserted below
            failures.append(error)

    threads = [threading.Thread(target=worker) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not failures and len(set(created)) == 200 and len(store) == 20


FLOOD = """
import sys
from assistant.sessions import SessionStore
store = SessionStore(sys.argv[1], ttl_seconds=100, max_sessions=30)
for _ in range(150):
    store.create()
"""


def test_processes_flooding_one_file_keep_the_cap(tmp_path: Path) -> None:
    path = tmp_path / "s.sqlite"
    SessionStore(path, ttl_seconds=100, max_sessions=30)  # schema and WAL mode set up once, before the race
    processes = [subprocess.Popen([sys.executable, "-c", FLOOD, str(path)], cwd=REPO) for _ in range(3)]
    assert [p.wait(timeout=120) for p in processes] == [0, 0, 0]
    assert len(SessionStore(path, ttl_seconds=100, max_sessions=30)) == 30
