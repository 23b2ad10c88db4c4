"""Measure names of figures, on wording written for these tests (not quoted from the corpus): what each figure
measures is named from the clause's own words, never a cut fragment, and each value keeps its own measure."""

from __future__ import annotations

import pytest

from ingest.facts import extract_facts, find_deadlines, find_figures
from ingest.measures import measure_names
from ingest.models import Clause, Document, ParsedDocument


def names(text: str) -> list[tuple[str, str]]:
    figures = find_figures(text)
    return [(f.value_text, name) for f, name in zip(figures, measure_names(text, figures), strict=True)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # The measure before the figure, without the verb and comparator that introduce the number.
        ("Tỷ lệ hộ nông dân tham gia HTX đạt khoảng 40%.", [("40%", "Tỷ lệ hộ nông dân tham gia HTX")]),
        # Time adverbials and planning verbs are not part of the measure.
        ("Đến năm 2025, phấn đấu doanh thu bình quân của mỗi HTX tăng từ 5-7%/năm.",
         [("từ 5-7%", "Doanh thu bình quân của mỗi HTX")]),
        ("Phấn đấu đến năm 2030, nâng mức vốn của Quỹ hỗ trợ HTX của huyện lên 20 tỷ đồng.",
         [("20 tỷ đồng", "Vốn của Quỹ hỗ trợ HTX của huyện")]),
        # A long measure keeps its first words ("Tỷ lệ…"), never only its tail.
        ("Tỷ lệ giám đốc HTX đã qua đào tạo chuyên môn về quản trị đạt khoảng 35%.",
         [("35%", "Tỷ lệ giám đốc HTX đã qua đào tạo chuyên môn về quản trị")]),
        # An elliptic second measure borrows the head of the first.
        ("Tỷ lệ kế toán HTX có trình độ cao đẳng đạt 15% và trình độ đại học đạt 45%.",
         [("15%", "Tỷ lệ kế toán HTX có trình độ cao đẳng"), ("45%", "Tỷ lệ kế toán HTX có trình độ đại học")]),
        # "85 HTX và 900 tổ hợp tác": each count is paired with its own unit, never with the other figure.
        ("Vận động nông dân vào HTX, đến năm 2025 dự kiến có khoảng 120 HTX và 900 tổ hợp tác.",
         [("120 HTX", "Số HTX"), ("900 tổ hợp tác", "Số tổ hợp tác")]),
        # A count with only a verb before it names itself from the verb and what follows the unit.
        ("Mỗi năm có khoảng 12 HTX thành lập mới.", [("12 HTX", "Số HTX thành lập mới")]),
        ("Bình quân hàng năm thành lập mới ít nhất 8 HTX và 11 THT có xác nhận của UBND xã.",
         [("8 HTX", "Số HTX thành lập mới"), ("11 THT", "Số THT thành lập mới có xác nhận của UBND xã")]),
        ("Hằng năm tổ chức 6 lớp tập huấn kế toán cho HTX, mỗi lớp từ 25-40 người.",
         [("6 lớp", "Số lớp tập huấn kế toán cho HTX"), ("từ 25-40 người", "Số người (mỗi lớp)")]),
        # "mỗi xã" is the scope the count applies to.
        ("Mỗi xã, phường lựa chọn từ 1-3 HTX để hỗ trợ chuyển đổi số.",
         [("từ 1-3 HTX", "Số HTX lựa chọn (mỗi xã, phường)")]),
        # A label before a colon names an amount when the words after it do not.
        ("Kinh phí đào tạo nghề: Mỗi năm bố trí tối thiểu 2,5 tỷ đồng từ ngân sách huyện.",
         [("2,5 tỷ đồng", "Kinh phí đào tạo nghề")]),
        ("Lợi nhuận bình quân của 1 HTX đạt: 450 triệu đồng trở lên.",
         [("450 triệu đồng", "Lợi nhuận bình quân của 1 HTX")]),
        # A new clause after a comma ("nâng …") starts a new measure.
        ("Không còn HTX chỉ tồn tại trên giấy, nâng tỷ lệ HTX xếp loại tốt lên trên 55%.",
         [("55%", "Tỷ lệ HTX xếp loại tốt")]),
        # "trở lên" belongs to the wording, "lên" alone does not.
        ("Số cán bộ được đào tạo trình độ từ cao đẳng trở lên chiếm trên 25%.",
         [("25%", "Số cán bộ được đào tạo trình độ từ cao đẳng trở lên")]),
    ],
)
def test_measure_names(text: str, expected: list[tuple[str, str]]) -> None:
    assert names(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "Tỷ lệ thành viên HTX được bồi dưỡng kiến thức quản trị, tài chính, thị trường đạt khoảng 60% vào năm 2026.",
        "Đến năm 2027 toàn huyện có 140 HTX và 95 THT, mỗi năm thành lập thêm 9 HTX.",
        "Hỗ trợ 300 lượt cán bộ quản lý HTX tham gia bồi dưỡng; mỗi năm tổ chức 4 đợt kiểm tra.",
    ],
)
def test_measures_are_whole_words_and_never_contain_another_figure(text: str) -> None:
    figures = find_figures(text)
    words = set(text.replace(",", " ").replace(";", " ").replace(".", " ").split())
    for figure, name in zip(figures, measure_names(text, figures), strict=True):
        assert figure.value_text not in name
        assert not any(other.value_text in name for other in figures), name
        for word in name.replace("(", " ").replace(")", " ").replace(",", " ").split():
            # Every word comes from the wording (or is the "Số" that heads a count), so nothing is cut in half.
            assert word.strip("…") in words or word.lower().strip("…") in {w.lower() for w in words} or word == "Số", \
                (name, word)


@pytest.mark.parametrize(
    ("text", "wording"),
    [
        ("- Định kỳ 6 tháng, năm tổng hợp kết quả thực hiện kế hoạch, báo cáo UBND huyện.", "Định kỳ 6 tháng, năm"),
        ("Gửi báo cáo định kỳ hàng năm về Sở Tài chính.", "định kỳ hàng năm"),
        ("Định kỳ (3 tháng, 6 tháng hoặc đột xuất) báo cáo kết quả.", "Định kỳ (3 tháng, 6 tháng hoặc đột xuất)"),
        ("Tổ chức giao ban Ban Chỉ đạo mỗi quý một lần.", "mỗi quý một lần"),
        ("- Báo cáo định kỳ về tình hình hoạt động của HTX.", "định kỳ"),
    ],
)
def test_periodic_duties_are_deadlines(text: str, wording: str) -> None:
    found = find_deadlines(text)
    assert [(d.date, d.wording) for d in found] == [(None, wording)]
    assert found[0].period == wording[:1].lower() + wording[1:]


def test_a_dated_schedule_is_not_also_a_periodic_duty() -> None:
    found = find_deadlines("Định kỳ báo cáo kết quả trước ngày 15/6 và 15/12 năm 2026.")
    assert [d.date for d in found] == ["2026-06-15", "2026-12-15"]


def _doc(kind: str, texts: list[tuple[str, str, str | None, list[str]]]) -> ParsedDocument:
    clauses = [Clause(id=f"d:{path}", document_id="d", path=path, headings=headings, text=text, line_start=i + 1,
                      line_end=i + 1, kind="heading" if text.endswith(":") else "bullet", order=i,
                      parent_id=f"d:{parent}" if parent else None)
               for i, (path, text, parent, headings) in enumerate(texts)]
    return ParsedDocument(document=Document(id="d", type=kind, province="Lâm Đồng", source_file="d.txt", sha256="0"),
                          clauses=clauses)


def test_periodic_duty_takes_the_agency_named_by_its_heading() -> None:
    parsed = _doc("Kế hoạch", [
        ("IV.1", "1. Sở Kế hoạch và Đầu tư", None, ["IV. TỔ CHỨC THỰC HIỆN"]),
        ("IV.1.-1", "- Định kỳ 6 tháng, năm tổng hợp kết quả thực hiện, báo cáo UBND tỉnh.", "IV.1",
         ["IV. TỔ CHỨC THỰC HIỆN", "1. Sở Kế hoạch và Đầu tư"]),
    ])
    deadlines = [f for f in extract_facts(parsed) if f.kind == "deadline"]
    assert [(f.wording, f.period, f.agency) for f in deadlines] == [
        ("Định kỳ 6 tháng, năm", "định kỳ 6 tháng, năm", "Sở Kế hoạch và Đầu tư")]


@pytest.mark.parametrize("kind", ["Bài viết", "Tin bài"])
def test_articles_and_news_report_on_other_texts_so_give_no_targets_or_deadlines(kind: str) -> None:
    parsed = _doc(kind, [("p1", "Mỗi hợp tác xã phải có ít nhất 5 thành viên; hoàn thành trước ngày 01/9/2026.",
                          None, [])])
    assert [f.kind for f in extract_facts(parsed) if f.kind != "responsibility"] == []
    parsed.document.type = "Kế hoạch"
    assert {f.kind for f in extract_facts(parsed)} >= {"target", "deadline"}
