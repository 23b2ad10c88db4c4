"""Chat sessions (fast: no index). Follow-up resolution is tested in tests/test_dialogue.py."""

from __future__ import annotations

import threading

import pytest

from assistant.chat import SessionLimitError, SessionStore, UnknownSessionError


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_sessions_expire_after_idle_time() -> None:
    clock = Clock()
    store = SessionStore(ttl_seconds=10, max_sessions=5, clock=clock)
    session = store.create()
    clock.now = 9
    assert store.get(session.id) is session  # use refreshes the idle timer
    clock.now = 18
    assert store.get(session.id) is session
    clock.now = 29
    with pytest.raises(UnknownSessionError) as err:
        store.get(session.id)
    assert err.value.status == 404 and err.value.field == "session_id"
    with pytest.raises(UnknownSessionError):
        store.get("no-such-session")


def test_full_store_evicts_least_recently_used_expired_session_else_refuses() -> None:
    clock = Clock()
    store = SessionStore(ttl_seconds=10, max_sessions=2, clock=clock)
    first, second = store.create(), store.create()
    with pytest.raises(SessionLimitError) as err:
        store.create()
    assert err.value.status == 429 and "phiên" in err.value.message
    clock.now = 8
    store.get(first.id)  # first is now the most recently used
    clock.now = 15  # second idle 15 s (expired), first idle 7 s
    third = store.create()
    assert len(store) == 2
    assert store.get(first.id) is first and store.get(third.id) is third
    with pytest.raises(UnknownSessionError):
        store.get(second.id)


def test_session_limit_holds_under_concurrent_creation() -> None:
    store = SessionStore(ttl_seconds=100, max_sessions=20)
    created: list[str] = []
    refused: list[int] = []

    def worker() -> None:
        for _ in range(10):
            try:
                created.append(store.create().id)
            except SessionLimitError:
                refused.append(1)

    threads = [threading.Thread(target=worker) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(store) == 20 and len(set(created)) == 20 and len(refused) == 60
