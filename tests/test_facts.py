"""Structured facts: number/date parsing tables, rules on hand-built clauses, and a hand-checked gold list.

Gold scoring (tests/data/gold_facts.jsonl, one hand-checked fact per line, checked against the source text):
- A gold line names a seed file, a fact kind, its key fields and an `evidence` substring that identifies exactly
  one clause of that file. `"none": true` lines assert that the clause has no fact of that kind (dates in legal
  references, document numbers, clauses without an agency).
- Key fields: responsibility = agency + role; target = values + unit + comparator, plus year / period / scope
  when the gold line gives them; deadline = date, plus wording / agency when given.
- Scope of precision: every (clause, kind) pair that a gold line points at. For those pairs the gold list is
  exhaustive (all facts of that kind in that clause are listed, or "none"), so every extracted fact of that
  kind in that clause is either a match or an error. Facts in clauses the gold list does not cover are not
  scored (they are checked only for sanity: ids, clause links, provinces).
- Recall: matched gold facts / gold facts. Matching is one-to-one.
The rules were developed while reading these same four seeds, so the figures are in-sample; the corpus/extra
texts are only checked for sanity (no crash, links, no targets or deadlines from legal texts).
"""

from __future__ import annotations

import json
from collections import defaultdict
from pathlib import Path
from typing import Any

import pytest

from ingest.facts import Deadline, extract_facts, find_deadlines, find_figures, parse_number
from ingest.models import Clause, Document, Fact, ParsedDocument
from ingest.pipeline import parse_file

ROOT = Path(__file__).resolve().parent.parent
SEEDS = [
    "lam-dong_kh-thuc-hien-ct-12-2018.txt",
    "hoa-binh_kh-bcd-ktt-2017.txt",
    "thong-bao-ket-luan-bcd-ktt-2016.txt",
    "quang-ninh_kh-31-2017-phat-trien-htx.md",
]
GOLD = ROOT / "tests" / "data" / "gold_facts.jsonl"
EXTRA = sorted((ROOT / "corpus" / "extra").glob("*.txt"))


# ---------------------------------------------------------------- tables of parsing examples


@pytest.mark.parametrize(
    ("written", "value"),
    [("2.800", 2800.0), ("3,2", 3.2), ("01", 1.0), ("15.000", 15000.0), ("1,0", 1.0), ("1.234.567", 1234567.0)],
)
def test_parse_number(written: str, value: float) -> None:
    assert parse_number(written) == value


@pytest.mark.parametrize(
    ("text", "values", "unit", "comparator"),
    [
        ("đạt 35 HTX trở lên", [35.0], "HTX", "at_least"),
        ("Doanh thu bình quân của 1 HTX đạt: 2.800 triệu đồng trở lên", [2800.0], "triệu đồng", "at_least"),
        ("đạt trên 3,2 triệu đồng/người/tháng", [3.2], "triệu đồng/người/tháng", "over"),
        ("chiếm từ 1,5-2%GRDP", [1.5, 2.0], "%", "range"),
        ("có ít nhất từ  01 đến 02 HTX môi trường", [1.0, 2.0], "HTX", "range"),
        ("mỗi lớp từ 30-50 người", [30.0, 50.0], "người", "range"),
        ("mỗi năm có khoảng 50 HTX thành lập mới", [50.0], "HTX", "about"),
        ("đạt tối thiểu 15 tỷ đồng", [15.0], "tỷ đồng", "at_least"),
        ("bố trí tối đa 2 tỷ đồng", [2.0], "tỷ đồng", "at_most"),
        ("tăng lên 542 HTX", [542.0], "HTX", "exact"),
        ("tăng gấp 1,5 lần so với năm 2015", [1.5], "lần", "exact"),
        ("tổ chức 02 đợt kiểm tra", [2.0], "đợt", "exact"),
    ],
)
def test_find_figures_single(text: str, values: list[float], unit: str, comparator: str) -> None:
    figures = find_figures(text)
    assert [(f.values, f.unit, f.comparator) for f in figures] == [(values, unit, comparator)]


def test_comparator_carries_over_a_short_va_join() -> None:
    figures = find_figures("Bình quân hàng năm thành lập mới ít nhất 25 HTX và 30 THT; toàn tỉnh có 300 HTX")
    assert [(f.values[0], f.unit, f.comparator) for f in figures] == [
        (25.0, "HTX", "at_least"),
        (30.0, "THT", "at_least"),
        (300.0, "HTX", "exact"),
    ]


@pytest.mark.parametrize(
    "text",
    [
        "Thực hiện Chỉ thị số 12/CT-TTg ngày 22/5/2018 của Thủ tướng Chính phủ",
        "Hội nghị lần thứ 33, (Khóa X) về sơ kết 05 năm",
        "Quyết định số 461/QĐ-TTg ngày 27/4/2018 phê duyệt đề án phát triển 15.000 HTX, LHHTX nông nghiệp",
        "theo Luật HTX năm 2012",
        "lựa chọn 02 địa phương là thị xã Đông Triều",
        "định kỳ báo cáo 6 tháng, 9 tháng và cả năm",
    ],
)
def test_references_and_unitless_numbers_are_not_figures(text: str) -> None:
    assert find_figures(text) == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("giao các công trình cho các HTX quản lý trước ngày 30/6/2017.", [("2017-06-30", "trước ngày 30/6/2017")]),
        ("hoàn thành trước 15/02/2017.", [("2017-02-15", "hoàn thành trước 15/02/2017")]),
        (
            "(Thời gian gửi báo cáo trước ngày 10/5; 10/8 và 10/12 năm 2017)",
            [("2017-05-10", None), ("2017-08-10", None), ("2017-12-10", None)],
        ),
        ("xét chọn danh hiệu HTX điển hình tiên tiến cuối năm 2017;", [(None, "cuối năm 2017")]),
        ("Trong năm 2017, tập trung rà soát", [(None, "Trong năm 2017")]),
        ("chậm nhất ngày 31/12/2018 phải báo cáo", [("2018-12-31", "chậm nhất ngày 31/12/2018")]),
        ("hoàn thành trước ngày 30 tháng 6 năm 2017", [("2017-06-30", "hoàn thành trước ngày 30 tháng 6 năm 2017")]),
        ("báo cáo trước ngày 31/02/2017", [(None, "trước ngày 31/02/2017")]),
        ("Quyết định số 2261/QĐ-TTg ngày 15/12/2014 của Thủ tướng Chính phủ", []),
        ("Số lượng HTX thành lập mới trong năm 2017 đạt 35 HTX", []),
        ("Ngày 21/12/2016, UBND tỉnh tổ chức họp", []),
    ],
)
def test_find_deadlines(text: str, expected: list[tuple[str | None, str | None]]) -> None:
    found: list[Deadline] = find_deadlines(text)
    assert [d.date for d in found] == [date for date, _ in expected]
    for deadline, (_, wording) in zip(found, expected, strict=True):
        if wording is not None:
            assert deadline.wording == wording


# ---------------------------------------------------------------- rules on hand-built clauses


def _document(
    clauses: list[tuple[str, str, str | None, list[str]]], province: str | None = "Lâm Đồng"
) -> ParsedDocument:
    """(path, text, parent path, headings) -> ParsedDocument with clause ids 'doc:{path}'."""
    built = [
        Clause(
            id=f"doc:{path}",
            document_id="doc",
            path=path,
            headings=headings,
            text=text,
            line_start=index + 1,
            line_end=index + 1,
            kind="heading" if text.endswith(":") and path.count(".") < 2 else "bullet",
            order=index,
            parent_id=f"doc:{parent}" if parent else None,
        )
        for index, (path, text, parent, headings) in enumerate(clauses)
    ]
    document = Document(id="doc", type="Kế hoạch", province=province, source_file="doc.txt", sha256="0")
    return ParsedDocument(document=document, clauses=built)


def _responsibilities(facts: list[Fact], path: str) -> set[tuple[str | None, str | None]]:
    return {(f.agency, f.role) for f in facts if f.kind == "responsibility" and f.clause_id == f"doc:{path}"}


def test_agency_inherited_from_heading_and_lead_in() -> None:
    parsed = _document(
        [
            ("II.2.5", "2.5. Sở Tài chính:", None, ["II. NHIỆM VỤ"]),
            (
                "II.2.5.a",
                "a) Tham mưu, đề xuất UBND tỉnh bố trí kinh phí hỗ trợ HTX;",
                "II.2.5",
                ["2.5. Sở Tài chính:"],
            ),
            ("II.3", "- Sở Tài chính chủ trì phối hợp với Liên minh Hợp tác xã tỉnh:", None, []),
            ("II.3.+1", "+ Ban hành Hướng dẫn xây dựng chế độ quản lý tài chính HTX;", "II.3", []),
            ("II.3.+2", "+ UBND các huyện đẩy nhanh tiến độ giao các công trình trước ngày 30/6/2017.", "II.3", []),
            ("II.4", "1.1. Về công tác tuyên truyền:", None, []),
            ("II.4.a", "a) Tăng cường công tác tuyên truyền về HTX;", "II.4", []),
        ]
    )
    facts = extract_facts(parsed)
    assert _responsibilities(facts, "II.2.5") == set()  # a bare label states no task
    assert _responsibilities(facts, "II.2.5.a") == {("Sở Tài chính", "lead")}
    assert _responsibilities(facts, "II.3.+1") == {
        ("Sở Tài chính", "lead"),
        ("Liên minh Hợp tác xã tỉnh", "coordinate"),
    }
    assert _responsibilities(facts, "II.3.+2") == {("UBND các huyện, thành phố", "lead")}
    assert _responsibilities(facts, "II.4.a") == set()  # no agency anywhere: nothing invented
    deadline = next(f for f in facts if f.kind == "deadline")
    assert (deadline.date, deadline.agency, deadline.clause_id) == (
        "2017-06-30",
        "UBND các huyện, thành phố",
        "doc:II.3.+2",
    )


def test_giao_makes_the_assignee_lead_and_phoi_hop_lists_coordinates() -> None:
    parsed = _document(
        [
            (
                "1.-2",
                "- Ban chỉ đạo giao Sở Kế hoạch và Đầu tư chủ trì, phối hợp với Sở Tài chính, Liên minh HTX tỉnh và "
                "các sở, ngành liên quan tham mưu UBND tỉnh, hoàn thành trước 15/02/2017.",
                None,
                [],
            ),
            ("1.-3", "- Đề nghị Hội Nông dân tỉnh và Tỉnh đoàn tham gia tuyên truyền.", None, []),
        ],
        province=None,
    )
    facts = extract_facts(parsed)
    assert _responsibilities(facts, "1.-2") == {
        ("Sở Kế hoạch và Đầu tư", "lead"),
        ("Sở Tài chính", "coordinate"),
        ("Liên minh Hợp tác xã tỉnh", "coordinate"),
        ("Các sở, ban, ngành", "coordinate"),
    }
    assert _responsibilities(facts, "1.-3") == {("Hội Nông dân tỉnh", "lead"), ("Tỉnh đoàn", "lead")}
    assert all(f.province is None for f in facts)
    deadline = next(f for f in facts if f.kind == "deadline")
    assert (deadline.date, deadline.agency) == ("2017-02-15", "Sở Kế hoạch và Đầu tư")


def test_table_row_gives_one_figure_per_cell() -> None:
    row = Clause(
        id="doc:T1.r13",
        document_id="doc",
        path="T1.r13",
        text="Phát triển HTX mới — KẾ HOẠCH NĂM 2017: TP Hòa Bình: 3; Kỳ Sơn: 3; Toàn Tỉnh: 35 (Đơn vị: HTX)",
        line_start=1,
        line_end=3,
        kind="table_row",
    )
    document = Document(id="doc", type="Kế hoạch", province="Hòa Bình", source_file="doc.txt", sha256="0")
    facts = extract_facts(ParsedDocument(document=document, clauses=[row]))
    assert [(f.scope, f.values, f.unit, f.year) for f in facts] == [
        ("TP Hòa Bình", [3.0], "HTX", 2017),
        ("Kỳ Sơn", [3.0], "HTX", 2017),
        ("Hòa Bình", [35.0], "HTX", 2017),
    ]


# ---------------------------------------------------------------- gold list on the real seeds


@pytest.fixture(scope="module")
def seed_facts() -> dict[str, tuple[ParsedDocument, list[Fact]]]:
    parsed = {name: parse_file(ROOT / "corpus" / name) for name in SEEDS}
    return {name: (doc, extract_facts(doc)) for name, doc in parsed.items()}


def _gold() -> list[dict[str, Any]]:
    return [json.loads(line) for line in GOLD.read_text(encoding="utf-8").splitlines() if line.strip()]


def _matches(gold: dict[str, Any], fact: Fact) -> bool:
    if gold["kind"] == "responsibility":
        return fact.agency == gold["agency"] and fact.role == gold["role"]
    if gold["kind"] == "target":
        if fact.unit != gold["unit"] or fact.comparator != gold["comparator"]:
            return False
        if len(fact.values) != len(gold["values"]) or any(
            abs(a - b) > 1e-9 for a, b in zip(fact.values, gold["values"], strict=True)
        ):
            return False
        return all(getattr(fact, key) == gold[key] for key in ("year", "period", "scope") if key in gold)
    return fact.date == gold["date"] and all(
        getattr(fact, key) == gold[key] for key in ("wording", "agency") if key in gold
    )


def test_gold_list_is_well_formed(seed_facts: dict[str, tuple[ParsedDocument, list[Fact]]]) -> None:
    gold = _gold()
    real = [g for g in gold if not g.get("none")]
    kinds = defaultdict(int)
    for line in real:
        kinds[line["kind"]] += 1
    assert len(real) >= 60 and kinds["responsibility"] >= 25 and kinds["target"] >= 25 and kinds["deadline"] >= 10
    assert {g["file"] for g in real} == set(SEEDS)
    for line in gold:
        parsed, _ = seed_facts[line["file"]]
        holders = [c.id for c in parsed.clauses if line["evidence"] in c.text]
        assert len(holders) == 1, f"evidence {line['evidence']!r} is in {len(holders)} clauses of {line['file']}"


def test_gold_precision_and_recall(seed_facts: dict[str, tuple[ParsedDocument, list[Fact]]]) -> None:
    gold_by_pair: dict[tuple[str, str], list[dict[str, Any]]] = defaultdict(list)
    for line in _gold():
        parsed, _ = seed_facts[line["file"]]
        clause_id = next(c.id for c in parsed.clauses if line["evidence"] in c.text)
        pair_gold = gold_by_pair[(clause_id, line["kind"])]
        if not line.get("none"):
            pair_gold.append(line)
    facts_by_pair: dict[tuple[str, str], list[Fact]] = defaultdict(list)
    for _, facts in seed_facts.values():
        for fact in facts:
            facts_by_pair[(fact.clause_id, fact.kind)].append(fact)

    matched = extracted = gold_total = 0
    misses: list[str] = []
    errors: list[str] = []
    for pair, gold_lines in gold_by_pair.items():
        candidates = list(facts_by_pair.get(pair, []))
        extracted += len(candidates)
        gold_total += len(gold_lines)
        for line in gold_lines:
            hit = next((f for f in candidates if _matches(line, f)), None)
            if hit is None:
                misses.append(f"{pair}: {line}")
            else:
                candidates.remove(hit)
                matched += 1
        errors.extend(f"{pair}: {f.model_dump(exclude_none=True, exclude={'task', 'id'})}" for f in candidates)

    precision = matched / extracted if extracted else 0.0
    recall = matched / gold_total if gold_total else 0.0
    print(
        f"\nfacts gold: precision {precision:.3f} ({matched}/{extracted}), recall {recall:.3f} ({matched}/{gold_total})"
    )
    for line in misses:
        print("  missed:", line)
    for line in errors:
        print("  wrong: ", line)
    assert precision >= 0.9
    assert recall >= 0.9


def test_seed_facts_are_linked_and_stable(seed_facts: dict[str, tuple[ParsedDocument, list[Fact]]]) -> None:
    for name, (parsed, facts) in seed_facts.items():
        clause_ids = {c.id for c in parsed.clauses}
        assert facts, name
        assert len({f.id for f in facts}) == len(facts)
        assert all(f.clause_id in clause_ids and f.id.startswith(f.clause_id) for f in facts)
        assert all(f.province == parsed.document.province for f in facts)
        assert [f.id for f in extract_facts(parsed)] == [f.id for f in facts]
    _, notice_facts = seed_facts["thong-bao-ket-luan-bcd-ktt-2016.txt"]
    assert all(f.province is None for f in notice_facts)


@pytest.mark.parametrize("path", EXTRA, ids=lambda p: p.name)
def test_extract_facts_runs_on_extra_corpus(path: Path) -> None:
    parsed = parse_file(path)
    facts = extract_facts(parsed)
    clause_ids = {c.id for c in parsed.clauses}
    assert all(f.clause_id in clause_ids for f in facts)
    assert len({f.id for f in facts}) == len(facts)
    if (parsed.document.type or "").lower() in {"luật", "nghị định", "thông tư"}:
        # rules, not plans: their figures and dates are not targets or deadlines
        assert all(f.kind == "responsibility" for f in facts)


def test_lead_in_paragraph_hands_actors_to_items_but_issuer_line_does_not() -> None:
    parsed = _document(
        [
            ("p1", "Ủy ban nhân dân tỉnh", None, []),
            ("I", "I. Mục tiêu:", None, []),
            ("I.1", "1. Phát triển kinh tế tập thể với nhiều hình thức đa dạng.", "I", ["I. Mục tiêu:"]),
            ("II", "II. Nhiệm vụ chung:", None, []),
            ("II.p1", "Các sở, ban, ngành và UBND các huyện thực hiện các nhiệm vụ như sau:", "II", []),
            ("II.1", "1. Tăng cường công tác tuyên truyền về HTX;", "II", []),
            ("II.p2", "Văn phòng UBND tỉnh thông báo để các đơn vị triển khai.", "II", []),
        ]
    )
    for clause in parsed.clauses:
        if clause.path.startswith("II.p"):
            clause.kind = "paragraph"
    parsed.clauses[0].kind = "paragraph"
    facts = extract_facts(parsed)
    assert _responsibilities(facts, "I.1") == set()
    assert _responsibilities(facts, "II.1") == {("Các sở, ban, ngành", "lead"), ("UBND các huyện, thành phố", "lead")}
    assert _responsibilities(facts, "II.p2") == set()  # the issuer's own notice is not a task
