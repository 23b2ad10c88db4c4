"""A long clause is quoted around the sentence that answers, not cut from its start."""

from assistant.compose.builder import excerpt

LONG_CLAUSE = (
    "2. Cơ quan quản lý thực hiện việc chi trả thù lao cho người làm việc kiêm nhiệm theo quy định chung của "
    "Nhà nước về chế độ tiền lương, phụ cấp và các khoản có tính chất lương áp dụng cho các đơn vị sự nghiệp công "
    "lập trong từng thời kỳ, bảo đảm công khai, minh bạch và đúng đối tượng. Việc chi trả được ghi nhận vào sổ sách "
    "kế toán của đơn vị theo từng tháng và tổng hợp vào báo cáo quyết toán năm. Đối với Trưởng ban kiểm soát thì "
    "mức thù lao tối đa bằng 30% mức lương của Giám đốc."
)


def test_the_answering_sentence_is_kept_with_the_clause_number() -> None:
    quote = excerpt(LONG_CLAUSE, ["truong ban kiem soat", "thu lao"], 260)
    assert len(quote) <= 260 + 4
    assert quote.startswith("2. ")
    assert "Đối với Trưởng ban kiểm soát thì mức thù lao tối đa bằng 30% mức lương của Giám đốc." in quote
    assert "…" in quote


def test_a_clause_whose_opening_answers_is_cut_from_the_start() -> None:
    quote = excerpt(LONG_CLAUSE, ["chi tra thu lao", "kiem nhiem"], 200)
    assert quote.startswith("2. Cơ quan quản lý thực hiện việc chi trả thù lao")
    assert quote.endswith("…")


def test_a_short_clause_is_quoted_whole() -> None:
    short = "a) Hồ sơ gửi về cơ quan đăng ký trong 05 ngày."
    assert excerpt(short, ["ho so"], 200) == short
