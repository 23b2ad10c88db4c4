"""Conversations across several documents, over a real index (the four seed plans and notices, the cooperative law,
decrees 45/2021 and 77/2019 and circular 31/2018, default e5 model).

The two walkthroughs of issue 12 are played through the HTTP API in-process (`POST /chat`, as the page sends
them); the other conversations are written for these tests and go through `Conversations`, as the API does.
"""

from __future__ import annotations

import asyncio
import re
from typing import Any

import httpx
import pytest

from assistant.chat import ChatReply, Conversations
from assistant.models import Answer
from assistant.service import Assistant
from tests.conftest import CORPUS, SEED_FILES, assistant_over
from tests.test_dialogue import assert_clean

pytestmark = pytest.mark.slow

EXTRA = [CORPUS / "extra" / name for name in (
    "luat-htx-2023_17-2023-QH15.txt", "nd-45-2021-ND-CP_quy-ho-tro-phat-trien-htx.txt",
    "nd-77-2019-ND-CP_to-hop-tac.txt", "tt-31-2018-TT-BTC_xu-ly-tai-san-htx-giai-the-pha-san.txt")]
LAW, DECREE_45, TT_31 = "luat-htx-2023_17-2023-qh15", "nd-45-2021-nd-cp_quy-ho-tro-phat-trien-htx", \
    "tt-31-2018-tt-btc_xu-ly-tai-san-htx-giai-the-pha-san"
HOA_BINH = "hoa-binh_kh-bcd-ktt-2017"


@pytest.fixture(scope="module")
def assistant(tmp_path_factory: pytest.TempPathFactory) -> Assistant:
    return assistant_over(tmp_path_factory, "plans-law-decrees", [*SEED_FILES, *EXTRA])


def chat(app: Any, messages: list[str]) -> list[dict[str, Any]]:
    """The messages sent to `POST /chat` one after the other in one session; the JSON replies."""
    async def go() -> list[dict[str, Any]]:
        replies: list[dict[str, Any]] = []
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://htx.test", timeout=120) as client:
            session: str | None = None
            for message in messages:
                body: dict[str, Any] = {"message": message} | ({"session_id": session} if session else {})
                response = await client.post("/chat", json=body)
                assert response.status_code == 200, response.text
                replies.append(response.json())
                session = replies[-1]["session_id"]
        return replies

    return asyncio.run(go())


def converse(assistant: Assistant, messages: list[str]) -> list[ChatReply]:
    conversations = Conversations(assistant, assistant.settings)
    replies: list[ChatReply] = []
    session_id: str | None = None
    for message in messages:
        replies.append(conversations.send(message, session_id))
        session_id = replies[-1].session_id
    return replies


def rows(answer: Answer) -> dict[str, str]:
    body = answer.answer.split("\n\nCăn cứ:")[0]
    return dict(re.match(r"• ([^:]+): (.*)", line).groups() for line in body.split("\n") if line.startswith("• "))


def row_documents(answer: Answer) -> dict[str, set[str]]:
    """The documents each row cites."""
    return {label: {answer.citations[int(n) - 1].document_id for n in re.findall(r"\[(\d+)\]", text)}
            for label, text in rows(answer).items()}


# ---- the walkthroughs of the issue, through the API ----------------------------------------------------------------


# Over the laws and plans of these tests, and over the whole corpus (what `make run` serves: the registration
# decree, the circulars and the articles compete for every turn).
WALKTHROUGH_INDEXES = ["assistant", pytest.param("whole_corpus_assistant", id="whole-corpus")]


@pytest.mark.parametrize("index", WALKTHROUGH_INDEXES)
def test_issue_walkthrough_registering_a_cooperative(index: str, request: pytest.FixtureRequest) -> None:
    from assistant.api import create_app

    conditions, papers, where, how_long = chat(create_app(request.getfixturevalue(index)), [
        "Điều kiện để thành lập hợp tác xã là gì?",
        "Hồ sơ đăng ký gồm những gì?",
        "Nộp ở đâu?",
        "Bao lâu thì được cấp giấy chứng nhận?",
    ])
    assert not conditions["follow_up"]
    assert papers["found"] and any(c["path"].startswith("D42.2") for c in papers["citations"])
    # Where the registration papers are filed: the law's registration articles.
    assert where["follow_up"] and where["found"] and "hồ sơ đăng ký" in where["resolved_question"]
    assert where["citations"][0]["document_id"] == LAW and where["citations"][0]["path"].split(".")[0] in {"D41", "D42"}
    assert where["answer"].lower().startswith("cơ quan đăng ký kinh doanh")
    # The time limit for the certificate: the next step of the same article, cited.
    assert how_long["follow_up"] and how_long["found"] and "03 ngày làm việc" in how_long["answer"]
    assert how_long["citations"][0]["path"] == "D42.4"
    for reply in (papers, where, how_long):
        assert_clean(reply["resolved_question"])


@pytest.mark.parametrize("index", WALKTHROUGH_INDEXES)
def test_a_reply_told_before_the_next_question_does_not_hide_it(index: str, request: pytest.FixtureRequest) -> None:
    # "Tốt quá, cảm ơn bạn." answers the assistant back; its words are no part of what is asked (such a reply hid
    # the papers over the whole corpus). "Nộp ở đâu?" then asks where those papers go.
    _, papers, to_whom = converse(request.getfixturevalue(index), [
        "Nhóm tôi có 8 người muốn lập HTX, luật yêu cầu ít nhất mấy người?",
        "Tốt quá, cảm ơn bạn. Vậy bộ hồ sơ xin đăng ký thành lập gồm những giấy tờ gì?",
        "Nộp ở đâu?",
    ])
    assert papers.answer.found and any(c.path.startswith("D42.2") for c in papers.answer.citations), papers.answer
    assert to_whom.follow_up and to_whom.answer.found
    assert "hồ sơ" in to_whom.resolved_question and "đăng ký thành lập" in to_whom.resolved_question
    assert "cảm ơn" not in to_whom.resolved_question
    assert to_whom.answer.answer.lower().startswith("cơ quan đăng ký kinh doanh"), to_whom.answer.answer
    assert_clean(to_whom.resolved_question)


@pytest.mark.parametrize("index", WALKTHROUGH_INDEXES)
def test_issue_walkthrough_a_new_place_and_year_replace_the_old(index: str, request: pytest.FixtureRequest) -> None:
    from assistant.api import create_app

    first, second = chat(create_app(request.getfixturevalue(index)), [
        "Quảng Ninh đặt mục tiêu bao nhiêu HTX đến năm 2020?",
        "Còn Hòa Bình năm 2017 thì sao?",
    ])
    assert first["found"] and "542" in first["answer"]
    question = second["resolved_question"]
    assert second["follow_up"] and "Hòa Bình" in question and "2017" in question
    assert "Quảng Ninh" not in question and "2020" not in question
    assert second["found"] and "35 HTX" in second["answer"]
    assert {c["document_id"] for c in second["citations"]} == {HOA_BINH}
    assert_clean(question)


# ---- grouped answers across documents ------------------------------------------------------------------------------


def test_each_document_answers_its_own_part_of_the_question(assistant: Assistant) -> None:
    answer = assistant.ask("Nhiệm kỳ của Hội đồng quản trị theo Luật Hợp tác xã và nhiệm kỳ của Kiểm soát viên Quỹ "
                           "theo Nghị định 45 dài nhất là mấy năm?")
    assert answer.found and answer.answer.startswith("Theo từng văn bản:")
    assert row_documents(answer) == {"Luật số 17/2023/QH15": {LAW}, "Nghị định số 45/2021/NĐ-CP": {DECREE_45}}
    law, decree = rows(answer).values()
    assert "05 năm" in law and "Hội đồng quản trị" in law
    assert "05 năm" in decree and "Kiểm soát viên" in decree
    assert "Không đề cập" not in answer.answer


def test_a_document_without_the_asked_figure_is_said_not_to_address_it(assistant: Assistant) -> None:
    # (the decree states a lending cap as a share of the fund's capital; the circular on assets does not address it)
    answer = assistant.ask("Theo Thông tư 31/2018 và Nghị định 45, dư nợ cho vay một khách hàng được tối đa bao nhiêu "
                           "phần trăm vốn điều lệ?")
    assert row_documents(answer) == {"Nghị định số 45/2021/NĐ-CP": {DECREE_45}}
    assert "%" in rows(answer)["Nghị định số 45/2021/NĐ-CP"]
    assert "Không đề cập đến nội dung này: Thông tư số 31/2018/TT-BTC." in answer.answer
    sources = answer.answer.split("\n\nCăn cứ:\n")[1].splitlines()
    assert len(sources) == len(answer.citations) and all("Nghị định 45/2021/NĐ-CP" in line for line in sources)


def test_a_follow_up_about_the_provinces_of_the_thread_and_one_more(assistant: Assistant) -> None:
    first, second = converse(assistant, [
        "Quảng Ninh và Lâm Đồng đặt chỉ tiêu thu nhập của người lao động HTX thế nào?",
        "Còn số hợp tác xã thành lập mới ở hai tỉnh đó và ở Hòa Bình?",
    ])
    assert set(rows(first.answer)) == {"Quảng Ninh", "Lâm Đồng"}
    assert second.follow_up and all(p in second.resolved_question for p in ("Quảng Ninh", "Lâm Đồng", "Hòa Bình"))
    provinces = {d.id: d.province for d in assistant.catalog.documents}
    cited = row_documents(second.answer)
    assert set(cited) == {"Quảng Ninh", "Lâm Đồng", "Hòa Bình"}
    for province, documents in cited.items():
        assert {provinces[d] for d in documents} == {province}  # each row cites its own province only
    assert "35 HTX" in rows(second.answer)["Hòa Bình"] and "25 HTX" in rows(second.answer)["Lâm Đồng"]
    assert len(second.answer.citations) <= 3 * 3  # a short list: three clauses a row at most
    assert_clean(second.resolved_question)


def test_a_message_leaning_on_a_grouped_thread_keeps_its_documents(assistant: Assistant) -> None:
    _, follow = converse(assistant, [
        "Theo Luật Hợp tác xã và Thông tư 31/2018, khi giải thể thì tài sản chung không chia được xử lý ra sao?",
        "Tài sản chuyển nhượng có phải đấu giá không?",
    ])
    assert follow.follow_up and "Thông tư số 31/2018/TT-BTC" in follow.resolved_question
    assert follow.answer.found and {c.document_id for c in follow.answer.citations} <= {LAW, TT_31}
    assert "2.000.000" in follow.answer.answer or "đấu giá" in follow.answer.answer


def test_a_new_question_after_a_plan_is_not_read_in_the_plan(assistant: Assistant) -> None:
    _, new = converse(assistant, [
        "Hòa Bình giao Liên minh Hợp tác xã tỉnh hướng dẫn xét chọn hợp tác xã điển hình khi nào?",
        "Tổ hợp tác phải có ít nhất bao nhiêu thành viên?",
    ])
    assert not new.follow_up and new.resolved_question == "Tổ hợp tác phải có ít nhất bao nhiêu thành viên?"
    # Answered or not (the ranker may refuse it), it is searched in the whole corpus, not in the plan's thread.
    shown = [*new.answer.citations, *new.answer.related]
    assert shown and all(c.document_id != HOA_BINH for c in shown)


# ---- rows: the fact, the sentence that holds it, and no clause that only says what a document covers ------------


def test_each_row_states_its_figure_and_quotes_only_the_sentence_that_holds_it(assistant: Assistant) -> None:
    from assistant.dialogue.quotes import QUOTE_CHARS

    answer = assistant.ask("Theo Luật Hợp tác xã và Nghị định 45, Hội đồng quản trị có nhiệm kỳ tối đa mấy năm?")
    assert set(row_documents(answer)) == {"Luật số 17/2023/QH15", "Nghị định số 45/2021/NĐ-CP"}
    for text in rows(answer).values():
        fact, _, rest = text.partition("[")
        assert "05 năm" in fact  # the figure comes first, before any quote
        quotes = re.findall(r"“([^”]*)”", rest)
        assert quotes and all(len(q) <= QUOTE_CHARS for q in quotes)
        assert any("05 năm" in q for q in quotes)  # the quoted sentence is the one holding the figure


def test_a_documents_scope_article_does_not_answer_its_row(assistant: Assistant) -> None:
    answer = assistant.ask("Khi hợp tác xã phá sản, tài sản hình thành từ vốn nhà nước hỗ trợ được Thông tư 31/2018 và "
                           "Luật Hợp tác xã xử lý thế nào?")
    assert answer.found and TT_31 in {c.document_id for c in answer.citations}
    # "Điều 1. Phạm vi điều chỉnh" says the circular is about this; it does not say how.
    assert not [c for c in answer.citations if any("Phạm vi điều chỉnh" in h for h in c.headings)]


def test_a_part_without_a_topic_of_its_own_asks_of_the_first_parts_topic(assistant: Assistant) -> None:
    from assistant.dialogue.multidoc import scope_of
    from assistant.dialogue.rows import row_question

    analysis = assistant.analyze("Luật Hợp tác xã bảo làm gì với quỹ chung không chia khi đơn vị giải thể, "
                                 "còn theo Thông tư 31/2018 thì ai tiếp nhận?")
    scope = scope_of(analysis, assistant.catalog)
    assert scope is not None
    asked = {row.value: row_question(assistant, analysis, row, scope) for row in scope.rows}
    assert set(asked) == {LAW, TT_31}
    assert "quỹ chung không chia" in asked[TT_31].question and "tiếp nhận" in asked[TT_31].question
    assert asked[TT_31].document_ids == [TT_31]
    # The first part has its own question form: the last part's ("ai tiếp nhận") is not put on it.
    assert "tiếp nhận" not in asked[LAW].question and "làm gì" in asked[LAW].question


def test_a_message_comparing_the_threads_figure_with_another_document_gets_a_row_for_each(
        assistant: Assistant) -> None:
    first, compared = converse(assistant, [
        "Nghị định 45 quy định nhiệm kỳ của Giám đốc Quỹ hợp tác xã trung ương là bao lâu?",
        "Thời hạn đó so với quy định của Luật Hợp tác xã thì khác gì?",
    ])
    assert first.answer.found and "05 năm" in first.answer.answer
    assert compared.follow_up and "Nghị định 45" in compared.resolved_question
    assert "Luật Hợp tác xã" in compared.resolved_question and "nhiệm kỳ" in compared.resolved_question
    cited = row_documents(compared.answer)
    assert cited == {"Nghị định số 45/2021/NĐ-CP": {DECREE_45}, "Luật số 17/2023/QH15": {LAW}}
    law = rows(compared.answer)["Luật số 17/2023/QH15"]
    assert "05 năm" in law and "Giám đốc" in law  # the law's own clause on the director's term
    assert_clean(compared.resolved_question)


def test_pointing_back_at_a_list_of_tasks_is_no_comparison_of_figures(assistant: Assistant) -> None:
    _, second = converse(assistant, [
        "Liên minh Hợp tác xã tỉnh Hòa Bình được kế hoạch năm 2017 phân công làm gì?",
        "Việc đó so với Nghị định 45 thì thế nào?",
    ])
    assert ", so với" not in second.resolved_question


def test_a_row_listing_several_clauses_shows_the_sentence_of_each_that_is_asked_about(assistant: Assistant) -> None:
    answer = assistant.ask("Khi hợp tác xã giải thể, Thông tư 31/2018 và Luật Hợp tác xã ưu tiên bàn giao tài sản "
                           "cho ai?")
    assert answer.found and TT_31 in row_documents(answer).get("Thông tư số 31/2018/TT-BTC", set())
    circular = rows(answer)["Thông tư số 31/2018/TT-BTC"]
    # The khoản opens on why assets are handed over; the part asked about (to whom first) is further on.
    assert "ưu tiên bàn giao cho các HTX khác" in circular
    assert "Để sử dụng có hiệu quả" not in circular


def test_a_next_step_set_by_another_document_leaves_the_thread_s_document(assistant: Assistant) -> None:
    # The thread named Decree 77; how long a group must run before it may become a cooperative is set by the law
    # (asked only within the decree, the follow-up is refused).
    first, step = converse(assistant, [
        "Nghị định 77/2019 quy định tổ trưởng tổ hợp tác do ai bầu?",
        "Vậy tổ hợp tác đó cần hoạt động liên tục bao lâu mới được chuyển đổi thành hợp tác xã?",
    ])
    assert first.answer.filters["document_id"] == "nd-77-2019-nd-cp_to-hop-tac"
    assert step.follow_up and step.answer.found
    assert step.answer.citations[0].document_id == LAW and step.answer.citations[0].path.startswith("D108.1")
    assert "12 tháng" in step.answer.answer.split("\n")[0]


def test_a_message_with_a_topic_of_its_own_is_asked_as_written_when_the_thread_s_topic_finds_nothing(
        assistant: Assistant) -> None:
    # Read after the thread's topic ("Về phần vốn góp …: thế hồ sơ để đăng ký thì gửi ở đâu?") the message finds
    # no clause; asked as written it is the registration article's.
    for capital, papers in (
        ("Phần vốn góp của mỗi người không được vượt quá mấy phần trăm vốn điều lệ?",
         "Thế hồ sơ để đăng ký thì gửi ở đâu?"),
        ("Mỗi xã viên góp vốn không được quá mấy phần trăm vốn điều lệ?", "Thế hồ sơ đăng ký gửi ở đâu vậy?"),
    ):
        _, where = converse(assistant, [capital, papers])
        assert where.follow_up and where.answer.found, papers
        assert "vốn" not in where.resolved_question
        assert where.answer.citations[0].document_id == LAW and where.answer.citations[0].path.startswith("D41.2")
        assert "đăng ký kinh doanh" in where.answer.answer.lower()


@pytest.mark.parametrize("message", [
    pytest.param("Hồ sơ thì gồm những gì?", marks=pytest.mark.xfail(
        strict=True, reason="known weakness: the whole corpus answers from an article of no procedure (the "
        "definitions) surer than the thread's procedure asked again, so the neutral answer is kept")),
    "Được ngừng lâu nhất là bao lâu?", "Mỗi lần ngừng được tối đa mấy tháng?"])
def test_a_follow_up_that_names_no_procedure_stays_in_the_thread_s(law_and_registration_decree: Assistant,
                                                                   message: str) -> None:
    # Suspending a cooperative's business: the decree sets the same step for cooperative groups in an article of
    # their own, and dissolving has its own file too. The file asked for is the cooperative's suspension file.
    from ingest.lexicon import fold_words

    first, papers = converse(law_and_registration_decree, [
        "Khi định tạm ngừng kinh doanh, HTX phải báo cơ quan đăng ký chậm nhất là mấy ngày trước đó?",
        message,
    ])
    assert first.answer.found
    if not papers.answer.found:
        return  # saying nothing was found is no sibling's answer
    lead = papers.answer.citations[0]
    article = [fold_words(h) for h in [*lead.headings, lead.text] if fold_words(h).startswith("dieu ")][0]
    assert "tam ngung" in article and "to hop tac" not in article, article
