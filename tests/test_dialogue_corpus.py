"""Conversations and grouped answers over a real index of the corpus (the four seed plans and notices plus the
cooperative law, default e5 model), through `Conversations` as `POST /chat` uses it.

The conversations are written for these tests: a registration procedure followed step by step in the law,
a plan figure asked for another province and year, an agency swapped inside one plan, and questions that
collect or compare across provinces and documents.
"""

from __future__ import annotations

import dataclasses
import re

import pytest

from assistant.chat import ChatReply, Conversations
from assistant.models import Answer
from assistant.service import Assistant
from tests.test_dialogue import assert_clean

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def assistant(plans_and_law_assistant: Assistant) -> Assistant:
    return plans_and_law_assistant


def converse(assistant: Assistant, messages: list[str]) -> list[ChatReply]:
    conversations = Conversations(assistant, assistant.settings)
    replies: list[ChatReply] = []
    session_id: str | None = None
    for message in messages:
        reply = conversations.send(message, session_id)
        session_id = reply.session_id
        replies.append(reply)
    return replies


def cited(answer: Answer) -> list[str]:
    return [c.clause_id.split(":", 1)[1] for c in answer.citations]


def test_a_registration_is_followed_step_by_step_in_the_law(assistant: Assistant) -> None:
    papers, where, how_long = converse(assistant, [
        "Thành lập hợp tác xã thì hồ sơ đăng ký cần những giấy tờ nào?",
        "Gửi hồ sơ đó ở đâu?",
        "Mất bao lâu thì được cấp giấy chứng nhận?",
    ])
    assert papers.answer.found and any(p.startswith("D42.2") for p in cited(papers.answer))
    # Where to file: the law's registration articles, not a fee-payment rule elsewhere.
    assert where.follow_up and where.resolved_question == "Gửi hồ sơ đăng ký ở đâu?"
    assert where.answer.found and "cơ quan đăng ký kinh doanh" in where.answer.citations[0].text
    assert cited(where.answer)[0].split(".")[0] in {"D41", "D42"}
    # How long: the next step of the same article.
    assert how_long.follow_up and how_long.answer.found
    assert cited(how_long.answer)[0] == "D42.4" and "03 ngày làm việc" in how_long.answer.answer
    for reply in (where, how_long):
        assert_clean(reply.resolved_question)


def test_a_plan_figure_is_asked_again_for_another_province_and_year(assistant: Assistant) -> None:
    first, second = converse(assistant, [
        "Theo kế hoạch, đến năm 2020 số lượng hợp tác xã ở Quảng Ninh là bao nhiêu?",
        "Vậy Hòa Bình năm 2017 thì sao?",
    ])
    assert first.answer.found and "542" in first.answer.answer
    question = second.resolved_question
    assert second.follow_up and "Hòa Bình" in question and "2017" in question
    assert "Quảng Ninh" not in question and "2020" not in question  # replaced, not accumulated
    assert second.answer.found and "35" in second.answer.answer
    assert {c.document_id for c in second.answer.citations} == {"hoa-binh_kh-bcd-ktt-2017"}
    assert_clean(question)


def test_who_signed_is_asked_of_the_document_that_answered(assistant: Assistant) -> None:
    _, signer, issued = converse(assistant, [
        "Theo kế hoạch, đến năm 2020 số lượng hợp tác xã ở Quảng Ninh là bao nhiêu?",
        "Ai ký?",
        "Ban hành ngày nào?",
    ])
    assert signer.resolved_question == "Kế hoạch số 31/KH-UBND ai ký?"
    assert signer.answer.found and signer.answer.citations[0].document_id == "quang-ninh_kh-31-2017-phat-trien-htx"
    assert issued.resolved_question == "Kế hoạch số 31/KH-UBND ban hành ngày nào?" and issued.answer.found


def test_an_agency_swapped_inside_a_plan_is_not_answered_by_the_previous_agency(assistant: Assistant) -> None:
    _, swapped = converse(assistant, [
        "Lâm Đồng giao Sở Giao thông vận tải mỗi năm lập thêm mấy hợp tác xã?",
        "Vậy còn Sở Văn hóa, Thể thao và Du lịch?",
    ])
    assert "Sở Văn hóa, Thể thao và Du lịch" in swapped.resolved_question
    assert "Giao thông" not in swapped.resolved_question
    assert swapped.answer.found and "01 HTX" in swapped.answer.answer
    assert all(c.path.startswith("II.2.10") for c in swapped.answer.citations)


def test_a_new_topic_is_asked_as_written(assistant: Assistant) -> None:
    _, new = converse(assistant, [
        "Lâm Đồng giao Sở Giao thông vận tải mỗi năm lập thêm mấy hợp tác xã?",
        "Hợp tác xã có thể bị giải thể trong những trường hợp nào?",
    ])
    assert not new.follow_up and new.resolved_question == "Hợp tác xã có thể bị giải thể trong những trường hợp nào?"
    assert all(c.document_id.startswith("luat") for c in new.answer.citations)


def _rows(answer: Answer) -> dict[str, str]:
    body = answer.answer.split("\n\nCăn cứ:")[0]
    return dict(re.match(r"• ([^:]+): (.*)", line).groups() for line in body.split("\n") if line.startswith("• "))


@pytest.mark.parametrize(
    "question",
    [
        "Nhiệm vụ của Sở Tài chính ở các tỉnh là gì?",
        "Từng tỉnh đặt chỉ tiêu thành lập mới bao nhiêu hợp tác xã?",
        "Chỉ tiêu thành lập mới hợp tác xã của Quảng Ninh và Hòa Bình là bao nhiêu?",
    ],
)
def test_a_question_across_provinces_gets_a_cited_row_per_province(assistant: Assistant, question: str) -> None:
    answer = assistant.ask(question)
    assert answer.found and answer.answer.startswith("Theo từng tỉnh:")
    rows = _rows(answer)
    assert len(rows) >= 2
    provinces = {d.id: d.province for d in assistant.catalog.documents}
    numbers = [c.n for c in answer.citations]
    assert numbers == list(range(1, len(numbers) + 1))
    for province, text in rows.items():
        marks = [int(n) for n in re.findall(r"\[(\d+)\]", text)]
        assert marks, (province, text)  # a citation in every row
        for n in marks:
            assert provinces[answer.citations[n - 1].document_id] == province, (province, n)
    sources = answer.answer.split("\n\nCăn cứ:\n")[1].splitlines()
    assert len(sources) == len(numbers)  # a source listed only when a row cites it, named by its label
    assert all(re.match(r"\[\d+\] \S.*(Kế hoạch|Thông báo|Quyết định)", line) for line in sources), sources
    covered = set(rows) | set(re.findall(r"(Hòa Bình|Lâm Đồng|Quảng Ninh)", answer.answer.split("Không đề cập")[-1]))
    named = {p for p in ("Hòa Bình", "Lâm Đồng", "Quảng Ninh") if p in question} or set(assistant.catalog.provinces)
    assert named <= covered  # every province asked about is either a row or said not to address it


def test_a_province_that_does_not_address_it_is_named(assistant: Assistant) -> None:
    answer = assistant.ask("Quảng Ninh và Lâm Đồng có kế hoạch gì cho hợp tác xã du lịch?")
    rows = _rows(answer)
    assert list(rows) == ["Lâm Đồng"] and "du lịch" in rows["Lâm Đồng"].lower()
    assert "Không đề cập đến nội dung này: Quảng Ninh (Kế hoạch số 31/KH-UBND)" in answer.answer


def test_a_comparison_the_corpus_cannot_make_says_so(assistant: Assistant) -> None:
    answer = assistant.ask("Luật cũ và luật mới khác gì về số thành viên tối thiểu của hợp tác xã?")
    assert "chỉ có một văn bản loại Luật" in answer.answer


def test_a_one_province_question_is_not_grouped(assistant: Assistant) -> None:
    answer = assistant.ask("Sở Tài chính Quảng Ninh được giao những nhiệm vụ gì?")
    assert answer.found and "Theo từng tỉnh" not in answer.answer


def test_a_law_and_a_plan_named_together_get_a_row_each(assistant: Assistant) -> None:
    answer = assistant.ask("Luật HTX và Kế hoạch 31/KH-UBND nói gì về vốn của hợp tác xã?")
    # Each document is a row of its own or is said not to address it; neither is answered for the other.
    assert "Luật số 17/2023/QH15" in answer.answer and "Kế hoạch số 31/KH-UBND" in answer.answer, answer.answer
    assert answer.filters["document_id"] == "luat-htx-2023_17-2023-qh15, quang-ninh_kh-31-2017-phat-trien-htx"


def test_a_target_row_states_the_figure_of_the_measure_asked(assistant: Assistant) -> None:
    # The clause ranked first for one province states other targets (a share of good cooperatives, a growth
    # rate); the row gives the count of cooperatives its plan sets, from the clause that states it.
    answer = assistant.ask("Mục tiêu tổng số hợp tác xã năm 2020 ở Lâm Đồng, Quảng Ninh?")
    rows = _rows(answer)
    assert set(rows) == {"Lâm Đồng", "Quảng Ninh"}, answer.answer
    assert "300 HTX" in rows["Lâm Đồng"] and "%" not in rows["Lâm Đồng"]
    assert "542 HTX" in rows["Quảng Ninh"]


def _strict_about_follow_ups(assistant: Assistant) -> Assistant:
    """An assistant whose ranker accepts no follow-up answer (a fitted follow-up threshold of 1)."""
    strict = Assistant(assistant.settings).load()
    strict.use_ranker(dataclasses.replace(strict.ranker, follow_up_threshold=1.0))
    return strict


def test_a_follow_up_the_ranker_is_not_sure_enough_of_says_nothing_was_found(assistant: Assistant) -> None:
    strict = _strict_about_follow_ups(assistant)
    first, where = converse(strict, ["Thành lập hợp tác xã thì hồ sơ đăng ký cần những giấy tờ nào?",
                                     "Gửi hồ sơ đó ở đâu?"])
    assert first.answer.found  # a question asked whole keeps the found threshold
    assert where.follow_up and not where.answer.found and where.answer.citations == []
    assert where.answer.answer.startswith("Không tìm thấy")


def test_an_unanswered_follow_up_keeps_the_thread_where_it_was(assistant: Assistant) -> None:
    from assistant.dialogue.turn import answer_turn

    strict = _strict_about_follow_ups(assistant)
    first = answer_turn(strict, "Thành lập hợp tác xã thì hồ sơ đăng ký cần những giấy tờ nào?", None)
    unanswered = answer_turn(strict, "Gửi hồ sơ đó ở đâu?", first.state)
    assert first.state.found and not unanswered.answer.found
    assert unanswered.state.clause_ids == first.state.clause_ids and unanswered.state.found


def test_a_role_asked_of_an_agency_in_two_provinces_gets_the_province_that_states_it(assistant: Assistant) -> None:
    # "có vai trò gì" frames the question: the row is judged on what it is about (training the managers).
    answer = assistant.ask("Ở Quảng Ninh và Hòa Bình, Liên minh Hợp tác xã tỉnh có vai trò gì trong việc bồi dưỡng cán bộ?")
    rows = _rows(answer)
    assert "Quảng Ninh" in rows and "bồi dưỡng" in rows["Quảng Ninh"], answer.answer


def test_a_year_from_the_thread_that_answers_nothing_is_left_out(assistant: Assistant) -> None:
    _, later, districts = converse(assistant, [
        "Hòa Bình năm 2017 đặt chỉ tiêu thành lập mới bao nhiêu hợp tác xã?",
        "Chỉ tiêu năm 2018 thì sao?",
        "Những huyện nào phải bàn giao công trình thủy lợi cho hợp tác xã, hạn chót là khi nào?",
    ])
    assert not later.answer.found  # the plan is for 2017 only
    # Read into the thread (Hòa Bình, without its year) or, when the ranker trusts it alone, as the question it is:
    # either way no year the plan does not cover is asked, and the answer is the thread's plan.
    assert not districts.follow_up or "Hòa Bình" in districts.resolved_question
    assert "2018" not in districts.resolved_question
    assert districts.answer.found and districts.answer.citations[0].document_id == "hoa-binh_kh-bcd-ktt-2017"


def test_a_thread_answered_from_one_provinces_plan_stays_in_that_province(assistant: Assistant) -> None:
    # The first message names no province; its answer comes from one province's plan, and a "còn …" question
    # after it asks the same plan.
    first, second = converse(assistant, [
        "Các ngành thành viên gửi kế hoạch hoạt động trước ngày nào?",
        "Còn báo cáo kết quả định kỳ thì nộp vào những mốc nào?",
    ])
    province_of = {d.id: d.province for d in assistant.catalog.documents}
    assert first.answer.found and province_of[first.answer.citations[0].document_id] == "Hòa Bình"
    assert second.follow_up and "Hòa Bình" in second.resolved_question
    assert second.answer.filters["province"] == "Hòa Bình"
    assert {province_of[c.document_id] for c in second.answer.citations} <= {"Hòa Bình", None}
