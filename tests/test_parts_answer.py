"""A question of two parts gets a numbered answer per part, each cited (real index of the plans and the law)."""

import pytest

pytestmark = pytest.mark.slow


def two_answered_parts(answer) -> tuple[str, str]:  # noqa: ANN001 - assistant.models.Answer
    """The numbered lines of an answer found in two parts."""
    assert answer.found
    lines = answer.answer.split("\n")
    assert lines[0] == "Câu hỏi có 2 ý:"
    return (next(line for line in lines if line.startswith("1) ")),
            next(line for line in lines if line.startswith("2) ")))


def test_each_part_is_answered_with_its_own_figure(plans_and_law_assistant) -> None:  # noqa: ANN001
    answer = plans_and_law_assistant.ask(
        "Ban kiểm soát được bầu cho thời gian tối đa mấy năm, và gồm nhiều nhất bao nhiêu thành viên?")
    first, second = two_answered_parts(answer)
    assert "05 năm" in first and "[1]" in first
    assert "07" in second and "[" in second
    assert all(c.label.endswith("Luật Hợp tác xã 2023") for c in answer.citations)


def test_a_question_asking_one_thing_is_not_split(plans_and_law_assistant) -> None:  # noqa: ANN001
    answer = plans_and_law_assistant.ask("Ban kiểm soát được bầu cho thời gian tối đa mấy năm?")
    assert not answer.answer.startswith("Câu hỏi có")
    assert "05 năm" in answer.answer.split("\n")[0]


def test_a_yes_or_no_part_beside_a_figure_is_answered_by_the_figure(plans_and_law_assistant) -> None:  # noqa: ANN001
    # Whether it must be done is told by the rule that says from when it must: the question asks the figure.
    answer = plans_and_law_assistant.ask(
        "Ban kiểm soát có bị giới hạn số người không, tối đa được bao nhiêu thành viên?")
    assert answer.found
    assert not answer.answer.startswith("Câu hỏi có")
    assert "07" in answer.answer.split("\n")[0]


def test_a_part_the_documents_do_not_answer_is_said_so_and_nothing_is_claimed(plans_and_law_assistant) -> None:  # noqa: ANN001
    # The law sets the size of the supervisory board, not what its head is paid: one answered part is not an
    # answer to the question, and the part left over is named.
    answer = plans_and_law_assistant.ask(
        "Ban kiểm soát gồm nhiều nhất bao nhiêu thành viên, và trưởng ban được trả lương bao nhiêu tiền một tháng?")
    assert not answer.found
    lines = answer.answer.split("\n")
    assert lines[0] == "Câu hỏi có 2 ý; các văn bản hiện có chỉ trả lời được 1 ý:"
    first = next(line for line in lines if line.startswith("1) "))
    second = next(line for line in lines if line.startswith("2) "))
    assert "07 thành viên" in first and "[1]" in first
    assert second.endswith("các văn bản hiện có không nêu nội dung này.")
    assert answer.citations and answer.citations[0].label.endswith("Luật Hợp tác xã 2023")


def test_parts_naming_different_sources_are_each_asked_of_their_own(plans_and_law_assistant) -> None:  # noqa: ANN001
    # One part names the law, the other a province's plan and its year: each part is answered from the source it
    # names (the year is the plan's, not the law's), not every part from every source as a grouped answer would.
    answer = plans_and_law_assistant.ask(
        "Luật Hợp tác xã cho Ban kiểm soát nhiều nhất mấy người? Theo kế hoạch 2017, Hòa Bình phấn đấu đạt mấy HTX "
        "tiên tiến cấp tỉnh?")
    first, second = two_answered_parts(answer)
    assert "07 thành viên" in first and "[1]" in first
    assert "22 HTX" in second and "Hòa Bình" in second
    labels = [c.label for c in answer.citations]
    assert any(label.endswith("Luật Hợp tác xã 2023") for label in labels)
    assert any("Hòa Bình" in label for label in labels)
