"""Answer cache of the Assistant: hits, keys (question form, filters, index version), single flight, eviction,
and a newer index version made current by another process."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest

from assistant.models import Answer, Filters
from assistant.service import AnswerCache, normalize_question
from assistant.settings import Settings
from tests.conftest import build_index


def _answer(text: str) -> Answer:
    return Answer(question=text, answer=f"trả lời: {text}", found=True, intent="general")


def test_repeated_key_is_computed_once_and_copies_are_independent() -> None:
    cache = AnswerCache(8)
    calls: list[str] = []

    def compute() -> Answer:
        calls.append("x")
        return _answer("x")

    first = cache.get_or_compute(("v1", "x"), compute)
    first.session_id = "changed by a caller"
    second = cache.get_or_compute(("v1", "x"), compute)
    assert calls == ["x"] and second.session_id is None and second.answer == first.answer
    cache.get_or_compute(("v2", "x"), compute)  # another index version is another key
    assert calls == ["x", "x"]


def test_least_recently_used_entry_is_evicted() -> None:
    cache = AnswerCache(2)
    calls: list[str] = []

    def ask(key: str) -> Answer:
        return cache.get_or_compute((key,), lambda: calls.append(key) or _answer(key))

    ask("a"), ask("b"), ask("a"), ask("c"), ask("a"), ask("b")
    assert calls == ["a", "b", "c", "b"]


def test_size_zero_disables_the_cache() -> None:
    cache = AnswerCache(0)
    calls: list[int] = []
    for _ in range(3):
        cache.get_or_compute(("k",), lambda: calls.append(1) or _answer("k"))
    assert len(calls) == 3


def test_concurrent_misses_of_one_key_compute_once() -> None:
    cache = AnswerCache(8)
    calls: list[int] = []
    started = threading.Event()

    def slow() -> Answer:
        calls.append(1)
        started.set()
        time.sleep(0.3)
        return _answer("slow")

    results: list[Answer] = []
    threads = [threading.Thread(target=lambda: results.append(cache.get_or_compute(("k",), slow)))
               for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=10)
    assert len(calls) == 1 and len(results) == 6 and {r.answer for r in results} == {"trả lời: slow"}


def test_a_failure_reaches_every_waiter_and_is_not_cached() -> None:
    cache = AnswerCache(8)

    def broken() -> Answer:
        raise RuntimeError("hỏng")

    with pytest.raises(RuntimeError):
        cache.get_or_compute(("k",), broken)
    assert cache.get_or_compute(("k",), lambda: _answer("ok")).answer == "trả lời: ok"


@pytest.mark.parametrize(("given", "expected"), [
    ("  Sở Tài chính   làm gì? ", "Sở Tài chính làm gì?"),
    ("Quy\u0301 ho\u0302\u0303 trợ", "Quý hỗ trợ"),  # decomposed accents composed (NFC)
    ("a\tb\nc", "a b c"),
])
def test_questions_are_normalised(given: str, expected: str) -> None:
    assert normalize_question(given) == expected


@pytest.mark.slow
def test_assistant_serves_a_repeated_question_from_the_cache(minilm_assistant) -> None:  # noqa: ANN001
    question = "Bộ nhớ đệm: Sở Tài chính chủ trì việc gì?"  # asked by no other test
    started = time.perf_counter()
    first = minilm_assistant.ask(question)
    uncached = time.perf_counter() - started
    started = time.perf_counter()
    again = minilm_assistant.ask("  " + question.replace(" ", "  ") + " ")
    cached = time.perf_counter() - started
    assert again == first and cached < uncached / 5
    filtered = minilm_assistant.ask(question, Filters(province="Lâm Đồng"))
    assert filtered.filters["province"] == "Lâm Đồng" and first.filters["province"] is None


@pytest.mark.slow
def test_a_newer_version_from_another_process_is_never_answered_from_the_old_cache(
        tmp_path: Path, minilm_settings: Settings) -> None:
    # minilm_settings first: the session's embedding cache then already holds the seed clauses.
    from assistant.service import Assistant

    settings = build_index(tmp_path, minilm_settings.embed_model)
    worker = Assistant(settings).load()  # one API worker, answering from its cache
    question = "Ai chủ trì tổ chức cho các HTX tham gia Hội chợ xúc tiến thương mại ở Lâm Đồng?"
    version = worker.index.version
    before = worker.ask(question)
    cited = {c.document_id for c in before.citations}
    assert cited and worker.ask(question) == before
    # Another process (another worker's upload or delete, `htx ingest`) makes a new version current.
    other = Assistant(settings)
    gone = sorted(cited)[0]
    other.delete_document(gone)
    time.sleep(1.2)  # workers look for a newer version at most once a second
    after = worker.ask(question)
    assert worker.index.version == other.index.version > version
    assert gone not in {c.document_id for c in after.citations}
    assert after == other.ask(question)
