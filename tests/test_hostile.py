"""Hostile clients and documents against two real `htx serve` processes sharing one data directory.

Each probe checks what the issue asks: a 4xx (never a 5xx or a hang), server memory (RSS of the server and its
parsing subprocess, read from /proc) that stays bounded, other users still served, nothing lost from or
smuggled into the corpus and the index. The same probes, with before/after figures, are in
docs/ROBUSTNESS.md (scripts/probe_robustness.py).
"""

from __future__ import annotations

import csv
import io
import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest

from assistant.settings import Settings
from tests import hostile_files
from tests.conftest import ADMIN_TOKEN, REPO, build_index, minilm_dir

pytestmark = pytest.mark.slow

FAIR = "Ai chủ trì tổ chức cho các HTX tham gia Hội chợ xúc tiến thương mại ở Lâm Đồng?"
AUTH = {"Authorization": f"Bearer {ADMIN_TOKEN}"}
MAX_SESSIONS = 20
TIMEOUT = 2  # header and body timeouts of the servers under test, seconds


def rss_mb(pid: int) -> float:
    """Resident memory of a process and its descendants (the parsing subprocess included). A child caught
    between fork and exec still shows its parent's command line and pages (shared, not copied): skipped."""
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                stat = Path(f"/proc/{entry}/stat").read_text()
            except OSError:
                continue
            children.setdefault(int(stat.rsplit(")", 1)[1].split()[1]), []).append(int(entry))
    try:
        command = Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return 0.0
    total, stack = 0.0, [pid]
    while stack:
        current = stack.pop()
        stack.extend(children.get(current, []))
        try:
            if current != pid and Path(f"/proc/{current}/cmdline").read_bytes() == command:
                continue
            for line in Path(f"/proc/{current}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1]) / 1024
        except OSError:
            pass
    return total


class PeakRss:
    """Samples a process tree's RSS every 20 ms while in use."""

    def __init__(self, pid: int) -> None:
        self.pid, self.peak, self._stop = pid, 0.0, threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.is_set():
            self.peak = max(self.peak, rss_mb(self.pid))
            self._stop.wait(0.02)

    def __enter__(self) -> PeakRss:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()


class Server:
    def __init__(self, env: dict[str, str], log: Path) -> None:
        self.env, self.log = env, log
        self.proc: subprocess.Popen | None = None
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}"

    def start(self) -> Server:
        self.proc = subprocess.Popen([sys.executable, "-m", "assistant.cli", "serve", "--port", str(self.port)],
                                     cwd=REPO, env=self.env, stdout=subprocess.DEVNULL, stderr=open(self.log, "a"))
        return self

    def wait_ready(self) -> Server:
        deadline = time.monotonic() + 180
        while time.monotonic() < deadline:
            assert self.proc is not None and self.proc.poll() is None, self.log.read_text()[-3000:]
            try:
                if httpx.get(self.url + "/health", timeout=2).status_code == 200:
                    return self
            except httpx.HTTPError:
                pass
            time.sleep(0.2)
        raise AssertionError("server did not start")

    def kill(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGKILL)
            self.proc.wait()

    def log_text(self) -> str:
        return self.log.read_text(errors="replace")


class Servers:
    def __init__(self, settings: Settings, a: Server, b: Server) -> None:
        self.settings, self.a, self.b = settings, a, b

    def documents(self) -> int:
        return httpx.get(self.a.url + "/health").json()["documents"]


@pytest.fixture(scope="module")
def servers(tmp_path_factory: pytest.TempPathFactory, minilm_settings: Settings) -> Iterator[Servers]:
    # minilm_settings first: the session's embedding cache then already holds the seed clauses.
    root = tmp_path_factory.mktemp("hostile")
    settings = build_index(root, str(minilm_dir()), admin_token=ADMIN_TOKEN)
    env = {**os.environ, "PYTHONPATH": str(REPO), "HTX_DATA_DIR": str(settings.data_dir),
           "HTX_CORPUS_DIR": str(settings.corpus_dir), "HTX_EMBED_MODEL": settings.embed_model,
           "HTX_ADMIN_TOKEN": ADMIN_TOKEN, "HTX_MAX_SESSIONS": str(MAX_SESSIONS),
           "HTX_HEADER_TIMEOUT_SECONDS": str(TIMEOUT), "HTX_BODY_TIMEOUT_SECONDS": str(TIMEOUT)}
    a = Server(env, root / "a.log").start()
    b = Server(env, root / "b.log").start()
    a.wait_ready()
    b.wait_ready()
    yield Servers(settings, a, b)
    a.kill()
    b.kill()


def chat(server: Server, message: str, session_id: str | None = None) -> httpx.Response:
    body = {"message": message} | ({"session_id": session_id} if session_id else {})
    return httpx.post(server.url + "/chat", json=body, timeout=120)


def test_documents_name_their_files_never_server_paths(servers: Servers) -> None:
    docs = httpx.get(servers.a.url + "/documents").json()
    assert {d["source_file"] for d in docs} == {p.name for p in servers.settings.corpus_dir.iterdir()
                                                if p.suffix in (".txt", ".md")}
    detail = httpx.get(f"{servers.a.url}/documents/{docs[0]['id']}").json()
    assert "/" not in detail["document"]["source_file"]


def test_two_workers_continue_one_conversation(servers: Servers) -> None:
    first = chat(servers.a, FAIR).json()
    second = chat(servers.b, "Còn ở Quảng Ninh thì sao?", first["session_id"]).json()
    assert second["session_id"] == first["session_id"] and second["follow_up"]
    assert "Quảng Ninh" in second["resolved_question"] and "Hội chợ" in second["resolved_question"]
    third = chat(servers.a, "Hạn chót là khi nào?", first["session_id"]).json()
    assert third["follow_up"] and "Quảng Ninh" in third["resolved_question"], third["resolved_question"]


def test_a_session_flood_never_locks_out_a_newcomer(servers: Servers) -> None:
    early = chat(servers.a, "Sở Tài chính phải làm gì?").json()["session_id"]
    with ThreadPoolExecutor(4) as pool:
        statuses = list(pool.map(lambda n: chat((servers.a, servers.b)[n % 2], "Sở Tài chính phải làm gì?").status_code,
                                 range(2 * MAX_SESSIONS)))
    assert statuses == [200] * (2 * MAX_SESSIONS)
    newcomer = chat(servers.b, FAIR)
    assert newcomer.status_code == 200
    evicted = chat(servers.a, "Còn ở Quảng Ninh thì sao?", early)
    assert evicted.status_code == 404 and evicted.json()["error"]["code"] == "unknown_session"
    import sqlite3

    with sqlite3.connect(servers.settings.sessions_db) as db:
        assert db.execute("SELECT COUNT(*) FROM sessions").fetchone()[0] <= MAX_SESSIONS


def raw_post(port: int, path: str, headers: dict[str, str], size: int, stop_after: int | None = None) -> str:
    """POST `size` bytes over a raw socket (stopping after `stop_after` bytes, to vanish mid-body); returns the
    status line the server sent, or "closed" when it closed the connection without one we could read."""
    with socket.create_connection(("127.0.0.1", port), timeout=30) as sock:
        head = f"POST {path} HTTP/1.1\r\nHost: x\r\nContent-Length: {size}\r\n"
        sock.sendall((head + "".join(f"{k}: {v}\r\n" for k, v in headers.items()) + "\r\n").encode())
        block, sent = b"x" * 262_144, 0
        try:
            while sent < (size if stop_after is None else stop_after):
                sock.sendall(block)
                sent += len(block)
        except OSError:
            pass
        if stop_after is not None:
            return "left"
        try:
            return sock.recv(100).split(b"\r\n", 1)[0].decode() or "closed"
        except OSError:
            return "closed"


def test_unauthenticated_uploads_are_refused_before_the_body_is_read(servers: Servers) -> None:
    headers = {"Authorization": "Bearer wrong", "Content-Type": "multipart/form-data; boundary=x"}
    before = rss_mb(servers.a.proc.pid)
    started = time.perf_counter()
    with PeakRss(servers.a.proc.pid) as peak, ThreadPoolExecutor(30) as pool:
        outcomes = list(pool.map(lambda _: raw_post(servers.a.port, "/admin/ingest", headers, 19_000_000), range(30)))
    assert set(outcomes) <= {"HTTP/1.1 401 Unauthorized", "closed"}, outcomes
    assert time.perf_counter() - started < 10  # nobody waited for 570 MB to be read
    assert peak.peak - before < 50, (before, peak.peak)


def test_client_disconnects_mid_body_are_quiet(servers: Servers) -> None:
    log_before = len(servers.a.log_text())
    for _ in range(5):
        raw_post(servers.a.port, "/ask", {"Content-Type": "application/json"}, 50_000, stop_after=3000)
        raw_post(servers.a.port, "/admin/ingest", {**AUTH, "Content-Type": "multipart/form-data; boundary=x"},
                 5_000_000, stop_after=300_000)
    time.sleep(1)
    new = servers.a.log_text()[log_before:]
    assert "ERROR" not in new and "Traceback" not in new, new
    assert httpx.get(servers.a.url + "/health").status_code == 200


def test_stalled_connections_are_closed(servers: Servers) -> None:
    stalled = []
    for n in range(300):
        sock = socket.create_connection(("127.0.0.1", servers.b.port), timeout=10)
        sock.sendall(b"POST /ask HTTP/1.1\r\nHost: x\r\n" if n % 2 else  # headers never end
                     b"POST /ask HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{")
        stalled.append(sock)
    started = time.perf_counter()
    assert httpx.get(servers.b.url + "/health", timeout=30).status_code == 200  # others are still served
    assert time.perf_counter() - started < 5
    time.sleep(TIMEOUT + 2)
    held = 0
    for sock in stalled:
        sock.setblocking(False)
        try:
            data = sock.recv(100)  # b"" (closed) or the 408 the server sent before closing
            assert data == b"" or data.startswith(b"HTTP/1.1 408"), data
        except BlockingIOError:
            held += 1
        except ConnectionResetError:
            pass
        sock.close()
    assert held == 0


def upload(server: Server, path: Path, name: str | None = None) -> httpx.Response:
    return httpx.post(server.url + "/admin/ingest", headers=AUTH, timeout=300,
                      files={"files": (name or path.name, path.read_bytes())})


HOSTILE = [
    ("bom-zip.docx", lambda p: hostile_files.zip_bomb_docx(p, 200_000_000), "giải nén ra 200 MB"),
    ("bom-flate.pdf", lambda p: hostile_files.flate_bomb_pdf(p, 200_000_000), "giải nén ra hơn 50 MB"),
    ("17-trieu-doan.docx", hostile_files.empty_paragraph_docx, "giải nén ra 102 MB"),
    ("500-trang.pdf", hostile_files.text_pdf, "có 500 trang"),
    ("gach-dau-dong.txt", hostile_files.dash_lines_txt, "100.000 trên 100.001 điều khoản gần như rỗng"),
]


def test_hostile_documents_are_refused_with_bounded_memory(servers: Servers, tmp_path: Path) -> None:
    documents = servers.documents()
    corpus = sorted(p.name for p in servers.settings.corpus_dir.iterdir())
    for name, build, message in HOSTILE:
        path = build(tmp_path / name)
        started = time.perf_counter()
        with PeakRss(servers.a.proc.pid) as peak:
            response = upload(servers.a, path)
        assert response.status_code == 422, response.text
        error = response.json()["error"]
        assert error["field"] == "files" and message in error["message"] and name in error["message"], error
        assert peak.peak < 1024, (name, peak.peak)
        assert time.perf_counter() - started < 30, name
    assert servers.documents() == documents
    assert sorted(p.name for p in servers.settings.corpus_dir.iterdir()) == corpus
    assert not list((servers.settings.data_dir / "uploads").iterdir())


def test_formula_cells_are_neutralised_in_the_csv_export(servers: Servers, tmp_path: Path) -> None:
    response = upload(servers.a, hostile_files.formula_plan_txt(tmp_path / "cong-thuc.txt"))
    assert response.status_code == 200, response.text
    document_id = response.json()["added"][0]
    # Uploaded through one worker, served by the other as soon as it notices the new index version.
    deadline = time.monotonic() + 10
    while document_id not in {d["id"] for d in httpx.get(servers.b.url + "/documents").json()}:
        assert time.monotonic() < deadline, "the other worker never picked up the new index version"
        time.sleep(0.2)
    text = httpx.get(servers.b.url + "/facts", params={"document_id": document_id, "format": "csv"}).text
    cells = [cell for row in csv.reader(io.StringIO(text.lstrip("\ufeff"))) for cell in row]
    assert not [c for c in cells if c[:1] in ("=", "+", "-", "@", "\t", "\r")]
    tasks = [c for c in cells if "bố trí kinh phí" in c]
    assert len(tasks) == len(hostile_files.FORMULAS)
    assert {t.split(" ")[0] for t in tasks} == {"'" + f.split(" ")[0] for f in hostile_files.FORMULAS}
    assert httpx.delete(f"{servers.a.url}/admin/documents/{document_id}", headers=AUTH, timeout=300).status_code == 200


def test_a_document_id_clash_names_both_files(servers: Servers, tmp_path: Path) -> None:
    path = tmp_path / "Hoa-Binh_KH-BCD-KTT-2017.md"
    shutil.copy2(REPO / "corpus" / "quang-ninh_kh-31-2017-phat-trien-htx.md", path)
    response = upload(servers.a, path)
    assert response.status_code == 422
    message = response.json()["error"]["message"]
    assert "Hoa-Binh_KH-BCD-KTT-2017.md" in message and "hoa-binh_kh-bcd-ktt-2017.txt" in message, message
    assert "trùng" in message and "/" not in message
    assert not (servers.settings.corpus_dir / path.name).exists()


def test_a_server_killed_mid_upload_leaves_nothing_in_the_corpus(servers: Servers) -> None:
    law = REPO / "corpus" / "extra" / "luat-htx-2023_17-2023-QH15.txt"
    name = "luat-tai-len.txt"
    uploads = servers.settings.data_dir / "uploads"
    conversation = chat(servers.a, FAIR).json()["session_id"]

    def send() -> None:
        try:
            httpx.post(servers.a.url + "/admin/ingest", headers=AUTH, timeout=300,
                       files={"files": (name, law.read_bytes())})
        except httpx.HTTPError:
            pass

    sender = threading.Thread(target=send)
    sender.start()
    deadline = time.monotonic() + 60
    while not list(uploads.glob(f"*/{name}")):  # staged: the ingest is under way
        assert time.monotonic() < deadline
        time.sleep(0.01)
    servers.a.kill()
    sender.join()
    assert not (servers.settings.corpus_dir / name).exists()
    servers.a.start().wait_ready()
    assert not list(uploads.iterdir())  # the staging left behind is cleared at start-up
    assert "luat-tai-len" not in {d["id"] for d in httpx.get(servers.a.url + "/documents").json()}
    # A conversation begun before the kill goes on after the restart.
    again = chat(servers.a, "Còn ở Quảng Ninh thì sao?", conversation)
    assert again.status_code == 200 and again.json()["follow_up"], again.text
