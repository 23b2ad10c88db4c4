"""The HTTP API through a real uvicorn server over a real index of the corpus seeds (MiniLM embeddings)."""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest

from assistant.labels import INTERNAL_CODE
from assistant.settings import Settings
from ingest.models import Fact
from tests.conftest import ADMIN_TOKEN, serve

pytestmark = pytest.mark.slow

FAIR = "Ai chủ trì tổ chức cho các HTX tham gia Hội chợ xúc tiến thương mại ở Lâm Đồng?"
VIETNAMESE = re.compile(r"[àáảãạăằắẳẵặâầấẩẫậđèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵ]")
WEB_DIR = Path(__file__).resolve().parent.parent / "assistant" / "web"


@pytest.fixture(scope="module")
def client(live_server: str) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=live_server, timeout=120) as http:
        yield http


@pytest.fixture(scope="module")
def documents(client: httpx.Client) -> dict[str, dict]:
    return {d["id"]: d for d in client.get("/documents").json()}


def assert_error(response: httpx.Response, status: int, field: str | None, code: str | None = None) -> dict:
    assert response.status_code == status, response.text
    body = response.json()
    assert set(body) == {"error"} and set(body["error"]) == {"code", "message", "field"}, body
    assert body["error"]["field"] == field, body
    if code:
        assert body["error"]["code"] == code, body
    assert VIETNAMESE.search(body["error"]["message"]), body  # users read Vietnamese
    return body["error"]


def province_of(citation: dict, documents: dict[str, dict]) -> str | None:
    return documents[citation["document_id"]]["province"]


# ---- reading ----------------------------------------------------------------------------------------------------
def test_health_counts_the_index(client: httpx.Client, documents: dict[str, dict]) -> None:
    health = client.get("/health").json()
    assert health["status"] == "ok" and isinstance(health["index_version"], int)
    assert health["documents"] == len(documents) == 4
    assert health["clauses"] == sum(d["n_clauses"] for d in documents.values()) > 100


def test_documents_list_metadata_and_unknown_province(documents: dict[str, dict]) -> None:
    by_file = {Path(d["source_file"]).name: d for d in documents.values()}
    assert by_file["quang-ninh_kh-31-2017-phat-trien-htx.md"]["province"] == "Quảng Ninh"
    assert by_file["lam-dong_kh-thuc-hien-ct-12-2018.txt"]["province"] == "Lâm Đồng"
    assert by_file["thong-bao-ket-luan-bcd-ktt-2016.txt"]["province"] is None  # the notice names no province


def test_document_detail_is_the_clause_tree_in_order(client: httpx.Client, documents: dict[str, dict],
                                                     minilm_settings: Settings) -> None:
    for document_id, summary in documents.items():
        detail = client.get(f"/documents/{document_id}").json()
        assert detail["document"]["id"] == document_id and detail["name"] == summary["name"]
        clauses = detail["clauses"]
        assert len(clauses) == summary["n_clauses"] > 0
        assert [c["order"] for c in clauses] == sorted(c["order"] for c in clauses)
        ids = {c["id"] for c in clauses}
        # Files are named, never located: no server path leaves the API.
        assert "/" not in summary["source_file"] and "/" not in detail["document"]["source_file"]
        n_lines = len((minilm_settings.corpus_dir / summary["source_file"]).read_text(encoding="utf-8").splitlines())
        for clause in clauses:
            assert clause["document_id"] == document_id and clause["text"].strip()
            assert 1 <= clause["line_start"] <= clause["line_end"] <= n_lines
            assert clause["parent_id"] is None or clause["parent_id"] in ids
            assert clause["label"] and not INTERNAL_CODE.search(clause["label"]), clause["label"]


def test_documents_have_short_names_and_the_coverage_says_what_is_held(client: httpx.Client,
                                                                       documents: dict[str, dict]) -> None:
    names = {d["id"]: d["name"] for d in documents.values()}
    assert names["quang-ninh_kh-31-2017-phat-trien-htx"] == "Kế hoạch 31/KH-UBND (Quảng Ninh)"
    assert names["lam-dong_kh-thuc-hien-ct-12-2018"] == "Kế hoạch thực hiện Chỉ thị số 12/CT-TTg (Lâm Đồng)"
    coverage = client.get("/coverage").json()
    assert {d["id"] for d in coverage["documents"]} == set(documents)
    assert coverage["provinces"] == ["Hòa Bình", "Lâm Đồng", "Quảng Ninh"]
    assert coverage["national"] == 1  # the notice names no province
    assert coverage["sentence"] == ("Các văn bản hiện có bao gồm: 3 kế hoạch và Thông báo kết luận năm 2016; "
                                    "các tỉnh: Hòa Bình, Lâm Đồng, Quảng Ninh.")


def test_clause_detail_has_document_and_neighbours(client: httpx.Client, documents: dict[str, dict]) -> None:
    document_id = next(iter(documents))
    clauses = client.get(f"/documents/{document_id}").json()["clauses"]
    middle = clauses[len(clauses) // 2]
    detail = client.get(f"/clauses/{middle['id']}").json()
    assert detail["clause"] == {k: v for k, v in middle.items() if k != "label"}
    assert detail["label"] == middle["label"]
    assert detail["document"]["id"] == document_id
    neighbour_ids = [c["id"] for c in detail["neighbours"]]
    position = [c["id"] for c in clauses].index(middle["id"])
    assert neighbour_ids == [c["id"] for c in clauses[position - 2 : position + 3]]
    wider = client.get(f"/clauses/{middle['id']}", params={"before": 4, "after": 0}).json()
    assert [c["id"] for c in wider["neighbours"]] == [c["id"] for c in clauses[position - 4 : position + 1]]


# ---- questions ---------------------------------------------------------------------------------------------------
def test_ask_cites_exact_clauses(client: httpx.Client, documents: dict[str, dict]) -> None:
    answer = client.post("/ask", json={"question": FAIR}).json()
    assert answer["question"] == FAIR and answer["found"] and answer["citations"]
    assert "[1]" in answer["answer"]
    for citation in answer["citations"]:
        assert province_of(citation, documents) == "Lâm Đồng"
        stored = client.get(f"/clauses/{citation['clause_id']}").json()["clause"]
        assert stored["text"].startswith(citation["text"].rstrip(" …")[:200])  # quoted as written
        assert (citation["path"], citation["line_start"]) == (stored["path"], stored["line_start"])
        # Each source is named for a reader: clause in the document's numbering, then the document.
        assert citation["label"] == f"{citation['clause_label']}, {citation['document_name']}"
        assert citation["document_name"] == "Kế hoạch thực hiện Chỉ thị số 12/CT-TTg (Lâm Đồng)"
        assert not INTERNAL_CODE.search(citation["label"]), citation["label"]


def test_ask_filters_restrict_the_sources(client: httpx.Client, documents: dict[str, dict]) -> None:
    question = "Sở Tài chính phải làm gì?"
    answer = client.post("/ask", json={"question": question, "filters": {"province": "quang ninh"}}).json()
    assert answer["citations"] or answer["related"]
    assert {province_of(c, documents) for c in answer["citations"] + answer["related"]} == {"Quảng Ninh"}
    assert answer["filters"]["province"] == "Quảng Ninh"
    document_id = next(d for d, doc in documents.items() if doc["province"] == "Hòa Bình")
    answer = client.post("/ask", json={"question": question, "filters": {"document_id": document_id}}).json()
    assert {c["document_id"] for c in answer["citations"] + answer["related"]} == {document_id}


def test_ask_about_a_place_without_documents_says_so(client: httpx.Client) -> None:
    answer = client.post("/ask", json={"question": "Ai chủ trì tổ chức hội chợ cho HTX ở Cà Mau?"}).json()
    assert not answer["found"] and not answer["citations"]


def test_chat_follow_ups_keep_the_topic(client: httpx.Client, documents: dict[str, dict]) -> None:
    first = client.post("/chat", json={"message": FAIR}).json()
    session_id = first["session_id"]
    assert session_id and not first["follow_up"] and first["resolved_question"] == FAIR
    assert {province_of(c, documents) for c in first["citations"]} == {"Lâm Đồng"}

    second = client.post("/chat", json={"session_id": session_id, "message": "Còn ở Quảng Ninh thì sao?"}).json()
    assert second["session_id"] == session_id and second["follow_up"]
    assert "Quảng Ninh" in second["resolved_question"] and "Lâm Đồng" not in second["resolved_question"]
    assert "Hội chợ" in second["resolved_question"]
    assert second["citations"] and "Quảng Ninh" in {province_of(c, documents) for c in second["citations"]}

    third = client.post("/chat", json={"session_id": session_id, "message": "Hạn chót là khi nào?"}).json()
    assert third["follow_up"] and third["intent"] == "deadline"
    assert "Quảng Ninh" in third["resolved_question"] and "Hội chợ" in third["resolved_question"]
    # A follow-up is answered from the thread's evidence first (the plan section that answered the previous
    # turn), so it stays in the document the conversation is about even where the rewritten question alone,
    # searched over the whole corpus, would not be answered.
    assert {province_of(c, documents) for c in third["citations"]} <= {"Quảng Ninh"}

    other = client.post("/chat", json={"message": "Còn ở Quảng Ninh thì sao?"}).json()
    assert other["session_id"] != session_id and not other["follow_up"]  # a new session has no previous topic


def test_cached_answers_carry_no_session_and_sessions_keep_their_own(client: httpx.Client) -> None:
    asked = client.post("/ask", json={"question": FAIR}).json()  # cached now, as later /ask calls of it
    one = client.post("/chat", json={"message": FAIR}).json()
    two = client.post("/chat", json={"message": FAIR}).json()
    again = client.post("/ask", json={"question": FAIR}).json()
    assert asked["session_id"] is None and again["session_id"] is None
    assert one["session_id"] and two["session_id"] and one["session_id"] != two["session_id"]
    assert one["answer"] == two["answer"] == asked["answer"] == again["answer"]


def test_concurrent_asks_match_sequential_ones(client: httpx.Client) -> None:
    questions = [FAIR, "Sở Tài chính phải làm gì?", "Sáng lập viên thành lập HTX mới ở Quảng Ninh được hỗ trợ gì?",
                 "Hạn chót báo cáo kết quả thực hiện kế hoạch là khi nào?", "Mục tiêu phát triển HTX đến năm 2020?",
                 "Cơ quan nào phối hợp tổ chức hội chợ ở Lâm Đồng?", "Ban Chỉ đạo kinh tế tập thể kết luận gì?",
                 "Ai chủ trì xây dựng mô hình HTX kiểu mới ở Hòa Bình?"]
    sequential = [client.post("/ask", json={"question": q}).json() for q in questions]
    with ThreadPoolExecutor(max_workers=8) as pool:
        parallel = list(pool.map(lambda q: client.post("/ask", json={"question": q}).json(), questions))
    assert parallel == sequential


# ---- facts ---------------------------------------------------------------------------------------------------------
def test_facts_json_filters_and_csv_export(client: httpx.Client, documents: dict[str, dict]) -> None:
    everything = [Fact.model_validate(f) for f in client.get("/facts").json()]
    assert {f.kind for f in everything} == {"responsibility", "target", "deadline"}
    lead = client.get("/facts", params={"kind": "responsibility"}).json()
    assert lead and all(f["kind"] == "responsibility" for f in lead)
    quang_ninh = client.get("/facts", params={"province": "Quảng Ninh"}).json()
    assert quang_ninh and all(documents[f["document_id"]]["province"] == "Quảng Ninh" for f in quang_ninh)
    clause = client.get(f"/clauses/{lead[0]['clause_id']}")
    assert clause.status_code == 200

    response = client.get("/facts", params={"kind": "deadline", "format": "csv"})
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/csv")
    assert "attachment" in response.headers["content-disposition"]
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    deadlines = client.get("/facts", params={"kind": "deadline"}).json()
    assert len(rows) == len(deadlines) > 0
    # Vietnamese headers, only the columns that mean something for deadlines, documents by their names.
    assert list(rows[0]) == ["Văn bản", "Tỉnh", "Điều khoản", "Cơ quan", "Hạn", "Thời hạn (nguyên văn)", "Định kỳ",
                             "Nhiệm vụ"]
    assert [r["Thời hạn (nguyên văn)"] for r in rows] == [f["wording"] or "" for f in deadlines]
    assert [r["Văn bản"] for r in rows] == [documents[f["document_id"]]["name"] for f in deadlines]
    assert [r["Điều khoản"] for r in rows] == [f["clause_label"] for f in deadlines]
    assert "30/06/2017" in {r["Hạn"] for r in rows}
    assert "định kỳ 6 tháng, năm" in {r["Định kỳ"] for r in rows}

    who = list(csv.DictReader(io.StringIO(
        client.get("/facts", params={"kind": "responsibility", "format": "csv"}).content.decode("utf-8-sig"))))
    assert list(who[0]) == ["Văn bản", "Tỉnh", "Điều khoản", "Cơ quan", "Vai trò", "Nhiệm vụ"]
    assert {r["Vai trò"] for r in who} == {"chủ trì", "phối hợp"}
    assert not any(re.fullmatch(r"[a-z0-9_-]+", r["Văn bản"]) for r in who)  # never a file slug


# ---- errors: 4xx JSON with a Vietnamese message and the field, never a 500 ------------------------------------------
LONG = "Ai chủ trì " * 60


@pytest.mark.parametrize(
    ("method", "path", "payload", "status", "field", "code"),
    [
        ("POST", "/ask", b"{not json", 400, "body", "malformed_json"),
        ("POST", "/ask", b"[]", 422, "body", None),
        ("POST", "/ask", b"null", 422, "body", None),
        ("POST", "/ask", {}, 422, "question", None),
        ("POST", "/ask", {"question": 3}, 422, "question", None),
        ("POST", "/ask", {"question": "   "}, 422, "question", "empty_question"),
        ("POST", "/ask", {"question": LONG}, 422, "question", "question_too_long"),
        ("POST", "/ask", {"question": "Ai chủ trì\x00 hội chợ?"}, 422, "question", "invalid_text"),
        ("POST", "/ask", {"question": FAIR, "foo": 1}, 422, "foo", None),
        ("POST", "/ask", {"question": FAIR, "filters": {"bogus": 1}}, 422, "filters.bogus", None),
        ("POST", "/ask", {"question": FAIR, "filters": {"province": 5}}, 422, "filters.province", None),
        ("POST", "/ask", {"question": FAIR, "filters": {"province": "Hà Nội"}}, 422, "filters.province",
         "unknown_filter_value"),
        ("POST", "/ask", {"question": FAIR, "filters": {"document_id": "nope"}}, 422, "filters.document_id",
         "unknown_filter_value"),
        ("POST", "/ask", {"question": FAIR, "filters": "Lâm Đồng"}, 422, "filters", None),
        ("POST", "/chat", {"message": ""}, 422, "message", "empty_question"),
        ("POST", "/chat", {"message": FAIR, "session_id": 5}, 422, "session_id", None),
        ("POST", "/chat", {"message": FAIR, "session_id": "no-such-session"}, 404, "session_id", "unknown_session"),
        ("POST", "/chat", {"message": FAIR, "filters": {"province": "Narnia"}}, 422, "filters.province", None),
        ("GET", "/documents/no-such-document", None, 404, "document_id", "not_found"),
        ("GET", "/clauses/no-such-document:I.1", None, 404, "clause_id", "not_found"),
        ("GET", "/clauses/x?before=-1", None, 422, "before", None),
        ("GET", "/facts?kind=bogus", None, 422, "kind", None),
        ("GET", "/facts?format=xml", None, 422, "format", None),
        ("GET", "/facts?province=Narnia", None, 422, "province", "unknown_filter_value"),
        ("GET", "/facts?document_id=nope", None, 422, "document_id", "unknown_filter_value"),
        ("GET", "/no-such-page", None, 404, None, "not_found"),
        ("PUT", "/ask", {"question": FAIR}, 405, None, "method_not_allowed"),
        ("POST", "/ask", {"question": "x" * 70_000}, 413, "body", "body_too_large"),
    ],
)
def test_bad_input_gets_a_4xx_json_error(client: httpx.Client, method: str, path: str, payload: object, status: int,
                                         field: str | None, code: str | None) -> None:
    if isinstance(payload, bytes):
        response = client.request(method, path, content=payload, headers={"Content-Type": "application/json"})
    else:
        response = client.request(method, path, json=payload)
    assert_error(response, status, field, code)


def test_streamed_body_over_the_limit_is_refused(client: httpx.Client) -> None:
    def chunks() -> Iterator[bytes]:  # no Content-Length: the server must count what arrives
        yield b'{"question": "'
        for _ in range(100):
            yield b"x" * 1000
        yield b'"}'

    response = client.post("/ask", content=chunks(), headers={"Content-Type": "application/json"})
    assert_error(response, 413, "body", "body_too_large")


# ---- admin -----------------------------------------------------------------------------------------------------------
NEW_PLAN = """ỦY BAN NHÂN DÂN TỈNH HÒA BÌNH
Số: 99/KH-UBND
KẾ HOẠCH
Thí điểm nuôi cá lồng theo mô hình hợp tác xã trên hồ thủy điện
I. MỤC ĐÍCH
1. Phát triển nghề nuôi cá lồng theo mô hình hợp tác xã kiểu mới.
II. NHIỆM VỤ
1. Sở Nông nghiệp và Phát triển nông thôn chủ trì hướng dẫn kỹ thuật nuôi cá lồng cho các hợp tác xã.
2. Sở Tài chính phối hợp bố trí kinh phí thí điểm nuôi cá lồng.
"""


def admin_headers(token: str = ADMIN_TOKEN) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def test_feedback_is_stored_and_exported_as_eval_items(client: httpx.Client) -> None:
    answer = client.post("/ask", json={"question": FAIR}).json()
    cited = [c["clause_id"] for c in answer["citations"]]
    for verdict in ("đúng", "sai"):
        response = client.post("/feedback", json={"question": FAIR, "answer": answer["answer"], "verdict": verdict,
                                                  "intent": answer["intent"], "cited_clause_ids": cited,
                                                  "filters": {"province": "Lâm Đồng"}})
        assert response.status_code == 201, response.text
        assert response.json()["verdict"] == verdict and response.json()["id"] > 0
    assert_error(client.post("/feedback", json={"question": FAIR, "verdict": "maybe"}), 422, "verdict")
    assert_error(client.post("/feedback", json={"question": " ", "verdict": "sai"}), 422, "question", "empty_question")
    assert_error(client.get("/admin/feedback"), 401, "authorization")
    export = client.get("/admin/feedback", headers=admin_headers())
    assert export.status_code == 200 and export.headers["content-type"].startswith("application/x-ndjson")
    items = [json.loads(line) for line in export.text.splitlines()]
    right, wrong = [i for i in items if i["question"] == FAIR][-2:]
    assert (right["verdict"], right["gold_clause_ids"], right["answerable"]) == ("đúng", cited, True)
    assert (wrong["verdict"], wrong["gold_clause_ids"], wrong["cited_clause_ids"]) == ("sai", [], cited)
    assert right["id"].startswith("feedback-") and right["source"] == "feedback"


def test_api_docs_work_offline(client: httpx.Client) -> None:
    for page, asset in (("/docs", "swagger-ui-bundle.js"), ("/redoc", "redoc.standalone.js")):
        html = client.get(page)
        assert html.status_code == 200 and "text/html" in html.headers["content-type"]
        assets = re.findall(r"(?:src|href)=[\"']([^\"']+)", html.text)
        assert assets and not [a for a in assets if re.match(r"(?:https?:)?//", a)], assets  # nothing from a CDN
        assert any(a.endswith(asset) for a in assets)
        for url in assets:
            assert client.get(url).status_code == 200, url


def test_admin_requires_the_bearer_token(client: httpx.Client) -> None:
    for headers in ({}, admin_headers("wrong"), {"Authorization": ADMIN_TOKEN}):
        response = client.post("/admin/reload", headers=headers)
        assert_error(response, 401, "authorization", "unauthorized")
        assert response.headers["www-authenticate"] == "Bearer"
        assert_error(client.delete("/admin/documents/x", headers=headers), 401, "authorization")
        files = {"files": ("new.txt", NEW_PLAN.encode())}
        assert_error(client.post("/admin/ingest", headers=headers, files=files), 401, "authorization")


@pytest.mark.parametrize("name", ["../evil.txt", "../../tmp/evil.txt", "/tmp/evil.txt", "sub/evil.txt",
                                  "..\\evil.txt", ".hidden.txt", "evil.exe", "..", "C:evil.txt"])
def test_upload_names_cannot_escape_the_corpus_folder(client: httpx.Client, minilm_settings: Settings,
                                                      name: str) -> None:
    before = sorted(p.name for p in minilm_settings.corpus_dir.parent.rglob("*"))
    response = client.post("/admin/ingest", headers=admin_headers(), files={"files": (name, NEW_PLAN.encode())})
    assert_error(response, 422, "files", "bad_upload")
    assert sorted(p.name for p in minilm_settings.corpus_dir.parent.rglob("*")) == before
    assert not Path("/tmp/evil.txt").exists()


def test_admin_upload_ask_delete_reload(client: httpx.Client, minilm_settings: Settings) -> None:
    version = client.get("/health").json()["index_version"]
    response = client.post("/admin/ingest", headers=admin_headers(),
                           files=[("files", ("hb-ca-long.txt", NEW_PLAN.encode()))])
    assert response.status_code == 200, response.text
    report = response.json()
    assert report["saved"] == ["hb-ca-long.txt"] and len(report["added"]) == 1 and not report["failed"]
    new_id = report["added"][0]
    assert (minilm_settings.corpus_dir / "hb-ca-long.txt").read_text(encoding="utf-8") == NEW_PLAN
    health = client.get("/health").json()
    assert health["documents"] == 5 and health["index_version"] > version
    answer = client.post("/ask", json={"question": "Ai hướng dẫn kỹ thuật nuôi cá lồng cho hợp tác xã?"}).json()
    assert new_id in {c["document_id"] for c in answer["citations"]}

    deleted = client.delete(f"/admin/documents/{new_id}", headers=admin_headers())
    assert deleted.status_code == 200 and new_id in deleted.json()["removed"]
    assert not (minilm_settings.corpus_dir / "hb-ca-long.txt").exists()
    assert new_id not in {d["id"] for d in client.get("/documents").json()}
    assert_error(client.delete(f"/admin/documents/{new_id}", headers=admin_headers()), 404, "document_id")

    reloaded = client.post("/admin/reload", headers=admin_headers())
    assert reloaded.status_code == 200 and reloaded.json()["index_version"] == client.get("/health").json()["index_version"]


def test_upload_that_cannot_be_parsed_is_not_kept(client: httpx.Client, minilm_settings: Settings) -> None:
    response = client.post("/admin/ingest", headers=admin_headers(),
                           files={"files": ("binary.txt", bytes(range(256)) * 4)})
    assert_error(response, 422, "files")
    assert not (minilm_settings.corpus_dir / "binary.txt").exists()
    assert client.get("/health").json()["documents"] == 4


# ---- a second server: small limits, admin off, CORS on ---------------------------------------------------------------
@pytest.fixture(scope="module")
def limited_server(minilm_settings: Settings) -> Iterator[str]:
    from assistant.api import create_app
    from assistant.service import Assistant

    settings = minilm_settings.model_copy(update={
        "max_sessions": 2, "admin_token": None, "max_upload_bytes": 1000, "cors_origins": ["http://example.org"],
    })
    with serve(create_app(Assistant(settings).load())) as url:
        yield url


def test_a_full_session_store_takes_newcomers_and_drops_the_idlest(limited_server: str) -> None:
    with httpx.Client(base_url=limited_server, timeout=120) as http:
        first = http.post("/chat", json={"message": FAIR}).json()["session_id"]
        second = http.post("/chat", json={"message": FAIR}).json()["session_id"]
        assert http.post("/chat", json={"message": "Còn ở Quảng Ninh thì sao?", "session_id": first}).json()["follow_up"]
        third = http.post("/chat", json={"message": FAIR})  # the store is full: the idlest (second) makes room
        assert third.status_code == 200
        assert_error(http.post("/chat", json={"message": "Còn ở Hòa Bình thì sao?", "session_id": second}), 404,
                     "session_id", "unknown_session")
        assert http.post("/chat", json={"message": "Còn ở Hòa Bình thì sao?", "session_id": first}).json()["follow_up"]


def test_admin_disabled_without_a_token(limited_server: str) -> None:
    with httpx.Client(base_url=limited_server, timeout=60) as http:
        assert_error(http.post("/admin/reload", headers=admin_headers()), 403, None, "admin_disabled")
        assert_error(http.delete("/admin/documents/x"), 403, None, "admin_disabled")
        upload = http.post("/admin/ingest", files={"files": ("big.txt", b"x" * 80_000)})
        assert_error(upload, 413, "body", "body_too_large")  # size is checked before anything else


def test_cors_only_for_configured_origins(client: httpx.Client, limited_server: str) -> None:
    preflight = {"Origin": "http://example.org", "Access-Control-Request-Method": "POST"}
    assert "access-control-allow-origin" not in client.options("/ask", headers=preflight).headers
    assert "access-control-allow-origin" not in client.get("/health", headers={"Origin": "http://example.org"}).headers
    with httpx.Client(base_url=limited_server, timeout=60) as http:
        allowed = http.options("/ask", headers=preflight)
        assert allowed.headers["access-control-allow-origin"] == "http://example.org"
        other = http.get("/health", headers={"Origin": "http://evil.example"})
        assert "access-control-allow-origin" not in other.headers


# ---- the page is served offline and never inserts document text as HTML -----------------------------------------------
def test_page_and_assets_are_served_with_a_strict_policy(client: httpx.Client) -> None:
    page = client.get("/")
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    assert "default-src 'self'" in page.headers["content-security-policy"]
    assert '<html lang="vi">' in page.text
    for asset in ("/web/app.js", "/web/style.css"):
        assert client.get(asset).status_code == 200
    for file in WEB_DIR.iterdir():
        text = file.read_text(encoding="utf-8")
        assert not re.search(r"(?:src|href)=[\"']?(?:https?:)?//", text), file  # no CDN, no external font
        assert "innerHTML" not in text and "insertAdjacentHTML" not in text and "document.write" not in text, file
    assert client.get("/openapi.json").json()["paths"].keys() >= {"/ask", "/chat", "/documents", "/facts", "/health"}
