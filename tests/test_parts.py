"""Questions that ask several things: cut into the stretches that ask, each read with the rest as context."""

import pytest

from assistant.dialogue.parts import asked_stretches, part_question


@pytest.mark.parametrize(
    ("question", "parts"),
    [
        ("Muốn chia tách hợp tác xã thì cần bao nhiêu phần trăm phiếu đồng ý, và hồ sơ nộp cho cơ quan nào?",
         ["Muốn chia tách hợp tác xã thì cần bao nhiêu phần trăm phiếu đồng ý", "hồ sơ nộp cho cơ quan nào"]),
        ("Khi hợp tác xã ngừng hoạt động, ai phải báo cáo và báo trong mấy ngày?",
         ["ai phải báo cáo", "báo trong mấy ngày"]),
        ("thanh vien htx duoc gop von toi da bao nhieu phan tram, rut von thi bao lau duoc tra lai",
         ["thanh vien htx duoc gop von toi da bao nhieu phan tram", "rut von thi bao lau duoc tra lai"]),
        ("Hợp tác xã mới lập có được vay vốn ưu đãi không, mức vay tối đa là bao nhiêu?",
         ["Hợp tác xã mới lập có được vay vốn ưu đãi không", "mức vay tối đa là bao nhiêu"]),
    ],
)
def test_two_asked_stretches(question: str, parts: list[str]) -> None:
    assert asked_stretches(question)[0] == parts


@pytest.mark.parametrize(
    "question",
    [
        "Hồ sơ đăng ký thành lập hợp tác xã gồm những gì?",
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
    parts, stretches = asked_stretches("Tên hợp tác xã có được dùng các chữ Q, X, Y, Z không?")
    assert parts == ["Tên hợp tác xã có được dùng các chữ Q, X, Y, Z không"]
