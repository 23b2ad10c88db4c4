"""Rows of grouped answers across provinces and documents, over a real index of the seed plans and notice, the
Bình Phước decision, decrees 77/2019 and 92/2024 and circular 09/2017 (default e5 model); the questions are
written for these tests.

What each test guards: a row asks its own part without the document's name (which no clause of it states); a row
stating a figure of another measure or unit than the one asked is replaced by the clause stating the asked one; a
province's row is not read as asking which province issued its plan; a document named by its type and short name
is a row; a question listing topics is addressed by a row naming any of them.
"""

from __future__ import annotations

import re

import pytest

from assistant.dialogue.measures import pairs
from assistant.models import Answer
from assistant.service import Assistant
from tests.conftest import CORPUS, SEED_FILES, assistant_over

EXTRA = [CORPUS / "extra" / name for name in (
    "binhphuoc-qd-phe-duyet-ke-hoach-ktt-2006-2010.txt", "nd-77-2019-ND-CP_to-hop-tac.txt",
    "nd-92-2024-ND-CP_dang-ky-htx.txt", "tt-09-2017-TT-BNNPTNT_phan-loai-danh-gia-htx-nong-nghiep.txt")]
DECREE_77, DECREE_92 = "nd-77-2019-nd-cp_to-hop-tac", "nd-92-2024-nd-cp_dang-ky-htx"
NOTICE = "thong-bao-ket-luan-bcd-ktt-2016"


def rows(answer: Answer) -> dict[str, str]:
    body = answer.answer.split("\n\nCăn cứ:")[0]
    return dict(re.match(r"• ([^:]+): (.*)", line).groups() for line in body.split("\n") if line.startswith("• "))


def cited(answer: Answer, text: str) -> set[str]:
    return {answer.citations[int(n) - 1].document_id for n in re.findall(r"\[(\d+)\]", text)}


# ---- without an index ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(("text", "expected", "absent"), [
    # Adjacent content words, grammar words left out: "vốn của quỹ" pairs "vốn" with "quỹ".
    ("nguồn vốn của Quỹ hỗ trợ", {("von", "quy"), ("nguon", "von")}, set()),
    # "bình quân" and "quản lý" share a folded syllable, not a pair.
    ("thu nhập bình quân", {("thu", "nhap"), ("binh", "quan")}, {("quan", "ly")}),
    ("cán bộ quản lý", {("quan", "ly")}, {("binh", "quan")}),
    # Figures are no words of a measure.
    ("85 HTX và 6.600 tổ hợp tác", set(), {("85", "hop")}),
])
def test_pairs_tell_measures_apart(text: str, expected: set[tuple[str, str]], absent: set[tuple[str, str]]) -> None:
    found = pairs(text)
    assert expected <= found
    assert not absent & found


@pytest.mark.parametrize(("question", "items"), [
    ("Việc tập huấn, bồi dưỡng cán bộ do Liên minh lo những gì?", ["tập huấn", "bồi dưỡng"]),
    ("Kế hoạch có nói đến HTX thu gom rác hoặc vệ sinh môi trường không?", ["thu gom rác", "vệ sinh môi trường"]),
    ("Sở Tài chính được giao chỉ tiêu hoặc địa bàn thí điểm nào?", ["chỉ tiêu", "địa bàn thí điểm"]),
    ("Sở Tài chính được giao làm gì?", []),
])
def test_listed_topics_are_read_as_alternatives(question: str, items: list[str]) -> None:
    from assistant.dialogue.multidoc import _listed_topics
    from assistant.dialogue.reading import read
    from assistant.query import Catalog, analyze

    analysis = analyze(question, Catalog())
    listed = [analysis.question[a:b] for run in _listed_topics(read(analysis)) for a, b in run]
    assert len(listed) == len(items)
    assert all(item in text for item, text in zip(items, listed, strict=True))


# ---- over a real index --------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def assistant(tmp_path_factory: pytest.TempPathFactory) -> Assistant:
    return assistant_over(tmp_path_factory, "multidoc-rows", [*SEED_FILES, *EXTRA])


@pytest.mark.slow
def test_a_document_row_asks_its_part_without_the_documents_name(assistant: Assistant) -> None:
    from assistant.dialogue.multidoc import scope_of
    from assistant.dialogue.rows import row_question

    question = ("Nghị định 77/2019 bắt tổ hợp tác báo việc thành lập với cơ quan nào, còn Nghị định 92/2024 "
                "thì bắt nộp hồ sơ đăng ký tại đâu?")
    analysis = assistant.analyze(question)
    scope = scope_of(analysis, assistant.catalog)
    assert scope is not None
    asked = {row.value: row_question(assistant, analysis, row, scope) for row in scope.rows}
    assert set(asked) == {DECREE_77, DECREE_92}
    assert "92/2024" not in asked[DECREE_92].question and "nộp hồ sơ đăng ký" in asked[DECREE_92].question
    assert asked[DECREE_92].document_ids == [DECREE_92]


@pytest.mark.slow
@pytest.mark.xfail(reason="known weakness: on this wording the Decree 92 row finds no clause above the row threshold "
                          "and says the decree does not address it", strict=False)
def test_each_decree_row_answers_its_own_part(assistant: Assistant) -> None:
    question = ("Nghị định 77/2019 bắt tổ hợp tác báo việc thành lập với cơ quan nào, còn Nghị định 92/2024 "
                "thì bắt nộp hồ sơ đăng ký tại đâu?")
    answer = assistant.ask(question)
    by_label = rows(answer)
    assert set(by_label) == {"Nghị định số 77/2019/NĐ-CP", "Nghị định số 92/2024/NĐ-CP"}
    assert "cơ quan đăng ký kinh doanh cấp huyện" in by_label["Nghị định số 92/2024/NĐ-CP"].lower()
    assert cited(answer, by_label["Nghị định số 92/2024/NĐ-CP"]) == {DECREE_92}
    assert "Ủy ban nhân dân cấp xã" in by_label["Nghị định số 77/2019/NĐ-CP"]
    assert "Không đề cập" not in answer.answer


@pytest.mark.slow
def test_a_row_stating_another_measures_figure_quotes_the_asked_measure(assistant: Assistant) -> None:
    answer = assistant.ask("Mục tiêu thu nhập của một lao động làm trong hợp tác xã là bao nhiêu, ở Hòa Bình năm 2017 "
                           "và ở Bình Phước giai đoạn 2006-2010?")
    by_label = rows(answer)
    assert set(by_label) == {"Hòa Bình", "Bình Phước"}
    assert "3,2 triệu" in by_label["Hòa Bình"]
    # The decision's clause on the number of cooperatives states no earnings: its figures are no answer.
    assert "14 triệu" in by_label["Bình Phước"]
    assert "85 HTX" not in by_label["Bình Phước"] and "6.600" not in by_label["Bình Phước"]


@pytest.mark.slow
@pytest.mark.xfail(reason="known weakness: on this wording the Quảng Ninh row finds no clause above the row threshold "
                          "and says the plan does not address it", strict=False)
def test_a_province_row_is_not_asked_which_province_issued_its_plan(assistant: Assistant) -> None:
    answer = assistant.ask("Kế hoạch của Lâm Đồng và của Quảng Ninh giao cơ quan nào lo Quỹ hỗ trợ phát triển "
                           "HTX của tỉnh, với những việc gì?")
    by_label = rows(answer)
    assert set(by_label) == {"Quảng Ninh", "Lâm Đồng"}
    assert "Tỉnh ban hành" not in answer.answer
    assert "Sở Tài chính" in by_label["Quảng Ninh"] and "Quỹ hỗ trợ phát triển HTX" in by_label["Quảng Ninh"]
    # The row's second clause, the one on the fund itself, is quoted too: its sentence is the task asked.
    assert "đề xuất thành lập Quỹ" in by_label["Quảng Ninh"]
    assert "15 tỷ" in by_label["Lâm Đồng"] or "Quỹ hỗ trợ phát triển HTX" in by_label["Lâm Đồng"]


@pytest.mark.slow
def test_a_notice_named_by_its_type_is_a_row_and_a_listed_topic_addresses_a_province(assistant: Assistant) -> None:
    answer = assistant.ask("Về tập huấn, bồi dưỡng, Liên minh HTX tỉnh được giao những việc gì ở Quảng Ninh và "
                           "trong thông báo kết luận năm 2016?")
    by_label = rows(answer)
    assert set(by_label) == {"Quảng Ninh", "Thông báo kết luận năm 2016"}
    # The plan speaks of "bồi dưỡng" classes, the notice of "tập huấn": each row names one of the two.
    assert "10 lớp bồi dưỡng" in by_label["Quảng Ninh"]
    assert "tập huấn" in by_label["Thông báo kết luận năm 2016"]
    assert cited(answer, by_label["Thông báo kết luận năm 2016"]) == {NOTICE}
    assert "Không đề cập" not in answer.answer


@pytest.mark.slow
def test_a_row_counting_another_thing_quotes_the_clause_counting_the_asked_one(assistant: Assistant) -> None:
    answer = assistant.ask("Thông tư 09/2017 đòi HTX nông nghiệp đạt mấy điểm mới được loại khá, còn Lâm Đồng "
                           "đặt mục tiêu đến 2020 bao nhiêu phần trăm HTX khá, giỏi?")
    # Each part names its own source, so each is asked of it alone and checked as a row of a grouped answer is.
    lines = answer.answer.split("\n")
    first = "\n".join(lines[lines.index(next(x for x in lines if x.startswith("1) "))):
                             lines.index(next(x for x in lines if x.startswith("2) ")))])
    second = next(x for x in lines if x.startswith("2) "))
    # The article opens on how many levels there are ("04 mức"); the points is what is asked.
    assert "65 điểm" in first and ": 04 mức" not in first
    assert "70%" in second and "Lâm Đồng" in second


@pytest.mark.slow
def test_a_request_opening_a_grouped_question_is_no_part_of_a_row(assistant: Assistant) -> None:
    from assistant.dialogue.multidoc import scope_of
    from assistant.dialogue.rows import row_question

    analysis = assistant.analyze("Liệt kê giúp tôi chỉ tiêu số HTX thành lập mới hằng năm của Lâm Đồng và Quảng Ninh.")
    scope = scope_of(analysis, assistant.catalog)
    assert scope is not None
    for row in scope.rows:
        asked = row_question(assistant, analysis, row, scope).question
        assert not asked.lower().startswith(("tổng hợp", "giúp")) and "thành lập mới" in asked
