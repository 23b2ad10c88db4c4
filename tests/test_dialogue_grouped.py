"""Whether a grouped answer claims to answer, over a real index of the seed plans and Luật HTX 2023 (default
model); the questions are written for these tests.

What each test guards: rows the question names that are silent as often as rows answer make the answer not
found (the rows found are shown, and the silent ones named), a question the rows all answer stays found, and a
document named as what another document implements ("kế hoạch … triển khai Luật HTX") is no row the answer
misses.
"""

from __future__ import annotations

import pytest

from assistant.service import Assistant


@pytest.mark.slow
def test_a_named_row_the_documents_do_not_address_makes_the_answer_not_found(
        plans_and_law_assistant: Assistant) -> None:
    answer = plans_and_law_assistant.ask("Mấy lớp bồi dưỡng người quản lý HTX được mở mỗi năm ở Quảng Ninh và ở Hòa Bình?")
    assert not answer.found
    # What was found is still shown, and what was not is said.
    assert "• Quảng Ninh:" in answer.answer and "20 lớp" in answer.answer
    assert "Không đề cập đến nội dung này: Hòa Bình" in answer.answer


@pytest.mark.slow
def test_a_document_another_implements_is_no_missing_row(plans_and_law_assistant: Assistant) -> None:
    answer = plans_and_law_assistant.ask("Sở nào được kế hoạch của Lâm Đồng về Luật HTX giao theo dõi việc thi hành "
                                         "và gửi báo cáo tổng hợp?")
    assert answer.found
    assert "Sở Kế hoạch và Đầu tư" in answer.answer


@pytest.mark.slow
@pytest.mark.parametrize(("question", "answer", "states"), [
    # A figure and a body asked at once: one figure states only its own part.
    ("Hồ sơ gửi cho cơ quan nào, và trong bao nhiêu ngày?", "Trong 10 ngày [1].", False),
    # Two figures asked: both stated, each by its own span.
    ("Bao lâu thì triệu tập lại, và tỷ lệ có mặt tối thiểu là bao nhiêu phần trăm?", "Trong 20 ngày [1]; ít nhất 30% [1].",
     True),
    # Two durations asked, one stated: the one figure does not answer both.
    ("Cần thông báo trước mấy ngày, và thời gian nghỉ kéo dài nhất là bao lâu?", "Trước 7 ngày [1].", False),
    # Parts whose kind cannot be checked (who, how) pass; a question of one part passes.
    ("Phần còn lại giao cho ai, và chia theo cách nào?", "Giao cho ban quản lý chợ [1].", True),
    ("Hồ sơ gửi trong bao nhiêu ngày?", "Trong 10 ngày [1].", True),
])
def test_an_answer_states_every_part_asked(plans_and_law_assistant: Assistant, question: str, answer: str,
                                           states: bool) -> None:
    from assistant.dialogue.thread import states_every_part
    from assistant.models import Answer

    analysis = plans_and_law_assistant.analyze(question)
    given = Answer(question=question, answer=answer, found=True, intent=analysis.intent, confidence=0.9)
    assert states_every_part(plans_and_law_assistant, analysis, given) is states
