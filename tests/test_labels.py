"""Human labels over the real corpus: chosen examples per numbering system, plus invariants for every clause of
every document (no internal path code ever reaches a reader; names carry number or year; no file slug)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from assistant.labels import INTERNAL_CODE, citation_label, clause_label, document_name
from ingest.metadata import load_manifest
from ingest.models import ParsedDocument
from ingest.pipeline import parse_paths

CORPUS = Path(__file__).resolve().parent.parent / "corpus"
LAW = "luat-htx-2023_17-2023-qh15"
LAM_DONG = "lam-dong_kh-thuc-hien-ct-12-2018"
HOA_BINH = "hoa-binh_kh-bcd-ktt-2017"
QUANG_NINH = "quang-ninh_kh-31-2017-phat-trien-htx"
NOTICE = "thong-bao-ket-luan-bcd-ktt-2016"
BINH_PHUOC = "binhphuoc-qd-phe-duyet-ke-hoach-ktt-2006-2010"
NEWS = "phapdien-tin-hop-tham-dinh-de-muc-htx-2024"


@pytest.fixture(scope="module")
def corpus() -> dict[str, ParsedDocument]:
    parsed, errors = parse_paths([CORPUS], load_manifest(CORPUS))
    assert not errors
    return {p.document.id: p for p in parsed}


def _clause(corpus: dict[str, ParsedDocument], doc_id: str, path: str):  # noqa: ANN202
    matches = [c for c in corpus[doc_id].clauses if c.path == path]
    assert matches, f"{doc_id} has no clause {path}"
    return corpus[doc_id].document, matches[0]


@pytest.mark.parametrize(
    ("doc_id", "path", "label"),
    [
        (LAW, "D4", "Điều 4"),
        (LAW, "D4.7", "khoản 7 Điều 4"),
        (LAW, "D4.17.a", "điểm a khoản 17 Điều 4"),
        (LAW, "D7.1.đ", "điểm đ khoản 1 Điều 7"),
        (LAW, "D1.p1", "Điều 1"),  # an article's unnumbered paragraph belongs to the article
        (LAW, "C1", "Chương I"),
        (LAW, "C3.M1", "Mục 1 Chương III"),
        (LAM_DONG, "II.2.4.đ", "điểm đ mục 2.4 phần II"),  # "2.4." is written as one number
        (LAM_DONG, "II.1.1", "mục 1.1 phần II"),
        (LAM_DONG, "II.2.1.a.-2", "gạch đầu dòng thứ 2 điểm a mục 2.1 phần II"),
        (LAM_DONG, "p3", "phần mở đầu"),
        (HOA_BINH, "I.2.1", "tiểu mục 1 mục 2 phần I"),  # "1." restarted under "2.": a list, not "2.1"
        (HOA_BINH, "II.2.-3.+3", "ý thứ 3 gạch đầu dòng thứ 3 mục 2 phần II"),
        (HOA_BINH, "II.4.b.*1.-1", "gạch đầu dòng thứ 1 ý thứ 1 điểm b mục 4 phần II"),
        (HOA_BINH, "T1.r2", "dòng “Tổng số HTX” bảng 1"),
        (HOA_BINH, "signature", "phần chữ ký"),
        (HOA_BINH, "recipients", "phần Nơi nhận"),
        (HOA_BINH, "p2", "tiêu đề"),
        (QUANG_NINH, "IV.1.-3", "gạch đầu dòng thứ 3 mục 1 phần IV"),
        (QUANG_NINH, "IV.12.p1", "mục 12 phần IV"),
        (NOTICE, "1.-2", "gạch đầu dòng thứ 2 mục 1"),
        (BINH_PHUOC, "D1.IV.5.p1", "mục 5 phần IV Điều 1"),  # a plan approved inside Điều 1 of a decision
        (NEWS, "p2.s3", "đoạn 2"),  # a long paragraph split in pieces is still one paragraph
    ],
)
def test_clause_label_examples(corpus: dict[str, ParsedDocument], doc_id: str, path: str, label: str) -> None:
    doc, clause = _clause(corpus, doc_id, path)
    assert clause_label(doc, clause) == label


@pytest.mark.parametrize(
    ("doc_id", "name"),
    [
        (LAW, "Luật Hợp tác xã 2023"),
        ("nd-92-2024-nd-cp_dang-ky-htx", "Nghị định 92/2024/NĐ-CP"),
        ("tt-09-2024-tt-bkhdt_bieu-mau-dang-ky-htx", "Thông tư 09/2024/TT-BKHĐT"),
        ("qd-246-2006-qd-ttg_qd-23-2017-qd-ttg_quy-htx-trung-uong", "Quyết định 246/2006/QĐ-TTg"),
        (QUANG_NINH, "Kế hoạch 31/KH-UBND (Quảng Ninh)"),
        # An ALL-CAPS 20-word title becomes a short name: what it carries out, not the whole reference.
        (LAM_DONG, "Kế hoạch thực hiện Chỉ thị số 12/CT-TTg (Lâm Đồng)"),
        (HOA_BINH, "Kế hoạch hoạt động của Ban Chỉ đạo phát triển kinh tế tập thể năm 2017 (Hòa Bình)"),
        (NOTICE, "Thông báo kết luận năm 2016"),
        (BINH_PHUOC, "Quyết định phê duyệt kế hoạch phát triển kinh tế tập thể 5 năm giai đoạn 2006–2010 (Bình Phước)"),
    ],
)
def test_document_name_examples(corpus: dict[str, ParsedDocument], doc_id: str, name: str) -> None:
    assert document_name(corpus[doc_id].document) == name


@pytest.mark.parametrize(
    ("doc_id", "path", "label"),
    [
        (LAW, "D4.7", "khoản 7 Điều 4 Luật Hợp tác xã 2023"),
        (LAW, "D4", "Điều 4 Luật Hợp tác xã 2023"),
        (LAM_DONG, "II.2.4.đ", "điểm đ mục 2.4 phần II, Kế hoạch thực hiện Chỉ thị số 12/CT-TTg (Lâm Đồng)"),
        (QUANG_NINH, "IV.4.-2", "gạch đầu dòng thứ 2 mục 4 phần IV, Kế hoạch 31/KH-UBND (Quảng Ninh)"),
    ],
)
def test_citation_label_examples(corpus: dict[str, ParsedDocument], doc_id: str, path: str, label: str) -> None:
    doc, clause = _clause(corpus, doc_id, path)
    assert citation_label(doc, clause) == label


@pytest.mark.parametrize("code", ["mục D65.1", "II.2.-3.+3", "D1.IV.5.p1", "T1.r5", "I.2.-5.+1", "p2.s3", "D4.7",
                                  "II.2.5.b", "IV.2_2"])
def test_internal_code_pattern_catches_path_codes(code: str) -> None:
    assert INTERNAL_CODE.search(code), code


@pytest.mark.parametrize("label", ["khoản 1 Điều 65 Luật Hợp tác xã 2023", "điểm đ mục 2.4 phần II",
                                   "Kế hoạch 31/KH-UBND (Quảng Ninh)", "Nghị định 92/2024/NĐ-CP",
                                   "dòng “HTX thành lập mới năm 2016” bảng 1", "Thông tư 09/2017/TT-BNNPTNT"])
def test_internal_code_pattern_spares_human_labels(label: str) -> None:
    assert not INTERNAL_CODE.search(label), label


def test_every_clause_of_every_document_has_a_human_label(corpus: dict[str, ParsedDocument]) -> None:
    assert len(corpus) >= 19
    checked = 0
    for parsed in corpus.values():
        doc = parsed.document
        numbered: dict[str, str] = {}
        for clause in parsed.clauses:
            label = citation_label(doc, clause)
            assert label.strip() and label == " ".join(label.split()), (clause.id, label)
            assert not INTERNAL_CODE.search(label), (clause.id, label)
            assert doc.id not in label
            # Distinct numbered items of one document get distinct labels (unnumbered paragraphs, split pieces and
            # duplicated numbering share their item's label by design).
            last = clause.path.split(".")[-1]
            if not re.match(r"^(?:p|s)\d+$", last) and "_" not in clause.path:
                assert numbered.setdefault(label, clause.path) == clause.path, (label, clause.path)
            checked += 1
    assert checked > 3000


def test_every_document_name_is_short_and_identifying(corpus: dict[str, ParsedDocument]) -> None:
    for parsed in corpus.values():
        doc = parsed.document
        name = document_name(doc)
        letters = [c for c in name.replace(doc.number or "\0", "") if c.isalpha()]
        assert sum(c.isupper() for c in letters) / len(letters) < 0.5, name  # never an ALL-CAPS title
        assert len(name.split()) <= 20, name
        assert doc.id not in name and not re.search(r"[a-z0-9]+-[a-z0-9]+-[a-z0-9]+", name), name  # no file slug
        if doc.number and doc.type != "Luật":  # a law is known by its title and year instead
            assert doc.number in name
        if doc.province:
            assert name.endswith(f"({doc.province})"), name
        if doc.type in ("Luật", "Nghị định", "Thông tư", "Quyết định", "Kế hoạch", "Thông báo"):
            assert re.search(r"\d{4}|\d+/", name), f"{name}: neither number nor year"
