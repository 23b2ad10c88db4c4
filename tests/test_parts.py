"""Questions that ask several things: cut into the stretches that ask, each read with the rest as context."""

import pytest

from assistant.dialogue.parts import asked_stretches, part_question


@pytest.mark.parametrize(
    ("question", "parts"),
    [
        ("Muốn sáp nhập, đại hội phải đạt bao nhiêu phiếu thuận, và phương án trình cho cơ quan nào?",
         ["đại hội phải đạt bao nhiêu phiếu thuận", "phương án trình cho cơ quan nào"]),
        ("Khi hợp tác xã ngừng hoạt động, ai phải báo cáo và báo trong mấy ngày?",
         ["ai phải báo cáo", "báo trong mấy ngày"]),
        ("xa vien moi phai dong it nhat bao nhieu tien, nghi thi bao lau duoc hoan lai",
         ["xa vien moi phai dong it nhat bao nhieu tien", "nghi thi bao lau duoc hoan lai"]),
        ("Hợp tác xã mới lập có được vay vốn ưu đãi không, mức vay tối đa là bao nhiêu?",
         ["Hợp tác xã mới lập có được vay vốn ưu đãi không", "mức vay tối đa là bao nhiêu"]),
    ],
)
def test_two_asked_stretches(question: str, parts: list[str]) -> None:
    assert asked_stretches(question)[0] == parts


@pytest.mark.parametrize(
    "question",
    [
        "Mở chi nhánh thì cần nộp kèm giấy tờ gì?",
        "Quỹ có cho vay mà không cần tài sản bảo đảm không?",
        "Sau khi được cấp giấy chứng nhận, hợp tác xã phải công bố nội dung đăng ký trong bao lâu?",
        # Folded, "dau" alone is "đầu" (đầu tư), not "where".
        "ho tro dau tu ha tang cho htx, muc ho tro toi da bao nhieu",
    ],
)
def test_one_asked_stretch(question: str) -> None:
    assert len(asked_stretches(question)[0]) == 1


def test_a_part_is_read_with_the_rest_of_the_question_after_it() -> None:
    parts, stretches = asked_stretches("Khi hợp tác xã ngừng hoạt động, ai phải báo cáo và báo trong mấy ngày?")
    assert part_question(parts[1], parts, stretches) == "báo trong mấy ngày? Khi hợp tác xã ngừng hoạt động, ai phải báo cáo"
    assert part_question(parts[0], parts, stretches) == "ai phải báo cáo? Khi hợp tác xã ngừng hoạt động"


def test_a_list_named_in_the_question_stays_in_its_stretch() -> None:
    parts, stretches = asked_stretches("Kho của hợp tác xã có được chứa phân bón, thuốc, giống không?")
    assert parts == ["Kho của hợp tác xã có được chứa phân bón, thuốc, giống không"]


def test_a_sentence_ended_with_a_full_stop_tells_where_questions_end_with_a_question_mark() -> None:
    # "chưa nói với ai", "không còn giấy tờ gì": question words used as "anyone", "any" in the asker's story
    asked, stretches = asked_stretches("Xưởng tôi nghỉ làm từ tháng trước mà chưa nói với ai. Vậy bao lâu thì "
                                       "bị xóa tên?")
    assert asked == ["Vậy bao lâu thì bị xóa tên"] and len(stretches) == 2
    # without any question mark a full stop may end a question
    assert asked_stretches("Đăng ký thì nộp mấy bộ hồ sơ. Có phải đóng dấu không")[0] == [
        "Đăng ký thì nộp mấy bộ hồ sơ.", "Có phải đóng dấu không"]
