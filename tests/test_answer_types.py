"""Expected answer types and typed spans, on wordings written for these tests (not from any eval set)."""

from __future__ import annotations

import pytest

from assistant.answering.spans import (
    asked_bound,
    asked_parts,
    asks_recipient,
    expected_answer_type,
    find_spans,
    sentence_with,
    units_named,
)


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("Muốn lập một hợp tác xã phải có ít nhất mấy người tham gia?", "count"),
        ("Phải có tối thiểu bao nhiêu thành viên thì mới lập được tổ hợp tác?", "count"),
        ("Cần bao nhiêu phần trăm phiếu đồng ý để thông qua việc hợp nhất?", "percentage"),
        ("ty le phieu can de giai the la bao nhieu phan tram", "percentage"),
        ("Quỹ cho một hợp tác xã vay tối đa bao nhiêu tiền?", "money"),
        ("Vốn điều lệ của quỹ cấp tỉnh bao nhiêu tỷ?", "money"),
        ("Giấy chứng nhận được cấp trong bao lâu kể từ khi nộp đủ hồ sơ?", "duration"),
        ("Nhiệm kỳ của Hội đồng quản trị mấy năm?", "duration"),
        # The word that cues a period is the thing counted.
        ("Chủ tịch hội đồng được tái bổ nhiệm nhiều nhất mấy nhiệm kỳ?", "count"),
        ("Mấy năm phải kiểm toán một lần?", "duration"),
        ("Hạn chót gửi báo cáo tổng kết là ngày nào?", "date"),
        ("Cơ quan nào cấp giấy chứng nhận đăng ký tổ hợp tác?", "agency"),
        ("Ai có quyền quyết định mức lãi suất cho vay?", "agency"),
        ("Hồ sơ xin vay vốn gồm những giấy tờ gì?", "list"),
        ("Thành viên có được rút vốn trước thời hạn không?", "yes_no"),
        # a figure asked inside a yes/no question is what it asks
        ("Có trần cho mỗi hộ nắm mấy phần trăm vốn không?", "percentage"),
        ("Có được vay tới 15% không?", "yes_no"),
        ("Hợp tác xã nông nghiệp là gì?", "other"),
        ("Dư nợ của một khách hàng được tối đa bao nhiêu?", "quantity"),
        ("Thành viên góp vốn tối đa là bao nhiêu?", "quantity"),
        # The noun asked about says what an unqualified "bao nhiêu" is measured in.
        ("Phụ cấp cho kế toán được tối đa bao nhiêu một tháng?", "money"),
        ("Lãi suất tiền gửi tối thiểu bao nhiêu?", "percentage"),
        ("Lai suat cho vay von toi da la bao nhieu", "percentage"),
        ("Thời hạn vay tối đa bao nhiêu?", "duration"),
        # "bao nhiêu" followed by a thing counted that has no unit in the lexicon: a number, not a time.
        ("Ban kiểm soát được có nhiều nhất bao nhiêu kiểm soát viên?", "number"),
        ("Một tổ hợp tác được cử nhiều nhất mấy tổ phó?", "number"),
    ],
)
def test_expected_answer_type(question: str, expected: str) -> None:
    assert expected_answer_type(question) == expected


CLAUSE = (
    "Tổ hợp tác phải có từ 02 thành viên trở lên; mỗi thành viên góp không quá 25% vốn, tối thiểu 5 triệu đồng. "
    "Trong thời hạn 05 ngày làm việc, Ủy ban nhân dân cấp xã xác nhận; báo cáo định kỳ 6 tháng một lần, "
    "chậm nhất ngày 15/12/2024."
)


@pytest.mark.parametrize(
    ("kind", "spans"),
    [
        ("count", ["02 thành viên"]),
        ("percentage", ["không quá 25%"]),
        ("money", ["tối thiểu 5 triệu đồng"]),
        ("duration", ["05 ngày làm việc", "định kỳ 6 tháng một lần"]),
        ("date", ["chậm nhất ngày 15/12/2024"]),
        ("agency", ["Ủy ban nhân dân cấp xã"]),
        ("list", []),
    ],
)
def test_find_spans(kind: str, spans: list[str]) -> None:
    found = [s.text for s in find_spans(CLAUSE, kind)]
    for span in spans:
        assert any(span in f for f in found), (span, found)
    if not spans:
        assert found == []


def test_spans_are_exact_substrings() -> None:
    for kind in ("count", "percentage", "money", "duration", "date", "agency"):
        for span in find_spans(CLAUSE, kind):
            assert span.text == CLAUSE[span.start:span.end].strip()


def test_a_number_of_another_kind_is_not_a_span() -> None:
    text = "Hội đồng quản trị có tối thiểu là 03 người, nhiệm kỳ 05 năm."
    assert find_spans(text, "percentage") == []
    assert find_spans(text, "money") == []
    assert [s.text for s in find_spans(text, "duration")] == ["05 năm"]


def test_a_count_of_the_asked_unit_only() -> None:
    text = "Họp lại sau 02 lần triệu tập; khi có một phần ba tổng số thành viên đề nghị thì phải triệu tập."
    assert [s.text for s in find_spans(text, "count", "thanh vien")] == ["một phần ba"]
    assert "02 lần" in [s.text for s in find_spans(text, "count")]


def test_any_figure_answers_a_quantity() -> None:
    text = "Dư nợ không vượt quá 25% vốn điều lệ và không quá 2 tỷ đồng trong thời hạn 05 năm."
    assert {s.kind for s in find_spans(text, "quantity")} == {"percentage", "money", "duration"}


def test_sentence_with_the_span() -> None:
    offset = CLAUSE.index("05 ngày")
    assert sentence_with(CLAUSE, offset).startswith("Trong thời hạn 05 ngày làm việc")


def test_a_share_of_an_amount_answers_a_money_question() -> None:
    text = "Mức vay không quá 20% tổng mức đầu tư của dự án; tối thiểu 30% số thành viên đồng ý."
    assert [s.text for s in find_spans(text, "money")] == ["không quá 20%"]


def test_a_spelled_out_share_keeps_its_bound() -> None:
    # Laws spell a share out and repeat it in digits; the bound word before the words bounds the digits too.
    text = "Phiên họp chỉ hợp lệ khi có hơn sáu mươi lăm phần trăm (65%) tổng số thành viên có mặt."
    assert [s.text for s in find_spans(text, "percentage")] == ["hơn sáu mươi lăm phần trăm (65%)"]
    assert find_spans(text, "count", "thanh vien", "max") == []
    assert len(find_spans(text, "count", "thanh vien", "min")) == 1


def test_a_share_of_a_quantity_is_not_money() -> None:
    # Folded, "số lượng" (a quantity) reads as "lương" (a salary): the base is matched with its diacritics.
    text = "Số thành viên là pháp nhân chiếm dưới 40% tổng số lượng thành viên của ban kiểm soát."
    assert find_spans(text, "money") == []
    unaccented = "von gop cua mot thanh vien khong qua 20% von dieu le"
    assert [s.text.split()[-1] for s in find_spans(unaccented, "money")] == ["20%"]


@pytest.mark.parametrize(
    ("question", "bound"),
    [
        ("Mỗi người phải góp ít nhất bao nhiêu?", "min"),
        ("Quỹ được cho vay nhiều nhất bao nhiêu phần trăm?", "max"),
        ("Mức phí là bao nhiêu?", None),
    ],
)
def test_asked_bound(question: str, bound: str | None) -> None:
    assert asked_bound(question) == bound


def test_a_span_stating_the_opposite_bound_does_not_answer() -> None:
    text = "Mỗi thành viên góp không quá 40% vốn và tối thiểu 2% vốn điều lệ."
    assert [s.text for s in find_spans(text, "percentage", bound="min")] == ["tối thiểu 2%"]
    assert [s.text for s in find_spans(text, "percentage", bound="max")] == ["không quá 40%"]
    assert len(find_spans(text, "percentage")) == 2


def test_a_count_unit_named_before_its_bound_and_in_other_words() -> None:
    from assistant.answering.spans import asked_unit

    assert asked_unit("Pháp luật quy định số thành viên tối thiểu của ban kiểm soát thế nào?") == "thanh vien"
    # The members of a group may be counted as persons: "03 cá nhân" answers "bao nhiêu thành viên".
    spans = find_spans("Nhóm được lập từ 03 cá nhân trở lên; có 12 cuộc họp.", "count", "thanh vien")
    assert [s.text for s in spans] == ["từ 03 cá nhân"]


def test_every_count_unit_a_question_names() -> None:
    assert units_named("Cuối kỳ có thêm mấy tổ hợp tác, mấy HTX được thành lập?") == ["to hop tac", "htx"]
    assert units_named("Liên hiệp hợp tác xã gồm ít nhất mấy hợp tác xã?") == ["lien hiep hop tac xa", "hop tac xa"]


def test_a_folded_number_word_is_not_a_figure_in_accented_text() -> None:
    # Folded, "tự quy(định)" reads as "tư quý" (four quarters); with its diacritics it is no duration.
    assert find_spans("Số lượng thành viên ban điều hành do tổ tự quy định.", "duration") == []
    assert [s.text for s in find_spans("Nộp trong thời hạn mười lăm ngày.", "duration")] == ["mười lăm ngày"]
    assert [s.text for s in find_spans("nop trong thoi han 15 ngay", "duration")] == ["15 ngay"]


def test_further_parts_of_a_question() -> None:
    parts = asked_parts("Đại hội cần bao nhiêu phần trăm đại biểu có mặt, rồi biên bản gửi cơ quan đăng ký trong bao lâu?")
    assert [kind for _, kind, _, _ in parts] == ["duration"]
    assert parts[0][0].endswith("biên bản gửi cơ quan đăng ký trong bao lâu")
    assert asked_parts("Vốn góp tối đa của một thành viên là bao nhiêu phần trăm vốn điều lệ?") == []


def test_a_time_unit_asked_must_be_the_spans() -> None:
    from assistant.answering.spans import asked_unit

    text = "Trong thời hạn 06 tháng kể từ ngày nhận hồ sơ; trong thời hạn 10 ngày làm việc phải gửi thông báo."
    assert asked_unit("Phải gửi thông báo trong vòng mấy ngày?") == "ngay"
    assert [s.text for s in find_spans(text, "duration", "ngay")] == ["10 ngày làm việc"]
    assert [s.text for s in find_spans(text, "duration", "thang")] == ["06 tháng"]
    assert len(find_spans(text, "duration")) == 2


def test_a_number_of_things_is_not_answered_by_a_duration() -> None:
    text = "Nhiệm kỳ của Trưởng ban tối đa là 05 năm; số người giúp việc không quá 03 người."
    assert [s.text for s in find_spans(text, "number")] == ["không quá 03 người"]
    assert len(find_spans(text, "quantity")) == 2


def test_a_bound_is_read_past_bang_and_la() -> None:
    from assistant.answering.spans import span_bound

    text = "Được xếp loại khá khi đạt cao hơn chỉ tiêu nhưng tối đa bằng 120% chỉ tiêu."
    [span] = find_spans(text, "percentage")
    assert span.text == "tối đa bằng 120%" and span_bound(span) == "max"
    assert find_spans(text, "percentage", bound="min") == []


def test_a_number_word_inside_another_word_is_not_a_figure() -> None:
    # "khai", "thai" and "kéo" end or start like number words; only whole words are figures.
    text = "Sở triển khai đồng thời hai việc; tiến độ khai năm học mới và kéo dài ba năm."
    assert [s.text for s in find_spans(text, "money")] == []
    assert [s.text for s in find_spans(text, "duration")] == ["ba năm"]


def test_a_figure_the_question_states_is_not_its_answer() -> None:
    from assistant.answering.spans import given_figures, is_given

    given = given_figures("Đã chậm 45 ngày so với lịch thì phải đóng thêm mấy ngày lãi nữa?")
    text = "Báo cáo phải nộp trong thời hạn 45 ngày; sau 10 ngày nữa thì bị nhắc nhở."
    spans = [s for s in find_spans(text, "duration") if not is_given(s, given)]
    assert [s.text for s in spans] == ["10 ngày"]
    # The same number of another kind, or written with a leading zero, is told apart by kind and value.
    assert is_given(find_spans("trong 045 ngày", "duration")[0], given)
    assert not is_given(find_spans("tối đa 45%", "percentage")[0], given)


def test_a_figure_spelled_in_words_is_given_too() -> None:
    from assistant.answering.spans import given_figures, is_given

    given = given_figures("Tổ chỉ còn một thành viên thì có phải giải thể không, trong bao lâu?")
    assert is_given(find_spans("có 01 thành viên", "count")[0], given)
    assert not is_given(find_spans("có hai thành viên", "count")[0], given)
    assert ("duration", ("25",)) in given_figures("Nếu đã trễ hai mươi lăm ngày thì xử lý thế nào?")


def test_a_figure_in_a_name_is_not_a_figure() -> None:
    text = ("Đơn vị là công ty trách nhiệm hữu hạn một thành viên mà Nhà nước nắm giữ 100% vốn điều lệ, "
            "có 02 thành viên Hội đồng; hằng năm trích 15% vào quỹ khen thưởng.")
    assert [s.text for s in find_spans(text, "percentage")] == ["15%"]
    assert [s.text for s in find_spans(text, "count", "thanh vien")] == ["02 thành viên Hội đồng"]


def test_a_unit_folded_with_another_word_is_read_as_written() -> None:
    # "quỹ" (fund) and "quý" (quarter) fold alike.
    assert find_spans("thành lập thêm 3 quỹ tín dụng", "duration") == []
    assert [s.text for s in find_spans("báo cáo 2 quý một lần", "duration")] == ["2 quý"]
    assert [s.text for s in find_spans("bao cao 2 quy mot lan", "duration")] == ["2 quy"]
    assert [s.text for s in find_spans("thành lập thêm 3 quỹ ở tỉnh", "count")] == ["3 quỹ"]
    assert [s.text for s in find_spans("báo cáo 2 quý một lần", "count")] == ["một lần"]


def test_a_body_the_question_names_is_not_its_answer() -> None:
    from assistant.answering.spans import given_figures, is_given

    text = "Liên minh Hợp tác xã tỉnh trình Ủy ban nhân dân cấp tỉnh phê duyệt."
    bodies = find_spans(text, "agency")
    for question in ("Liên minh HTX tỉnh phải trình ai duyệt?", "lien minh htx tinh trinh ai duyet"):
        given = given_figures(question)
        assert [s.text for s in bodies if not is_given(s, given)] == ["Ủy ban nhân dân cấp tỉnh"], question


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        # A cue followed by the figure the asker already has is not what is asked.
        ("Nộp báo cáo trễ quá thời hạn 30 ngày thì mức xử phạt là bao nhiêu?", "money"),
        ("Chậm nộp thuế thời hạn 2 tháng thì tiền phạt tính ra sao, bao nhiêu?", "money"),
        ("Thời hạn để cơ quan trả lời là bao nhiêu?", "duration"),
    ],
)
def test_a_cue_with_its_figure_is_given(question: str, expected: str) -> None:
    assert expected_answer_type(question) == expected


def test_a_count_names_its_unit_or_an_equivalent() -> None:
    from assistant.answering.spans import names_unit

    assert names_unit("ít nhất 07 thành viên chính thức", "thanh vien")
    assert names_unit("12 HTX", "hop tac xa")
    assert not names_unit("tối thiểu 04 người", "thanh vien")


def test_the_speakers_pronoun_is_not_a_content_word() -> None:
    from assistant.answering.features import question_words
    from assistant.query import Catalog, analyze

    words = question_words(analyze("Tôi với mình đều muốn biết em cần giấy tờ gì để vay vốn quỹ?", Catalog()))
    assert not {"toi", "minh", "em"} & set(words)
    assert "vay" in " ".join(words)


def test_a_time_limit_counted_from_an_event_answers_when() -> None:
    text = "Thành viên phải nộp đủ phần còn thiếu trong vòng 45 ngày kể từ ngày có quyết định; báo cáo năm 3 lần."
    assert [s.text for s in find_spans(text, "date")] == ["45 ngày"]
    assert [s.text for s in find_spans("Kéo dài 45 ngày mỗi đợt.", "date")] == []


def test_an_amount_without_its_currency_is_money() -> None:
    text = "Nâng doanh thu bình quân từ 3 tỷ năm 2015 lên 4,5 tỷ vào năm 2020, thu hút 2 triệu người, chi 12 triệu đồng."
    assert [s.text for s in find_spans(text, "money")] == ["từ 3 tỷ", "4,5 tỷ", "12 triệu đồng"]


def test_a_count_of_terms_is_answered_by_terms_and_groups_by_their_abbreviation() -> None:
    text = "Trưởng ban có nhiệm kỳ không quá 04 năm, được bầu lại nhưng không quá 03 nhiệm kỳ liên tiếp."
    assert [s.text for s in find_spans(text, "count", "nhiem ky", "max")] == ["không quá 03 nhiệm kỳ"]
    plan = "Mỗi năm vận động thành lập 12 HTX và 40 THT mới."
    assert [s.text for s in find_spans(plan, "count", "to hop tac")] == ["40 THT"]


def test_a_day_and_month_of_a_date_are_not_a_length_of_time() -> None:
    text = "Quyết định có hiệu lực từ ngày 12 tháng 3 năm 2021; hồ sơ được bổ sung trong 45 ngày."
    assert [s.text for s in find_spans(text, "duration")] == ["45 ngày"]
    assert [s.text for s in find_spans(text, "date")] == ["từ ngày 12 tháng 3 năm 2021"]


def test_a_document_s_date_of_issue_is_no_deadline_or_date_of_effect() -> None:
    # Invented clause: the date after a document's number names that document; the date the clause sets is the
    # answer to a date question.
    text = ("Kinh phí thực hiện theo Nghị định số 38/2019/NĐ-CP ngày 05 tháng 3 năm 2019 của Chính phủ; "
            "báo cáo quyết toán gửi trước ngày 20 tháng 9 hằng năm.")
    assert [s.text for s in find_spans(text, "date")] == ["trước ngày 20 tháng 9"]
    assert [s.text for s in find_spans("Quyết định này áp dụng từ ngày 01/7/2025.", "date")] == ["từ ngày 01/7/2025"]


@pytest.mark.parametrize(
    ("question", "receives"),
    [
        ("Biên bản họp xong phải gửi cho những ai?", True),
        ("Quyết định cho vay gửi đến cơ quan nào để theo dõi?", True),
        # where papers are filed is asked of the body that receives them
        ("Đơn xin tạm dừng hoạt động thì nộp ở đâu vậy?", True),
        ("Ai phải gửi biên bản họp?", False),
        ("Cơ quan nào cấp giấy chứng nhận?", False),
    ],
)
def test_a_question_asking_who_receives_is_told_from_one_asking_who_acts(question: str, receives: bool) -> None:
    assert asks_recipient(question) is receives


def test_a_receiver_is_a_body_after_a_receiver_word_not_the_one_sending() -> None:
    from assistant.answering.spans import _received

    text = ("Chủ nhiệm hợp tác xã gửi biên bản đến Ủy ban nhân dân cấp xã và cơ quan thuế, kèm theo danh sách do "
            "Ban kiểm soát lập.")
    bodies = {text[s.start:s.end]: _received(text, s) for s in find_spans(text, "agency")}
    assert bodies.get("Ủy ban nhân dân cấp xã") is True
    assert not any(received for body, received in bodies.items() if body.lower().startswith("ban kiểm soát"))


def test_of_two_figures_in_one_sentence_the_one_stated_for_the_organisation_asked_about_answers() -> None:
    from assistant.answering.candidate import Candidate
    from assistant.answering.spans import SpanQuestion, best_span
    from assistant.models import Hit
    from ingest.models import Clause, Document

    text = "Phần vốn mỗi bên được giữ không quá 15% vốn điều lệ đối với hợp tác xã và không quá 35% đối với liên hiệp."
    clause = Clause(id="d:1", document_id="d", path="D1.1", text=text, line_start=1, line_end=1, kind="paragraph")
    candidate = Candidate(clause=clause, document=Document(id="d", title="t", source_file="d", sha256="0"),
                          hit=Hit(clause_id="d:1", score=0.0), position=0, context=text)
    for question, figure in (("Liên hiệp hợp tác xã cho mỗi bên nắm mấy phần trăm?", "35%"),
                             ("Với hợp tác xã thì mỗi bên nắm được mấy phần trăm?", "15%")):
        found = best_span(candidate, "percentage", ["giu"], asked=SpanQuestion.of(question))
        assert found is not None and figure in found[0].text, (question, found)


@pytest.mark.parametrize(
    ("question", "answers"),
    [
        # asks the value of the interest rate itself: a share of that rate is not its value
        ("Lãi vay đúng hạn quỹ thu mấy phần trăm?", False),
        # the same base named in another order
        ("Quỹ thu lãi đúng hạn của khoản vay là mấy phần trăm?", False),
        # asks the share of the rate: the figure is it
        ("Lãi phạt được cao gấp mấy phần trăm lãi vay đúng hạn?", True),
        ("Lãi phạt tối đa là bao nhiêu phần trăm?", True),
    ],
)
def test_a_share_of_the_thing_asked_is_not_its_value(question: str, answers: bool) -> None:
    from assistant.answering.spans import SpanQuestion

    text = "Lãi phạt do quỹ định, không vượt 120% lãi vay đúng hạn."
    span = next(s for s in find_spans(text, "percentage"))
    assert SpanQuestion.of(question).excludes(text, span) is not answers


@pytest.mark.parametrize(
    ("question", "recurrence_answers"),
    [
        ("Sổ sách phải nộp lên trong thời hạn bao lâu?", False),  # a period: "hằng năm" does not state one
        ("Bao lâu thì phải nộp sổ sách một lần?", True),  # how often: the recurrence answers it
        ("Sổ sách nộp định kỳ thế nào, mấy lần?", True),
    ],
)
def test_a_recurrence_answers_only_a_question_asking_how_often(question: str, recurrence_answers: bool) -> None:
    from assistant.answering.spans import SpanQuestion

    text = "Tổ phải nộp sổ sách hằng năm cho xã."
    span = next(s for s in find_spans(text, "duration"))
    assert span.text == "hằng năm"
    assert SpanQuestion.of(question).excludes(text, span) is not recurrence_answers


def test_a_body_filed_at_receives_and_a_finance_office_before_it_does_not_mark_one() -> None:
    from assistant.answering.spans import _received

    filed = "Đơn được giao tại Ủy ban nhân dân cấp xã."
    assert [_received(filed, s) for s in find_spans(filed, "agency")] == [True]
    # folded, "Tài" of "Tài chính" reads as "tại": the marker is matched as written
    acting = "Phòng Tài chính - Kế hoạch thẩm định, Ủy ban nhân dân cấp huyện quyết định."
    received = {filed_text: _received(acting, s) for s in find_spans(acting, "agency")
                for filed_text in [acting[s.start:s.end]]}
    assert not any(v for k, v in received.items() if "Ủy ban" in k)


@pytest.mark.parametrize(
    ("question", "answer_type", "unit"),
    [
        # the story's figures ("mấy vụ nay", "số thành viên tối thiểu") are not what is asked
        ("Xưởng chè của chúng tôi mấy vụ nay không chia lãi. Hợp tác xã phải họp đại hội bao lâu một lần?",
         "duration", None),
        ("Nếu xã viên rút bớt làm hợp tác xã dưới số thành viên tối thiểu, hạn khắc phục là bao lâu?", "duration",
         None),
        ("Chúng tôi định đóng cửa mấy tuần thì phải báo chính quyền trước bao nhiêu ngày?", "duration", "ngay"),
        ("Đợt trước đã nghỉ mấy tháng. Lần này nghỉ thì báo trước ít nhất bao lâu?", "duration", None),
        # a count asked after a story that names a length of time keeps its unit
        ("Tổ đã làm chung được 8 tháng. Muốn nâng lên hợp tác xã, số người góp vốn tối thiểu là mấy thành viên?",
         "count", "thanh vien"),
    ],
)
def test_the_kind_and_unit_of_the_answer_are_read_where_the_question_asks(
        question: str, answer_type: str, unit: str | None) -> None:
    from assistant.query import Catalog, analyze

    analysis = analyze(question, Catalog())
    assert (analysis.answer_type, analysis.answer_unit) == (answer_type, unit)


def test_a_where_to_file_question_is_held_by_a_clause_naming_a_body_that_receives() -> None:
    from assistant.answering.spans import answer_holder
    from assistant.query import Catalog, analyze

    holds = answer_holder(analyze("Làm xong giấy tờ xin thành lập thì nộp ở đâu?", Catalog()))
    assert holds is not None
    assert holds("Người đi nộp giấy tờ nộp tại Ủy ban nhân dân cấp xã nơi tổ đóng trụ sở.")
    assert not holds("Ủy ban nhân dân cấp xã xem xét giấy tờ và trả lời bằng văn bản.")
    # a question asking who acts is no where-to-file question
    assert answer_holder(analyze("Ai ký giấy xác nhận cho tổ?", Catalog())) is None


def test_a_bare_how_much_after_a_share_asks_a_share() -> None:
    from assistant.answering.spans import kind_continued

    assert asked_parts("Quỹ thưởng trích mấy phần trăm doanh thu, còn quỹ phúc lợi thì bao nhiêu?") == []
    assert kind_continued("quantity", "money") == "money"
    # a count's unit often changes between parts: "bao nhiêu thành viên, còn liên hiệp thì bao nhiêu (HTX)?"
    assert kind_continued("quantity", "count") == "quantity"
    assert kind_continued("duration", "percentage") == "duration"
