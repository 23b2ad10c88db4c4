"""Dialogue state and inheritance rules (fast: real question analysis and lexicon, no index).

Conversations are written for these tests; each row is one follow-up after its history of standalone turns.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from assistant.dialogue.multidoc import scope_of
from assistant.dialogue.reading import cut, read
from assistant.dialogue.resolve import Resolution, resolve
from assistant.dialogue.state import DialogueState, render, state_of
from assistant.models import QueryAnalysis
from assistant.query import Catalog, analyze
from ingest.lexicon import LEXICON_DIR, LexiconError, fold_words, lexicon, load_lexicon
from ingest.models import Document

PROVINCES = ("Hòa Bình", "Lâm Đồng", "Quảng Ninh")
CATALOG = Catalog(documents=[
    *(Document(id=p, type="Kế hoạch", province=p, source_file=f"{p}.txt", sha256="0") for p in PROVINCES),
    Document(id="luat", type="Luật", number="17/2023/QH15", source_file="luat.txt", sha256="0"),
    Document(id="nd", type="Nghị định", number="45/2021/NĐ-CP", source_file="nd.txt", sha256="0"),
])

FAIR = "Ai chịu trách nhiệm đưa hợp tác xã đi hội chợ ở Lâm Đồng?"
COUNT_QN = "Quảng Ninh muốn có bao nhiêu hợp tác xã vào năm 2020?"
FINANCE = "Sở Tài chính phải làm gì?"


def converse(history: list[str], message: str, thread_words: frozenset[str] = frozenset()
             ) -> tuple[Resolution, QueryAnalysis]:
    """Resolve `message` after `history` (each turn resolved in turn); returns its resolution and the analysis
    of the standalone question it became."""
    state: DialogueState | None = None
    for turn in [*history, message]:
        words = thread_words if turn is message else frozenset()
        resolution = resolve(analyze(turn, CATALOG), state, words)
        asked = analyze(resolution.question, CATALOG)
        state = state_of(read(asked), resolution.slots)
    return resolution, asked


def assert_clean(question: str) -> None:
    """What the user reads after "Đã hiểu là:" is one clean Vietnamese question."""
    assert question.endswith("?") and question.count("?") == 1, question
    assert question[0].isupper(), question
    assert "  " not in question and " ," not in question and " ?" not in question, question
    assert not re.search(r"\b(\w+) \1\b", question, re.IGNORECASE), question  # no "ở ở", "năm năm"
    assert "{" not in question and "}" not in question, question


@pytest.mark.parametrize(
    ("history", "message", "rule", "provinces", "years", "kept", "gone"),
    [
        # a new place replaces the old one; the question is re-asked with it in place
        ([FAIR], "Thế còn Quảng Ninh?", "swap", ["Quảng Ninh"], [], ["hội chợ", "Ai chịu trách nhiệm"], ["Lâm Đồng"]),
        ([FAIR], "con quang ninh thi sao", "swap", ["Quảng Ninh"], [], ["hội chợ"], ["Lâm Đồng"]),
        # a new place and a new year both replace: the old year is not kept beside the new one
        ([COUNT_QN], "Vậy còn Hòa Bình năm 2017?", "swap", ["Hòa Bình"], [2017], ["Hòa Bình", "2017", "bao nhiêu"],
         ["Quảng Ninh", "2020"]),
        ([COUNT_QN], "Hòa Bình năm 2017 thì thế nào?", "swap", ["Hòa Bình"], [2017], ["hợp tác xã"], ["2020"]),
        ([COUNT_QN], "Năm 2018 thì sao?", "swap", ["Quảng Ninh"], [2018], ["Quảng Ninh"], ["2020"]),
        # a question form alone keeps the topic and the place and changes what is asked
        ([FAIR], "Hạn hoàn thành là bao giờ?", "ask", ["Lâm Đồng"], [], ["hội chợ", "bao giờ"], ["chịu trách nhiệm"]),
        ([FAIR], "Đơn vị nào phối hợp?", "ask", ["Lâm Đồng"], [], ["hội chợ", "phối hợp"], ["chịu trách nhiệm"]),
        (["Ai phải lập quỹ hỗ trợ hợp tác xã ở Lâm Đồng năm 2019?"], "Trong bao lâu?", "ask", ["Lâm Đồng"], [2019],
         ["quỹ hỗ trợ", "trong bao lâu"], ["Ai phải"]),
        # a new agency replaces the old one; a place is added to an agency question
        ([FINANCE], "Thế còn Sở Công Thương thì sao?", "swap", [], [], ["Sở Công Thương", "làm gì"], ["Tài chính"]),
        ([FINANCE], "Ở Lâm Đồng thì sao?", "swap", ["Lâm Đồng"], [], ["Sở Tài chính", "Lâm Đồng"], []),
        # a topic swapped into the part of the previous question it overlaps
        (["Thành viên hợp tác xã có những quyền gì?"], "Còn thành viên tổ hợp tác thì sao?", "swap", [], [],
         ["Thành viên tổ hợp tác có những quyền gì"], []),
        (["Hợp tác xã nông nghiệp được hỗ trợ những gì?"], "Còn hợp tác xã vận tải thì sao?", "swap", [], [],
         ["Hợp tác xã vận tải được hỗ trợ những gì"], ["nông nghiệp"]),
        (["Thành lập HTX cần mấy thành viên?"], "Còn tổ hợp tác thì sao?", "swap", [], [],
         ["Thành lập tổ hợp tác cần mấy thành viên"], ["HTX"]),
        (["Quyền của hợp tác xã là gì?"], "Thế còn tổ hợp tác?", "swap", [], [], ["Quyền của tổ hợp tác là gì"], []),
        (["Theo Luật HTX, một hợp tác xã cần mấy thành viên?"], "Còn tổ hợp tác thì sao?", "swap", [], [],
         ["Theo Luật HTX, một tổ hợp tác cần mấy thành viên"], []),
        (["Liên hiệp hợp tác xã được vay vốn ở đâu?"], "Còn quỹ tín dụng nhân dân thì sao?", "swap", [], [],
         ["Quỹ tín dụng nhân dân được vay vốn ở đâu"], ["hợp tác xã"]),
        (["Hồ sơ đăng ký hợp tác xã gồm những gì?"], "Còn hồ sơ đăng ký lại hợp tác xã thì sao?", "swap", [], [],
         ["Hồ sơ đăng ký lại hợp tác xã gồm những gì"], []),
        # nothing of the previous question to put the named thing in place of: that question, asked of it
        (["Mỗi hộ nắm được nhiều nhất mấy phần trăm vốn góp?"], "Thế còn quỹ tín dụng nhân dân?",
         "swap", [], [], ["nắm được nhiều nhất mấy phần trăm vốn góp", "quỹ tín dụng nhân dân"], []),
        # narrowing and references continue the thread with the thread's place and year
        (["Năm 2016 Hòa Bình có tất cả bao nhiêu hợp tác xã?"], "Trong số đó bao nhiêu hợp tác xã ngừng hoạt động?",
         "narrow", ["Hòa Bình"], [2016], ["ngừng hoạt động"], []),
        ([COUNT_QN], "Doanh thu bình quân ở đó tăng thế nào?", "reference", ["Quảng Ninh"], [2020],
         ["Quảng Ninh", "Doanh thu"], ["ở đó"]),
        (["Quỹ bảo lãnh của Quảng Ninh đặt vốn tối thiểu bao nhiêu đến năm 2020?"], "Mức đó có cao hơn năm trước không?",
         "reference", ["Quảng Ninh"], [2020], ["Quỹ bảo lãnh"], ["Mức đó"]),
        (["Việc đưa hợp tác xã đi hội chợ ở Lâm Đồng do ai lo?"], "Việc đó hạn chót khi nào?", "reference",
         ["Lâm Đồng"], [], ["hội chợ"], ["Việc đó"]),
        (["Thành lập hợp tác xã thì hồ sơ đăng ký cần những giấy tờ nào?"], "Gửi hồ sơ đó ở đâu?", "reference", [], [],
         ["Gửi hồ sơ đăng ký ở đâu"], ["hồ sơ đó"]),
        (["Muốn chuyển tổ hợp tác thành hợp tác xã thì cần gì?"], "Sau đó phải đăng ký ở đâu?", "sequel", [], [],
         ["đăng ký", "ở đâu"], []),
        # a period asked in days is a question form like "bao lâu"
        (["HTX bị thất lạc giấy chứng nhận, xin cấp lại thì làm thế nào?"], "Mất mấy ngày?", "ask", [], [],
         ["cấp lại", "mấy ngày"], []),
        # "to whom" after a verb of filing keeps the thread's topic, written between the verb and its question form
        (["Xin giấy phép mở chi nhánh hợp tác xã cần giấy tờ gì?"], "Nộp cho ai?", "ask", [], [],
         ["Nộp", "chi nhánh", "cho ai"], []),
        # a follow-up of a follow-up keeps what the second turn established
        ([FAIR, "Còn Quảng Ninh thì sao?"], "Hạn chót là khi nào?", "ask", ["Quảng Ninh"], [], ["hội chợ"],
         ["Lâm Đồng"]),
    ],
)
def test_follow_up_inherits_what_it_does_not_name(
    history: list[str], message: str, rule: str, provinces: list[str], years: list[int], kept: list[str],
    gone: list[str],
) -> None:
    resolution, asked = converse(history, message)
    question = resolution.question
    assert resolution.rule == rule and resolution.follow_up, (rule, resolution)
    assert asked.provinces == provinces, question
    assert resolution.slots.years == years, question
    for phrase in kept:
        assert fold_words(phrase) in fold_words(question), (phrase, question)
    for phrase in gone:
        assert fold_words(phrase) not in fold_words(question), (phrase, question)
    assert_clean(question)


def test_a_question_form_changes_the_intent() -> None:
    resolution, asked = converse([FAIR], "Hạn hoàn thành là bao giờ?")
    assert asked.intent == "deadline" and analyze(FAIR, CATALOG).intent == "responsible"


@pytest.mark.parametrize(
    "message",
    [
        "Quỹ hỗ trợ phát triển hợp tác xã cho vay những đối tượng nào?",  # a topic of its own
        "Sở Tài chính phải làm gì?",  # a whole question about another agency
        "Điều kiện để tổ hợp tác được đăng ký là gì?",
    ],
)
def test_a_new_topic_starts_a_new_thread_and_inherits_nothing(message: str) -> None:
    resolution, asked = converse([FAIR], message)
    assert resolution.rule == "new" and not resolution.follow_up
    assert resolution.question == message and asked.provinces == []


def test_a_question_form_with_words_of_the_thread_continues_it() -> None:
    history = ["Hồ sơ xin đăng ký hợp tác xã gồm những gì?"]
    message = "Bao lâu thì có giấy chứng nhận?"
    alone, _ = converse(history, message)
    assert alone.rule == "new"  # nothing in the thread mentions a certificate
    thread = frozenset(fold_words("cấp giấy chứng nhận đăng ký trong thời hạn 03 ngày").split())
    continued, _ = converse(history, message, thread)
    assert continued.rule == "refine" and continued.follow_up
    assert "giấy chứng nhận" in continued.question and "hồ sơ" in continued.question.lower()
    assert_clean(continued.question)


def test_a_place_outside_the_corpus_is_carried_as_such() -> None:
    resolution, asked = converse([FAIR], "Còn Hà Nội thì sao?")
    assert asked.unknown_places == ["Hà Nội"] and asked.provinces == []
    assert "hội chợ" in resolution.question


def test_the_first_turn_is_asked_as_written() -> None:
    resolution = resolve(analyze("Còn ở Quảng Ninh thì sao?", CATALOG), None)
    assert resolution.rule == "first" and resolution.question == "Còn ở Quảng Ninh thì sao?"


# ---- reading and state ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("question", "roles"),
    [
        ("Thế còn tỉnh Quảng Ninh năm 2019 thì sao?",
         {"Thế": "opener", "tỉnh": "place_prep", "Quảng": "place", "năm": "year_prefix", "2019": "year",
          "sao": "closer"}),
        ("Nộp giấy tờ ở đâu?", {"Nộp": "ask", "giấy": "topic", "đâu": "ask"}),
        # an opening verb followed only by question words asks to whom or where, as before a closing "cho ai"
        ("Gửi cho đơn vị nào?", {"Gửi": "ask", "đơn": "ask"}),
        ("Nộp đơn xin vay cho ai?", {"Nộp": "ask", "đơn": "topic", "ai": "ask"}),
        ("Nộp thuế theo mức nào?", {"Nộp": "topic", "thuế": "topic"}),
        ("Việc đó do ai chủ trì?", {"Việc": "reference", "ai": "ask", "chủ": "ask"}),
        ("Báo cáo định kỳ gửi khi nào?", {"Báo": "topic", "cáo": "topic", "gửi": "topic", "khi": "ask"}),
        ("Sở Tài chính ở Lâm Đồng làm gì?", {"Sở": "agency", "ở": "place_prep", "Lâm": "place", "gì": "ask"}),
        ("Riêng huyện Kỳ Sơn được mấy?", {"Riêng": "narrow", "Kỳ": "topic", "mấy": "ask"}),
        ("Sở Công Thương ở các tỉnh hỗ trợ gì?", {"ở": "collect", "các": "collect", "tỉnh": "collect", "trợ": "topic"}),
    ],
)
def test_every_word_gets_its_role(question: str, roles: dict[str, str]) -> None:
    reading = read(analyze(question, CATALOG))
    found = {s.text: s.role for s in reading.syllables}
    for word, role in roles.items():
        assert found.get(word) == role, (word, found)
    # Syllables are cut from the question itself, in order, without overlap.
    ends = 0
    for s in reading.syllables:
        assert question[s.start:s.end] == s.text and s.start >= ends
        ends = s.end


@pytest.mark.parametrize(
    "question",
    [
        FAIR, COUNT_QN, FINANCE,
        "Sở Tài chính được giao những việc gì ở Hòa Bình, Lâm Đồng và Quảng Ninh?",
        "Năm 2017 toàn tỉnh Hòa Bình phải thành lập mới bao nhiêu hợp tác xã?",
        "Hạn nộp báo cáo năm 2018 về Liên minh Hợp tác xã tỉnh là ngày nào?",
        "hop tac xa can toi thieu bao nhieu thanh vien",
    ],
)
def test_a_frame_written_back_with_its_own_slots_is_the_question(question: str) -> None:
    state = state_of(read(analyze(question, CATALOG)))
    expected = question.rstrip("?")
    assert render(state.frame, state.slots).rstrip("?") == expected[0].upper() + expected[1:]


def test_state_holds_slots_topic_and_evidence() -> None:
    from assistant.models import Answer, Citation

    state = state_of(read(analyze("Năm 2017 Sở Tài chính ở Hòa Bình phải hỗ trợ sáng lập viên thế nào?", CATALOG)))
    assert state.slots.places == ["Hòa Bình"] and state.slots.years == [2017]
    assert state.slots.agencies == ["Sở Tài chính"] and "sáng lập viên" in state.topic
    citation = Citation(n=1, clause_id="hb:II.2.-3", document_id="hb", document_title=None, document_number=None,
                        path="II.2.-3", headings=[], text="...", line_start=1, line_end=1, score=1.0)
    answered = state.with_evidence(Answer(question="q", answer="a", found=True, intent="support",
                                          citations=[citation]))
    assert answered.clause_ids == ["hb:II.2.-3"] and answered.document_ids == ["hb"] and answered.found
    refused = state.with_evidence(Answer(question="q", answer="a", found=False, intent="support",
                                         related=[citation]))
    assert refused.clause_ids == [] and not refused.found  # a refusal's nearest clauses are no evidence
    assert DialogueState.model_validate_json(answered.model_dump_json()) == answered  # storable as JSON


# ---- grouped questions ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("question", "rows", "compare"),
    [
        ("Chỉ tiêu hợp tác xã của Quảng Ninh, Hòa Bình và Lâm Đồng là bao nhiêu?",
         [("province", "Quảng Ninh"), ("province", "Hòa Bình"), ("province", "Lâm Đồng")], False),
        ("Sở Tài chính ở các tỉnh được giao việc gì?", [("province", p) for p in sorted(PROVINCES)], False),
        ("So sánh mục tiêu của Lâm Đồng và Hòa Bình", [("province", "Lâm Đồng"), ("province", "Hòa Bình")], True),
        ("Luật cũ và luật mới khác gì về số thành viên tối thiểu?", [("document", "luat")], True),
        ("Các nghị định quy định gì về quỹ hỗ trợ?", [("document", "nd")], False),
    ],
)
def test_questions_across_provinces_or_documents_have_a_row_each(
    question: str, rows: list[tuple[str, str]], compare: bool
) -> None:
    scope = scope_of(analyze(question, CATALOG), CATALOG)
    assert scope is not None
    assert [(r.kind, r.value) for r in scope.rows] == rows and scope.compare == compare


@pytest.mark.parametrize("question", [FINANCE, COUNT_QN, "Luật quy định hợp tác xã cần mấy thành viên?",
                                      "Theo nghị định, mỗi tỉnh được có mấy quỹ hỗ trợ hợp tác xã?"])
def test_single_scope_questions_are_not_grouped(question: str) -> None:
    assert scope_of(analyze(question, CATALOG), CATALOG) is None


# ---- vocabulary is data ------------------------------------------------------------------------------------------


def test_follow_up_question_forms_are_question_forms() -> None:
    words = lexicon().dialogue
    for cue in words.follow_asks:
        assert cue in words.asks, cue  # a follow-up made only of it has no topic of its own
    for cue in (*words.asks, *words.swap_openers, *words.swap_closers, *words.narrowers, *words.sequels):
        assert cue == fold_words(cue), cue  # matched on folded text


def test_chat_keeps_no_vocabulary_of_its_own() -> None:
    import assistant.chat as chat

    source = Path(chat.__file__).read_text(encoding="utf-8")
    for leftover in ("_QUESTION_PHRASES", "_FUNCTION_WORDS", "_place_pattern", "def fold"):
        assert leftover not in source


def test_a_dialogue_file_without_a_table_is_named_in_the_error(tmp_path: Path) -> None:
    for path in LEXICON_DIR.glob("*.toml"):
        shutil.copy(path, tmp_path / path.name)
    text = (tmp_path / "dialogue.toml").read_text(encoding="utf-8")
    (tmp_path / "dialogue.toml").write_text(text.replace("[multidoc]", "[multi_doc]"), encoding="utf-8")
    with pytest.raises(LexiconError, match="multidoc"):
        load_lexicon(tmp_path)


def test_a_document_named_in_the_thread_is_kept_and_said_once() -> None:
    catalog = Catalog(documents=[*CATALOG.documents, Document(
        id="qn31", type="Kế hoạch", number="31/KH-UBND", province="Quảng Ninh", source_file="qn.md", sha256="0")])
    names = {"qn31": "Kế hoạch số 31/KH-UBND"}
    analysis = analyze("Kế hoạch 31/KH-UBND giao Liên minh Hợp tác xã tỉnh việc gì?", catalog)
    assert analysis.document_ids == ["qn31"]
    state = state_of(read(analysis))
    asked_again = resolve(analyze("Hạn chót là khi nào?", catalog), state, document_names=names)
    swapped = resolve(analyze("Còn năm 2019 thì sao?", catalog), state, document_names=names)
    own_topic = resolve(analyze("Trong đó việc nào liên quan đến đào tạo?", catalog), state, document_names=names)
    for resolution in (asked_again, swapped, own_topic):
        assert resolution.slots.document_ids == ["qn31"], resolution
        assert resolution.question.count("31/KH-UBND") == 1, resolution.question
        assert resolution.question.count("Liên minh") == 1, resolution.question
        assert_clean(resolution.question)


@pytest.mark.parametrize("message", ["?", "còn", "thì sao", "2017", "ở đó", "Riêng", "trong đó", "việc đó", "Ai?",
                                     "con gi nua", "  Nộp   ở   đâu  ?  ", "x" * 300])
@pytest.mark.parametrize("history", [[FAIR], [COUNT_QN], [FINANCE]])
def test_odd_messages_still_give_one_clean_question(history: list[str], message: str) -> None:
    resolution, _ = converse(history, message)
    if resolution.follow_up:
        assert_clean(resolution.question)
        assert not resolution.question.rstrip("?").endswith((",", "riêng", "trong đó"))
    else:
        assert resolution.question == message


# ---- documents, several places, references (issue 12) ------------------------------------------------------------


def test_documents_named_in_a_question_are_read_as_such_and_can_be_left_out() -> None:
    question = "Theo Luật HTX 2023 và Nghị định 45/2021, quỹ hợp tác xã được vay tối đa bao nhiêu?"
    reading = read(analyze(question, CATALOG))
    flagged = " ".join(s.text for s in reading.syllables if s.document)
    assert flagged == "Luật HTX 2023 Nghị định 45/2021"
    assert cut(question, reading.document_spans()) == "quỹ hợp tác xã được vay tối đa bao nhiêu"
    # The topic words are unchanged: a document named is still what the question is about.
    assert "luat" in reading.topic_words


@pytest.mark.parametrize(("word", "role"), [("vay", "topic"), ("Vậy", "function")])
def test_borrow_is_a_word_of_the_topic_so_is_not_the_grammar_word_it_folds_like(word: str, role: str) -> None:
    reading = read(analyze(f"{word} tối đa được bao nhiêu?", CATALOG))
    assert reading.syllables[0].role == role
    assert {s.text: s.role for s in reading.syllables}["tối"] == "ask"  # the bound is part of the question form


def test_several_provinces_of_the_thread_and_one_named_beside_them() -> None:
    history = ["Quảng Ninh và Lâm Đồng phấn đấu thu nhập của người lao động HTX tăng bao nhiêu?"]
    resolution, asked = converse(history, "Còn số hợp tác xã lập mới mỗi năm ở hai tỉnh đó và ở Hòa Bình?")
    assert resolution.follow_up and "lập mới mỗi năm" in resolution.question  # "năm" of "mỗi năm" is no grammar
    assert resolution.slots.places == ["Quảng Ninh", "Lâm Đồng", "Hòa Bình"]
    assert set(asked.provinces) == {"Quảng Ninh", "Lâm Đồng", "Hòa Bình"}
    assert_clean(resolution.question)


def test_a_new_question_opening_with_con_keeps_the_thread_s_province_only() -> None:
    history = ["Ở Lâm Đồng năm 2018, ai chủ trì việc đưa hợp tác xã đi hội chợ?"]
    resolution, asked = converse(history, "Còn việc tập huấn cán bộ thì kinh phí lấy từ đâu?")
    assert resolution.rule == "shift" and resolution.follow_up
    assert asked.provinces == ["Lâm Đồng"] and resolution.slots.years == [2018]
    assert "hội chợ" not in resolution.question and "chủ trì" not in resolution.question
    assert_clean(resolution.question)
    # a question about an agency of its own is that question, as before
    agency, _ = converse(history, "Còn Sở Tài chính phải làm gì?")
    assert agency.rule != "shift" and "Sở Tài chính" in agency.question


def test_a_whole_question_after_con_is_asked_as_written() -> None:
    history = ["Một nhiệm kỳ của Hội đồng quản trị được kéo dài tới bao lâu?"]
    message = "Còn thời hạn cho vay dài nhất của quỹ theo Nghị định 45 so với kế hoạch cho vay Lâm Đồng đưa ra thì sao?"
    resolution, asked = converse(history, message)
    assert resolution.rule == "new" and not resolution.follow_up
    assert "nhiệm kỳ" not in resolution.question.lower()  # not put into the previous question
    assert asked.document_ids == ["nd"] and asked.provinces == ["Lâm Đồng"]
    # One thing named after "Còn …" still takes the place of the previous topic.
    swapped, _ = converse(history, "Còn Ban kiểm soát thì sao?")
    assert swapped.rule == "swap" and "Ban kiểm soát" in swapped.question and "bao lâu" in swapped.question


def test_a_document_referred_to_is_the_one_that_answered() -> None:
    from assistant.models import Answer, Citation

    catalog = Catalog(documents=[*CATALOG.documents, Document(
        id="qn31", type="Kế hoạch", number="31/KH-UBND", province="Quảng Ninh", source_file="qn.md", sha256="0")])
    names = {"qn31": "Kế hoạch số 31/KH-UBND"}
    state = state_of(read(analyze("Quảng Ninh giao Sở Tài chính những việc gì?", catalog)))
    cited = Citation(n=1, clause_id="qn31:IV.4", document_id="qn31", document_title=None, document_number=None,
                     path="IV.4", headings=[], text="...", line_start=1, line_end=1, score=1.0)
    state = state.with_evidence(Answer(question="q", answer="a", found=True, intent="tasks", citations=[cited]))
    resolution = resolve(analyze("Kế hoạch này được ban hành khi nào?", catalog), state, document_names=names)
    assert resolution.follow_up and resolution.slots.document_ids == ["qn31"]
    assert "Kế hoạch số 31/KH-UBND" in resolution.question and "kế hoạch này" not in resolution.question.lower()
    assert_clean(resolution.question)
    signed = resolve(analyze("Văn bản đó do ai ký?", catalog), state, document_names=names)
    assert signed.question == "Kế hoạch số 31/KH-UBND do ai ký?"
    # Another reference ("việc này") stands for the thread's topic, not its document.
    other = resolve(analyze("Việc này phối hợp với ai?", catalog), state, document_names=names)
    assert other.slots.document_ids == [] and "Sở Tài chính" in other.question


def _plan_thread(cited_text: str = "...") -> tuple[Catalog, dict[str, str], DialogueState]:
    """A thread answered from a plan (Kế hoạch 31) whose answer cites `cited_text`."""
    from assistant.dialogue.mentions import document_mentions
    from assistant.models import Answer, Citation

    catalog = Catalog(documents=[*CATALOG.documents, Document(
        id="qn31", type="Kế hoạch", number="31/KH-UBND", province="Quảng Ninh", source_file="qn.md", sha256="0")])
    names = {"qn31": "Kế hoạch số 31/KH-UBND", "nd": "Nghị định số 45/2021/NĐ-CP"}
    state = state_of(read(analyze("Quảng Ninh mỗi năm bỏ ra bao nhiêu kinh phí bồi dưỡng nhân lực cho HTX?", catalog)))
    cited = Citation(n=1, clause_id="qn31:III.1", document_id="qn31", document_title=None, document_number=None,
                     path="III.1", headings=[], text=cited_text, line_start=1, line_end=1, score=1.0)
    state = state.with_evidence(Answer(question="q", answer="a", found=True, intent="target", citations=[cited]))
    return catalog, names, state.model_copy(update={"mentions": [document_mentions([cited_text])]})


@pytest.mark.parametrize(
    ("cited_text", "message", "meant"),
    [
        # the message names the circular it then points at
        ("...", "Kế hoạch đó dựa trên Thông tư 77/2015 về mức chi. Bây giờ thông tư ấy còn dùng được không?",
         "thông tư số 77/2015"),
        # the thread's answer named one circular, and the message points at it
        ("Mức chi theo Thông tư số 12/2019/TT-BXD và Quyết định 5/2018/QĐ-UBND.", "Thông tư này còn hiệu lực không?",
         "Thông tư số 12/2019/TT-BXD"),
    ],
)
def test_a_document_of_another_kind_is_the_one_named_not_the_thread_s(cited_text: str, message: str,
                                                                       meant: str) -> None:
    catalog, names, state = _plan_thread(cited_text)
    resolution = resolve(analyze(message, catalog), state, document_names=names)
    assert resolution.follow_up and resolution.other_document and not resolution.unknown_document
    assert meant in resolution.question and "31/KH-UBND" not in resolution.question, resolution.question
    # the plan's province and document are not the circular's: nothing of them is inherited
    assert resolution.slots.document_ids == [] and resolution.slots.places == []
    assert_clean(resolution.question)


@pytest.mark.parametrize(
    "cited_text",
    ["...",  # no circular named anywhere
     "Căn cứ Thông tư số 12/2019/TT-BXD và Thông tư số 30/2020/TT-BNV."],  # two: which one is not known
)
def test_a_document_of_another_kind_that_nothing_names_is_not_guessed(cited_text: str) -> None:
    catalog, names, state = _plan_thread(cited_text)
    resolution = resolve(analyze("Thông tư đó hết hiệu lực chưa?", catalog), state, document_names=names)
    assert resolution.unknown_document and "31/KH-UBND" not in resolution.question
    # a reference of the thread's own kind is still the thread's document
    same = resolve(analyze("Kế hoạch đó ai ký?", catalog), state, document_names=names)
    assert not same.other_document and "Kế hoạch số 31/KH-UBND" in same.question


def test_two_references_in_one_message_keep_the_words_between_them() -> None:
    catalog, names, state = _plan_thread()
    message = "Văn bản của tỉnh dẫn Thông tư 77/2015 khi tính mức chi đào tạo; giờ thông tư đó có còn dùng nữa?"
    resolution = resolve(analyze(message, catalog), state, document_names=names)
    assert "mức chi đào tạo" in resolution.question, resolution.question


def test_places_the_message_names_apart_stay_where_it_wrote_them() -> None:
    message = "Tôi ở Lâm Đồng. Tỉnh tôi với Hòa Bình, mỗi nơi hỗ trợ HTX vay vốn ra sao?"
    state = state_of(read(analyze("Muốn được Quỹ hỗ trợ hợp tác xã xét cho vay thì cần gì?", CATALOG)))
    resolution = resolve(analyze(message, CATALOG), state, force_follow_up=True)
    assert "Tôi ở Lâm Đồng." in resolution.question and "với Hòa Bình" in resolution.question
    assert sorted(resolution.slots.places) == ["Hòa Bình", "Lâm Đồng"]


@pytest.mark.parametrize(
    ("texts", "mentions"),
    [
        (["Căn cứ Thông tư số 340/2099/TT-BTC ngày 1/1/2099; Thông tư 340/2099 hướng dẫn"],
         ["Thông tư số 340/2099/TT-BTC"]),  # a shorter writing of one already named is the same document
        (["theo nghị định 45/2021 và Luật số 17/2023/QH15"], ["Nghị định số 45/2021", "Luật số 17/2023/QH15"]),
        (["năm 2016, 30/6/2017, khoản 2 Điều 19"], []),  # dates and clause numbers are no documents
        ([""], []),
    ],
)
def test_document_mentions(texts: list[str], mentions: list[str]) -> None:
    from assistant.dialogue.mentions import document_mentions

    assert document_mentions(texts) == mentions


# ---- a type word that is a verb, a place that is the subject -------------------------------------------------------


CATALOG_WITH_NOTICE = Catalog(documents=[
    *CATALOG.documents,
    Document(id="tb", type="Thông báo", source_file="tb.txt", sha256="0"),
])


@pytest.mark.parametrize(
    ("question", "rows"),
    [
        # "thông báo" here is what the cooperative does, not the corpus' one notice
        ("Theo luật và Nghị định 45, hợp tác xã phải thông báo cho cơ quan nào khi đổi tên?",
         [("document", "nd"), ("document", "luat")]),
        # named by its type after a preposition, the notice is a row
        ("Theo Nghị định 45 và theo thông báo, ai lo việc tập huấn?", [("document", "nd"), ("document", "tb")]),
    ],
)
def test_a_type_word_is_a_row_only_where_it_names_a_document(question: str, rows: list[tuple[str, str]]) -> None:
    scope = scope_of(analyze(question, CATALOG_WITH_NOTICE), CATALOG_WITH_NOTICE)
    assert scope is not None
    assert sorted((r.kind, r.value) for r in scope.rows) == sorted(rows)


@pytest.mark.parametrize(
    ("message", "written"),
    [
        ("Tỉnh có bao nhiêu chợ nông sản?", "Lâm Đồng có bao nhiêu chợ nông sản"),
        ("tỉnh dành bao nhiêu tiền?", "Lâm Đồng dành bao nhiêu tiền"),
        ("Ở tỉnh đó có bao nhiêu chợ nông sản?", "ở Lâm Đồng có bao nhiêu chợ"),  # not "Ở ở Lâm Đồng"
    ],
)
def test_a_bare_province_word_opening_a_message_is_the_thread_s_province(message: str, written: str) -> None:
    resolution, asked = converse(["Lâm Đồng muốn lập thêm bao nhiêu hợp tác xã mỗi năm?"], message)
    assert resolution.follow_up and asked.provinces == ["Lâm Đồng"]
    assert written in resolution.question
    assert_clean(resolution.question)


def test_a_province_word_before_a_name_is_no_reference() -> None:
    roles = {s.text: s.role for s in read(analyze("Tỉnh Quảng Ninh có mấy quỹ tín dụng?", CATALOG)).syllables}
    assert roles["Tỉnh"] != "place_reference"
    resolution, asked = converse(["Lâm Đồng muốn lập thêm bao nhiêu hợp tác xã mỗi năm?"],
                                 "Tỉnh Quảng Ninh có mấy quỹ tín dụng?")
    assert asked.provinces == ["Quảng Ninh"]


def test_a_topic_that_is_part_of_the_previous_one_keeps_its_context() -> None:
    resolution, _ = converse(["Hợp tác xã được phép cho thành viên chính thức vay tiền hay không?"],
                             "Cho vay tối đa bao lâu?")
    assert resolution.follow_up and "thành viên chính thức vay tiền" in resolution.question
    assert resolution.core == resolution.question  # the next follow-up continues the whole topic
    assert_clean(resolution.question)


def test_a_figure_of_another_unit_does_not_answer_a_question_about_money() -> None:
    from assistant.dialogue.narrow import states_asked_kind
    from assistant.models import Answer, Citation
    from ingest.models import Fact

    analysis = analyze("Tỉnh bố trí tất cả bao nhiêu tỷ đồng cho chương trình?", CATALOG)

    def answer(figure: str, unit: str) -> Answer:
        row = f"Kinh phí năm nay: {figure} (Đơn vị: {unit})"
        cited = Citation(n=1, clause_id="kh:T1.r1", document_id="kh", document_title=None, document_number=None,
                         path="T1.r1", headings=[], text=row, line_start=1, line_end=1, score=0.0)
        fact = Fact(id="f1", kind="target", document_id="kh", clause_id="kh:T1.r1", value_text=figure, unit=unit)
        return Answer(question=analysis.question, answer=f"{figure} {unit} [1].", found=True, intent="target",
                      citations=[cited],
                      facts=[fact])

    assert not states_asked_kind(analysis, answer("3", "HTX"))
    assert states_asked_kind(analysis, answer("2,5", "tỷ đồng"))
    assert states_asked_kind(analysis, answer("5-6", "%"))  # "tăng bao nhiêu" may be a rate


def test_an_agency_asked_its_tasks_after_a_figure_is_a_question_of_its_own() -> None:
    # The previous question asked an amount for a year; the message asks what an agency must do, in two
    # provinces: nothing of the amount or the year is carried into it.
    resolution, asked = converse(
        ["Sở Tài chính Lâm Đồng cần cấp thêm bao nhiêu vốn cho quỹ trong năm 2020?"],
        "Còn Sở Tài chính ở Hòa Bình và Quảng Ninh được giao việc gì?")
    assert not resolution.follow_up and asked.years == [] and asked.intent == "tasks"
    assert sorted(asked.provinces) == ["Hòa Bình", "Quảng Ninh"]


@pytest.mark.parametrize("frame", ["có vai trò gì", "lấy từ nguồn nào", "trước đây"])
def test_words_that_frame_a_question_are_not_its_topic(frame: str) -> None:
    question = f"Theo kế hoạch, Sở Tài chính {frame} trong việc lập quỹ hỗ trợ hợp tác xã?"
    reading = read(analyze(question, CATALOG))
    start = question.index(frame)
    framing = [s for s in reading.syllables if start <= s.start and s.end <= start + len(frame)]
    assert framing and all(s.role != "topic" for s in framing), [(s.text, s.role) for s in framing]
    assert {"lap", "quy"} <= set(reading.topic_words)


def test_that_district_stands_for_the_thread_s_place() -> None:
    resolution, asked = converse(["Năm 2017 huyện Kỳ Sơn ở Hòa Bình phải lập mấy hợp tác xã?"],
                                 "Huyện đó có bao nhiêu hợp tác xã nông nghiệp?")
    assert resolution.follow_up and asked.provinces == ["Hòa Bình"]
    assert_clean(resolution.question)


@pytest.mark.parametrize(("history", "message"), [
    # a short name of the agency followed by the rest of its name in the user's own order
    (["Tại Hòa Bình thì ban chỉ đạo tỉnh kinh tế tập thể gồm bao nhiêu người?"], "Thế còn Quảng Ninh?"),
    # the agency swapped in ends with "tỉnh", the place it replaces was written "tỉnh <name>"
    (["Sở Tài chính tỉnh Lâm Đồng lo những việc gì cho quỹ?"], "Còn Ban chỉ đạo tỉnh Quảng Ninh thì sao?"),
    (["Sở Tài chính tỉnh Lâm Đồng lo những việc gì cho quỹ?"], "Còn Sở Nông nghiệp phát triển nông thôn ở Quảng Ninh?"),
    (["Sở Nông nghiệp phát triển nông thôn ở Quảng Ninh lo việc gì?"], "Còn Hòa Bình thì sao?"),
])
def test_an_agency_s_name_is_said_once(history: list[str], message: str) -> None:
    resolution, asked = converse(history, message)
    assert resolution.follow_up
    words = fold_words(resolution.question).split()
    assert words.count("tinh") <= 1 and words.count("the") <= 1 and words.count("trien") <= 1, resolution.question
    assert_clean(resolution.question)


def test_the_rest_of_an_agency_s_name_stays_a_word_of_the_topic() -> None:
    # The words help find the agency's own plan when the thread continues, so they are kept as topic words.
    reading = read(analyze("Lâm Đồng: ban chỉ đạo tỉnh kinh tế tập thể gồm bao nhiêu người?", CATALOG))
    assert {"kinh", "te", "tap", "the"} <= set(reading.topic_words)


@pytest.mark.parametrize(("article", "thread", "message", "sibling"), [
    # another procedure of the same chapter, the message naming none
    ("Điều 9. Chia hợp tác xã", "Điều 12. Giải thể tự nguyện", "Hồ sơ thì cần những gì?", True),
    # the same procedure the other way round (voluntary / compulsory)
    ("Điều 14. Giải thể bắt buộc", "Điều 12. Giải thể tự nguyện", "Phải gửi đi trong mấy ngày?", True),
    # the same step for a cooperative group, not for the cooperative the thread is about
    ("Điều 30. Tổ hợp tác tạm ngừng kinh doanh", "Điều 20. Hợp tác xã tạm ngừng kinh doanh", "Mỗi lần được bao lâu?",
     True),
    # the message names the other kind itself: it is asked
    ("Điều 9. Chia hợp tác xã", "Điều 12. Giải thể tự nguyện", "Còn chia hợp tác xã thì hồ sơ gồm gì?", False),
    # an article of the same kinds, and one of no procedure at all
    ("Điều 13. Đăng ký việc giải thể tự nguyện", "Điều 12. Giải thể tự nguyện", "Hồ sơ thì cần những gì?", False),
    ("Điều 3. Bao nhiêu bộ hồ sơ", "Điều 12. Giải thể tự nguyện", "Hồ sơ thì cần những gì?", False),
])
def test_an_article_of_another_kind_than_the_thread_s_is_a_sibling(article: str, thread: str, message: str,
                                                                    sibling: bool) -> None:
    from assistant.dialogue.procedure import article_kinds, is_sibling, kinds_named

    said = kinds_named(fold_words(analyze(message, CATALOG).normalized))
    assert is_sibling(article_kinds([article]), article_kinds([thread]), said) is sibling


def test_a_chapter_heading_names_no_kind_of_its_articles() -> None:
    from assistant.dialogue.procedure import article_kinds

    assert not any(article_kinds(["Chương 5 GIẢI THỂ, CHIA, PHÁ SẢN"]))


@pytest.mark.parametrize("pointer", ["tỷ lệ đó", "thời hạn này", "số lượng ấy"])
def test_a_measure_pointed_back_at_stands_for_the_thread_s_topic(pointer: str) -> None:
    resolution, asked = converse(["Quảng Ninh muốn nâng phần trăm hợp tác xã làm ăn có lãi lên mức nào năm 2020?"],
                                 f"Lâm Đồng đặt {pointer} ra sao?")
    assert resolution.follow_up and asked.provinces == ["Lâm Đồng"]
    assert "lãi" in resolution.question and pointer not in resolution.question, resolution.question
    assert_clean(resolution.question)


@pytest.mark.parametrize(
    ("message", "topic"),
    [
        # "không" before a word negates it: the thread's topic keeps it
        ("Vốn không hoàn lại được dùng làm gì?", "Vốn không hoàn lại được dùng"),
        ("Kiểm soát viên không dự phiên họp thì bị nhắc nhở ra sao?", "Kiểm soát viên không dự phiên họp thì bị nhắc nhở"),
        # where it ends what is asked, or only a particle follows, it asks yes or no
        ("Biên bản có cần đóng dấu không?", "Biên bản có cần đóng dấu"),
        ("Gửi bản scan được không ạ?", "Gửi bản scan"),
    ],
)
def test_a_negation_inside_the_topic_is_part_of_it(message: str, topic: str) -> None:
    from assistant.query import Catalog, analyze

    assert read(analyze(message, Catalog())).topic_phrase() == topic
