"""The optional generator hook, against a real local HTTP endpoint (the only test double: no LLM runs here)."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from assistant.models import Answer, Citation
from assistant.phrasing import OpenAICompatiblePhraser, rephrase_checked

EXTRACTIVE = Answer(
    question="Năm 2017 thành lập mới bao nhiêu HTX?",
    answer="Theo Kế hoạch, mục I.2.1: thành lập mới 35 HTX trở lên [1].",
    found=True,
    intent="target",
    citations=[
        Citation(n=1, clause_id="hb:I.2.1", document_id="hb", document_title="Kế hoạch", document_number=None,
                 path="I.2.1", headings=["I. MỤC TIÊU"], text="1. Số lượng HTX thành lập mới trong năm 2017 đạt 35 HTX trở lên;",
                 line_start=9, line_end=9, score=1.0)
    ],
)


@pytest.fixture
def endpoint() -> Iterator[tuple[str, dict[str, str]]]:
    reply = {"text": ""}

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802 - http.server API
            length = int(self.headers["Content-Length"])
            json.loads(self.rfile.read(length))
            body = json.dumps({"choices": [{"message": {"role": "assistant", "content": reply["text"]}}]}).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/v1", reply
    server.shutdown()


def test_faithful_rewording_is_kept(endpoint: tuple[str, dict[str, str]]) -> None:
    url, reply = endpoint
    reply["text"] = "Năm 2017 tỉnh phấn đấu thành lập mới từ 35 HTX trở lên [1]."
    answer = rephrase_checked(EXTRACTIVE, OpenAICompatiblePhraser(url, "test"))
    assert answer.answer == reply["text"]
    assert answer.citations == EXTRACTIVE.citations


def test_rewording_with_an_invented_figure_is_rejected(endpoint: tuple[str, dict[str, str]]) -> None:
    url, reply = endpoint
    reply["text"] = "Năm 2017 tỉnh phấn đấu thành lập mới 50 HTX [1]."
    answer = rephrase_checked(EXTRACTIVE, OpenAICompatiblePhraser(url, "test"))
    assert answer.answer == EXTRACTIVE.answer


def test_unreachable_endpoint_keeps_the_extractive_answer() -> None:
    answer = rephrase_checked(EXTRACTIVE, OpenAICompatiblePhraser("http://127.0.0.1:9/v1", "test", timeout=1))
    assert answer.answer == EXTRACTIVE.answer
