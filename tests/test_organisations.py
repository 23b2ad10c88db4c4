"""Which kind of organisation a question and a clause are about: a fund's rule does not answer a cooperative's."""

import pytest

from assistant.answering.features import organisation_mismatch, organisations_named


@pytest.mark.parametrize(
    ("text", "kinds"),
    [
        ("Ban kiểm soát của hợp tác xã có mấy người?", {"cooperative"}),
        ("Quỹ hỗ trợ phát triển HTX tỉnh cho vay với lãi suất nào?", {"fund"}),
        ("quy hop tac xa dia phuong duoc thanh lap o dau", {"fund"}),
        ("Hợp tác xã, liên hiệp hợp tác xã có trách nhiệm lưu giữ sổ sách.", {"cooperative", "union"}),
        ("Liên minh HTX tỉnh chủ trì tập huấn.", {"alliance"}),
        ("Tổ trưởng tổ hợp tác ký hợp đồng.", {"group"}),
        ("Giám đốc Quỹ được hưởng phụ cấp theo quy định.", {"fund"}),
        ("Trích lập quỹ dự phòng tài chính theo tỷ lệ do Đại hội quyết định.", set()),
        ("Đăng ký hộ kinh doanh ở đâu?", {"household_business"}),
    ],
)
def test_organisations_named(text: str, kinds: set[str]) -> None:
    assert organisations_named(text) == frozenset(kinds)


def test_a_rule_for_another_kind_of_organisation_mismatches() -> None:
    question = "Hợp tác xã được trích tối đa bao nhiêu phần trăm lãi để chia cho thành viên?"
    assert organisation_mismatch(question, "Giám đốc Quỹ trình phương án trích 20% lợi nhuận.", "") == 1.0
    # The heading (a lead-in, an article title) counts too: the clause names no kind, its article does.
    assert organisation_mismatch(question, "b) Trích 20% vào quỹ khen thưởng.", "Điều 9. Phân phối lợi nhuận của Quỹ") == 1.0
    assert organisation_mismatch(question, "Hợp tác xã, liên hiệp hợp tác xã trích 20%.", "") == 0.0
    # Nothing named on one side: no evidence either way.
    assert organisation_mismatch("Mức trích tối đa là bao nhiêu?", "Giám đốc Quỹ trích 20%.", "") == 0.0
    assert organisation_mismatch(question, "b) Trích 20% vào quỹ khen thưởng.", "") == 0.0
