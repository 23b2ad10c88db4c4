"""Parsing real corpus files: table-driven examples plus invariants that must hold for every file."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from ingest.metadata import Manifest, load_manifest
from ingest.models import ParsedDocument
from ingest.pipeline import cleaned_source, document_id_for, parse_file, parse_paths

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "corpus"
EXTRA_SHARED = Path("/work/shared/corpus-extra")
HOA_BINH = CORPUS / "hoa-binh_kh-bcd-ktt-2017.txt"
LAM_DONG = CORPUS / "lam-dong_kh-thuc-hien-ct-12-2018.txt"
NOTICE = CORPUS / "thong-bao-ket-luan-bcd-ktt-2016.txt"
QUANG_NINH = CORPUS / "quang-ninh_kh-31-2017-phat-trien-htx.md"
LAW = CORPUS / "extra" / "luat-htx-2023_17-2023-QH15.txt"
SEEDS = [HOA_BINH, LAM_DONG, NOTICE, QUANG_NINH]


def _extra_files() -> list[Path]:
    folder = CORPUS / "extra" if (CORPUS / "extra").is_dir() else EXTRA_SHARED
    return sorted(folder.glob("*.txt"))


ALL_FILES = SEEDS + _extra_files()
_CACHE: dict[Path, ParsedDocument] = {}


def parsed(path: Path) -> ParsedDocument:
    if path not in _CACHE:
        _CACHE[path] = parse_file(path)
    return _CACHE[path]


def clause(path: Path, clause_path: str):  # type: ignore[no-untyped-def]
    matches = [c for c in parsed(path).clauses if c.path == clause_path]
    assert matches, f"{path.name}: no clause {clause_path}; have {[c.path for c in parsed(path).clauses][:80]}"
    return matches[0]


# --- examples -------------------------------------------------------------------------------------

EXAMPLES = [
    # file, path, kind, text fragment, headings (None = not checked)
    (HOA_BINH, "I", "heading", "I. MỤC TIÊU NHIỆM VỤ VÀ CÁC CHỈ TIÊU CHỦ YẾU", []),
    (HOA_BINH, "I.2", "heading", "2. Các chỉ tiêu chủ yếu năm 2017", None),
    (HOA_BINH, "I.2.1", "paragraph", "đạt 35 HTX trở lên", None),
    (HOA_BINH, "I.2.5", "paragraph", "500 lượt cán bộ quản lý", None),
    (HOA_BINH, "II.1.p1", "paragraph", "Liên minh Hợp tác xã tỉnh chịu thách nhiệm", None),
    (HOA_BINH, "II.2.-3", "bullet", "- Sở Tài chính chủ trì phối hợp với Liên minh Hợp tác xã tỉnh:", None),
    (HOA_BINH, "II.2.-3.+2", "bullet", "Thông tư số 83/2015/TT-BTC", None),
    (HOA_BINH, "II.4.b.*1.-1", "bullet", "Đánh giá thực trạng", None),
    (HOA_BINH, "II.4.b.*3", "bullet", "* Đề nghị các tổ chức chính trị xã hội", None),
    (HOA_BINH, "recipients", "recipients", "- Lưu: VT, LMHTX.", []),
    (HOA_BINH, "signature", "signature", "Nguyễn Văn Dũng", []),
    (HOA_BINH, "T1", "heading", "TỔNG HỢP KẾT QUẢ PHÁT TRIỂN HỢP TÁC XÃ NĂM 2016", []),
    (LAM_DONG, "II.2.5", "heading", "2.5. Sở Tài chính:", None),
    (LAM_DONG, "II.2.5.b", "paragraph", "Quỹ hỗ trợ phát triển HTX", None),
    (LAM_DONG, "II.2.10", "paragraph", "2.10. Sở Văn hóa, Thể thao và Du lịch: Xây dựng kế hoạch", None),
    (LAM_DONG, "II.2.4.g", "paragraph", "g) Chủ trì, phối hợp", None),
    (LAM_DONG, "II.2.1.a.-2", "bullet", "01- 04 HTX", None),
    (LAM_DONG, "IV.1.p1", "paragraph", "Trong quá trình tổ chức thực hiện Kế hoạch này", None),
    (QUANG_NINH, "IV.4", "heading", "4. Sở Tài chính", ["IV. TỔ CHỨC THỰC HIỆN"]),
    (
        QUANG_NINH,
        "IV.4.-2",
        "bullet",
        "thành lập Quỹ hỗ trợ phát triển HTX tỉnh Quảng Ninh",
        ["IV. TỔ CHỨC THỰC HIỆN", "4. Sở Tài chính"],
    ),
    (QUANG_NINH, "IV.5", "paragraph", "5. Sở Công thương: Chủ trì, phối hợp", ["IV. TỔ CHỨC THỰC HIỆN"]),
    (QUANG_NINH, "II.2.đ.-3", "bullet", "tín dụng nội bộ", None),
    (QUANG_NINH, "I.2.-5.+1", "bullet", "542 HTX", None),
    (QUANG_NINH, "signature", "signature", "Đặng Huy Hậu", []),
    (
        NOTICE,
        "1.-3",
        "bullet",
        "Quỹ Hỗ trợ phát triển hợp tác xã tỉnh",
        ["1. Đối với Ban Chỉ đạo Phát triển Kinh tế tập thể tỉnh:"],
    ),
    (NOTICE, "2.-2", "bullet", "01 đến 02 HTX môi trường", None),
    (NOTICE, "recipients", "recipients", "- Thành phần dự họp;", []),
    (LAW, "C1", "heading", "Chương I NHỮNG QUY ĐỊNH CHUNG", []),
    (LAW, "C3.M1", "heading", "MỤC 1. THÀNH VIÊN HỢP TÁC XÃ", None),
    (LAW, "D4", "heading", "Điều 4. Giải thích từ ngữ", ["Chương I NHỮNG QUY ĐỊNH CHUNG"]),
    (LAW, "D4.1", "paragraph", "1.Giao dịch nội bộ là", None),
    (LAW, "D4.17.b", "paragraph", "Thành viên góp vốn và góp sức lao động", None),
]


@pytest.mark.parametrize(("path", "clause_path", "kind", "fragment", "headings"), EXAMPLES)
def test_clause_examples(path: Path, clause_path: str, kind: str, fragment: str, headings: list[str] | None) -> None:
    found = clause(path, clause_path)
    assert found.kind == kind
    assert fragment in found.text
    if headings is not None:
        assert found.headings == headings


def test_restarted_numbering_is_a_child_list() -> None:
    paths = [c.path for c in parsed(HOA_BINH).clauses]
    assert ["I.2.1", "I.2.2", "I.2.3", "I.2.4", "I.2.5"] == [p for p in paths if p.startswith("I.2.")]
    assert "I.3" not in paths and "II" in paths
    assert clause(HOA_BINH, "I.2.3").parent_id == clause(HOA_BINH, "I.2").id


def test_markdown_page_break_joins() -> None:
    heading = clause(QUANG_NINH, "II.3")
    assert heading.kind == "heading"
    assert "trên địa bàn tỉnh Quảng Ninh giai đoạn 2017-2020" in heading.text
    assert (heading.line_start, heading.line_end) == (93, 95)
    assert "**" not in heading.text
    bullet = clause(QUANG_NINH, "II.2.a.-2")
    assert "Chương trình xây dựng nông thôn mới giai đoạn 2016-2020 (Quyết định" in bullet.text
    assert (bullet.line_start, bullet.line_end) == (61, 63)
    joined = clause(QUANG_NINH, "IV.12.-4")
    assert "Ban Thường vụ Tỉnh ủy. Chỉ đạo" in joined.text
    assert clause(QUANG_NINH, "II.3.a").headings[-1].startswith("3. Triển khai hỗ trợ HTX")
    assert not any("*" in c.text or c.text.startswith("#") for c in parsed(QUANG_NINH).clauses)


def test_table_rows_answer_district_questions() -> None:
    rows = [c for c in parsed(HOA_BINH).clauses if c.kind == "table_row"]
    stopped = next(r for r in rows if r.text.startswith("HTX ngừng hoạt động"))
    assert stopped.text.startswith("HTX ngừng hoạt động (Tổng số HTX) — KẾT QUẢ NĂM 2016: TP Hòa Bình: 0; Kỳ Sơn: 5;")
    assert "Lương Sơn: 46" in stopped.text
    assert stopped.text.endswith("Toàn Tỉnh: 122 (Đơn vị: HTX)")
    assert (stopped.line_start, stopped.line_end) == (147, 160)
    assert stopped.headings == [
        "TỔNG HỢP KẾT QUẢ PHÁT TRIỂN HỢP TÁC XÃ NĂM 2016 VÀ CHỈ TIÊU KẾ HOẠCH PHÁT TRIỂN NĂM 2017"
    ]
    national = next(r for r in rows if r.text.startswith("HTX điển hình tiên tiến toàn quốc"))
    # Blank cells are left out, not shown as empty values.
    assert "— KẾ HOẠCH NĂM 2017: TP Hòa Bình: 1; Cao Phong: 1; Kim Bôi: 1; Toàn Tỉnh: 3" in national.text
    assert len(rows) == 16 and all(r.path.startswith("T1.r") for r in rows)


SEED_METADATA = [
    (HOA_BINH, {"type": "Kế hoạch", "province": "Hòa Bình", "signer": "Nguyễn Văn Dũng", "number": None,
                "issuer": "Ban chỉ đạo phát triển kinh tế tập thể tỉnh Hòa Bình"}),
    (LAM_DONG, {"type": "Kế hoạch", "province": "Lâm Đồng", "signer": None, "issue_date": None}),
    (NOTICE, {"type": "Thông báo", "province": None, "number": None, "issue_date": None}),
    (QUANG_NINH, {"type": "Kế hoạch", "number": "31/KH-UBND", "issue_date": "2017-08-31", "signer": "Đặng Huy Hậu",
                  "province": "Quảng Ninh",
                  "title": "Phát triển hợp tác xã trên địa bàn tỉnh Quảng Ninh giai đoạn 2017-2020"}),
    (LAW, {"type": "Luật", "number": "17/2023/QH15", "issue_date": "2023-06-20", "issuer": "Quốc hội",
           "title": "Luật Hợp tác xã", "province": None}),
]  # fmt: skip


@pytest.mark.parametrize(("path", "expected"), SEED_METADATA)
def test_document_metadata(path: Path, expected: dict[str, str | None]) -> None:
    document = parsed(path).document
    for key, value in expected.items():
        assert getattr(document, key) == value, key
    assert document.id == document_id_for(path)
    assert len(document.sha256) == 64


def test_manifest_fills_only_missing_fields(tmp_path: Path) -> None:
    manifest = Manifest(entries={HOA_BINH.name: {"number": "99/KH-BCĐ", "province": "Sơn La"}})
    document = parse_file(HOA_BINH, manifest).document
    assert document.number == "99/KH-BCĐ"  # the text has no number
    assert document.province == "Hòa Bình"  # the text names its province: the manifest does not override it


def test_corpus_manifest_is_valid_and_never_sets_the_notice_province() -> None:
    manifest = load_manifest(CORPUS)
    assert "province" not in manifest.for_file(NOTICE)
    assert manifest.for_file(HOA_BINH)["source"].startswith("seed 000_")


def test_law_has_all_115_articles_with_clauses_and_points() -> None:
    clauses = parsed(LAW).clauses
    articles = [c for c in clauses if c.path.startswith("D") and "." not in c.path]
    assert [int(c.path[1:]) for c in articles] == list(range(1, 116))
    assert sum(1 for c in clauses if c.path.count(".") == 1 and c.path.split(".")[1].isdigit()) > 300
    assert sum(1 for c in clauses if c.path.count(".") == 2 and c.path.startswith("D")) > 100
    assert all(c.line_start > 5 for c in clauses)  # the provenance header is not body text


@pytest.mark.parametrize("path", ALL_FILES, ids=lambda p: p.name)
def test_invariants(path: Path) -> None:
    document = parsed(path)
    clauses = document.clauses
    source = cleaned_source(path)
    n_lines = len(path.read_text(encoding="utf-8").split("\n"))
    assert clauses
    for c in clauses:
        if c.kind != "table_row":
            assert c.text in source, c.path
        assert c.text.strip() == c.text and c.text
        assert 1 <= c.line_start <= c.line_end <= n_lines
        assert c.id == f"{document.document.id}:{c.path}"
        assert len(c.text) <= 1500, c.path
    assert len({c.path for c in clauses}) == len(clauses)
    assert [c.order for c in clauses] == list(range(len(clauses)))
    assert [c.line_start for c in clauses] == sorted(c.line_start for c in clauses)
    ids = {c.id for c in clauses}
    assert all(c.parent_id is None or c.parent_id in ids for c in clauses)
    again = parse_file(path)
    assert [c.id for c in again.clauses] == [c.id for c in clauses]
    assert [c.text for c in again.clauses] == [c.text for c in clauses]


def test_scraped_run_on_lines_are_split_into_readable_clauses() -> None:
    files = [p for p in ALL_FILES if p.name.startswith("phapdien-")]
    assert files
    for path in files:
        clauses = parsed(path).clauses
        assert len(clauses) >= 5
        assert all(len(c.text) <= 1500 for c in clauses)


def test_parse_paths_expands_folders_and_skips_manifest() -> None:
    documents, errors = parse_paths([CORPUS])
    assert not errors
    names = {Path(d.document.source_file).name for d in documents}
    assert {p.name for p in SEEDS} <= names
    assert "manifest.json" not in names


def test_parsing_everything_is_fast() -> None:
    files = ALL_FILES
    start = time.perf_counter()
    for path in files:
        parse_file(path)
    elapsed = time.perf_counter() - start
    assert elapsed < 2.0, f"{len(files)} files took {elapsed:.2f}s"


def test_markdown_pipe_table_rows(tmp_path: Path) -> None:
    path = tmp_path / "plan.md"
    path.write_text(
        "## **KẾ HOẠCH**\n\n#### **I. CHỈ TIÊU**\n\n- Thành lập mới 20 hợp tác xã trong năm.\n\n"
        "**Biểu 1. CHỈ TIÊU PHÁT TRIỂN HTX NĂM 2018**\n\n"
        "| STT | Chỉ tiêu | Huyện A | Huyện B | Toàn tỉnh |\n|---|---|---|---|---|\n"
        "| I | **Hợp tác xã** | | | |\n| 1 | Thành lập mới | 3 | 4 | 7 |\n| a) | Nông nghiệp | 2 | | 3 |\n\n"
        "#### **II. TỔ CHỨC THỰC HIỆN**\n\nCác sở, ngành triển khai thực hiện kế hoạch này.\n",
        encoding="utf-8",
    )
    clauses = {c.path: c for c in parse_file(path).clauses}
    assert clauses["T1"].text == "Biểu 1. CHỈ TIÊU PHÁT TRIỂN HTX NĂM 2018"
    row = clauses["T1.r3"]
    assert row.kind == "table_row" and (row.line_start, row.line_end) == (13, 13)
    assert row.text == "Nông nghiệp (Thành lập mới) — Hợp tác xã: Huyện A: 2; Toàn tỉnh: 3"
    assert clauses["II.p1"].headings == ["II. TỔ CHỨC THỰC HIỆN"]


def test_a_titled_step_heads_its_lines_whole() -> None:
    from ingest.structure import Block, heading_label

    def block(text: str) -> Block:
        return Block("D1.1.b", "paragraph", text, 1, 1, None, [])

    # A short title after the colon names what the lines under it are about; a lead-in ends at its colon.
    assert heading_label(block("b) Bước 2: Tổ hợp tác lập danh sách thành viên")) == (
        "b) Bước 2: Tổ hợp tác lập danh sách thành viên")
    assert heading_label(block("2. Hồ sơ gồm các giấy tờ sau:")) == "2. Hồ sơ gồm các giấy tờ sau:"
    assert heading_label(block("Ghi chú: Sở lập danh sách. Huyện gửi báo cáo trước ngày 15.")) == "Ghi chú:"
