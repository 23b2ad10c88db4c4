"""Feedback kept server-side and exported as eval items; the CLI prints the same, and `htx ask --json` carries the
readers' labels of each source."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from assistant.cli import main
from assistant.coverage import coverage, coverage_sentence
from assistant.feedback import FeedbackIn, FeedbackStore, feedback_path
from assistant.settings import Settings
from ingest.models import Document


def test_verdicts_round_trip_and_become_eval_items(tmp_path: Path) -> None:
    store = FeedbackStore(feedback_path(tmp_path))
    assert store.eval_items() == []
    right = store.add(FeedbackIn(question="Ai chủ trì?", answer="Sở Tài chính chủ trì [1].", verdict="đúng",
                                 intent="responsible", cited_clause_ids=["doc:II.1"]))
    wrong = store.add(FeedbackIn(question="Hạn chót là khi nào?", verdict="sai", cited_clause_ids=["doc:III.2"],
                                 comment="thiếu ngày"))
    assert (right.id, wrong.id) == (1, 2)
    store.close()
    items = FeedbackStore(feedback_path(tmp_path)).eval_items()  # survives a restart
    assert [(i.id, i.verdict, i.gold_clause_ids, i.answerable) for i in items] == [
        ("feedback-00001", "đúng", ["doc:II.1"], True), ("feedback-00002", "sai", [], None)]
    assert items[1].comment == "thiếu ngày" and items[1].cited_clause_ids == ["doc:III.2"]


def test_feedback_rejects_an_unknown_verdict() -> None:
    with pytest.raises(ValueError):
        FeedbackIn(question="x", verdict="có lẽ")  # type: ignore[arg-type]


def test_htx_feedback_prints_json_lines(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                        capsys: pytest.CaptureFixture[str]) -> None:
    store = FeedbackStore(feedback_path(tmp_path))
    store.add(FeedbackIn(question="Ai chủ trì?", verdict="đúng", cited_clause_ids=["a:1"]))
    store.add(FeedbackIn(question="Bao nhiêu?", verdict="sai"))
    store.close()
    monkeypatch.setenv("HTX_DATA_DIR", str(tmp_path))
    assert main(["feedback", "--verdict", "sai"]) == 0
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [(item["question"], item["verdict"]) for item in lines] == [("Bao nhiêu?", "sai")]


def _doc(doc_id: str, kind: str, province: str | None, number: str | None = None, title: str | None = None) -> Document:
    return Document(id=doc_id, type=kind, province=province, number=number, title=title, issue_date="2020-01-02",
                    source_file=f"{doc_id}.txt", sha256="0")


def test_coverage_names_single_documents_and_counts_the_rest() -> None:
    docs = [_doc("l", "Luật", None, "17/2023/QH15", "Luật Hợp tác xã"), _doc("a", "Nghị định", None, "1/2020/NĐ-CP"),
            _doc("b", "Nghị định", None, "2/2020/NĐ-CP"), _doc("k", "Kế hoạch", "Nghệ An", "5/KH-UBND"),
            _doc("m", "Kế hoạch", "An Giang", "6/KH-UBND")]
    assert coverage_sentence(docs) == ("Các văn bản hiện có bao gồm: Luật Hợp tác xã 2020, 2 nghị định và 2 kế hoạch; "
                                       "các tỉnh: An Giang, Nghệ An.")
    held = coverage(docs)
    assert held.provinces == ["An Giang", "Nghệ An"] and held.national == 3
    assert [d.name for d in held.documents][:2] == ["Luật Hợp tác xã 2020", "Nghị định 1/2020/NĐ-CP"]
    assert coverage_sentence([]) == "Hiện chưa có văn bản nào được nạp."


@pytest.mark.slow
def test_htx_ask_json_carries_labels(minilm_settings: Settings, monkeypatch: pytest.MonkeyPatch,
                                     capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("HTX_DATA_DIR", str(minilm_settings.data_dir))
    monkeypatch.setenv("HTX_EMBED_MODEL", minilm_settings.embed_model)
    assert main(["ask", "--json", "Ai chủ trì tổ chức cho các HTX tham gia Hội chợ xúc tiến thương mại ở Lâm Đồng?"]) == 0
    answer = json.loads(capsys.readouterr().out)
    assert answer["citations"]
    for citation in answer["citations"]:
        assert citation["document_name"] == "Kế hoạch thực hiện Chỉ thị số 12/CT-TTg (Lâm Đồng)"
        assert citation["label"].startswith(citation["clause_label"]) and citation["clause_label"]
