"""Text inputs are checked and normalised once (assistant/validation.py): a table of awkward strings plus invariants."""

from __future__ import annotations

import unicodedata

import pytest

from assistant.errors import EmptyQuestionError, InvalidTextError, QuestionTooLongError, UnknownFilterError
from assistant.validation import check_agency, check_document, check_province, check_question, clean_text

QUESTION = "Sở Tài chính ở Hòa Bình có nhiệm vụ gì đối với hợp tác xã?"
PROVINCES = ["Hòa Bình", "Lâm Đồng", "Quảng Ninh"]

REFUSED = [
    ("lone high surrogate", "abc \ud800"),
    ("lone low surrogate", "\udc9d Sở Tài chính"),
    ("surrogate-escaped byte from argv", "Ai ch\udcff tr\udcec?"),
    ("NUL", "Ai chủ trì\x00 hội chợ?"),
    ("escape", "Ai chủ trì \x1b[31m hội chợ?"),
    ("right-to-left override", "Ai chủ trì \u202ehội chợ?"),
    ("left-to-right embedding", "\u202aAi chủ trì hội chợ?"),
    ("first strong isolate", "Ai \u2068chủ trì\u2069 hội chợ?"),
    ("zero-width space only", "\u200b\u200b\u200b"),
    ("zero-width joiners and spaces", " \u200d \u200c \ufeff "),
    ("word joiner and soft hyphen", "\u2060\u00ad"),
]  # fmt: skip


@pytest.mark.parametrize(("why", "text"), REFUSED, ids=[r[0] for r in REFUSED])
def test_refused_text_gets_a_clear_error_naming_the_field(why: str, text: str) -> None:
    with pytest.raises(InvalidTextError) as caught:
        check_question(text, "message", 500)
    error = caught.value
    assert error.field == "message" and error.code == "invalid_text" and error.status == 422
    assert error.message.startswith("Tin nhắn")
    error.message.encode("utf-8")  # the message never echoes text that cannot be encoded


ACCEPTED = [
    ("NFC", QUESTION, QUESTION),
    ("NFD", unicodedata.normalize("NFD", QUESTION), QUESTION),
    ("edges", "  \t" + QUESTION + "\n ", QUESTION),
    ("zero-width inside", QUESTION.replace("Tài", "T\u200bài"), QUESTION),
    ("BOM first", "\ufeff" + QUESTION, QUESTION),
    ("left-to-right mark is not an override", "\u200e" + QUESTION, "\u200e" + QUESTION),
    ("newline inside", "Sở Tài chính\nphải làm gì?", "Sở Tài chính\nphải làm gì?"),
]  # fmt: skip


@pytest.mark.parametrize(("why", "text", "expected"), ACCEPTED, ids=[a[0] for a in ACCEPTED])
def test_accepted_text_is_normalised(why: str, text: str, expected: str) -> None:
    cleaned = check_question(text, "question", 500)
    assert cleaned == expected
    assert unicodedata.is_normalized("NFC", cleaned)
    assert clean_text(cleaned, "question") == cleaned  # idempotent: checking twice changes nothing


def test_empty_and_too_long() -> None:
    for blank in ("", "   ", "\n\t"):
        with pytest.raises(EmptyQuestionError):
            check_question(blank, "question", 500)
    with pytest.raises(QuestionTooLongError, match="501"):
        check_question("x" * 501, "question", 500)
    # The limit counts NFC characters: an NFD question (one code point per mark) is not longer than its NFC twin.
    long_question = (QUESTION + " ") * 8
    limit = len(check_question(long_question, "question", 10_000))
    assert len(unicodedata.normalize("NFD", long_question)) > limit
    assert check_question(unicodedata.normalize("NFD", long_question), "question", limit)


def test_filters_fold_spellings_and_name_unknown_values() -> None:
    for spelling in ("Quảng Ninh", "quang ninh", unicodedata.normalize("NFD", "Quảng Ninh"), "  QUẢNG   NINH "):
        assert check_province(spelling, "province", PROVINCES) == "Quảng Ninh"
    with pytest.raises(UnknownFilterError, match="Narnia") as caught:
        check_province("Narnia", "filters.province", PROVINCES)
    assert caught.value.field == "filters.province" and "Quảng Ninh" in caught.value.message
    with pytest.raises(InvalidTextError):
        check_province("Quảng\u202eNinh", "province", PROVINCES)
    assert check_province(None, "province", PROVINCES) is None

    assert check_document("a-b", "document_id", {"a-b"}.__contains__) == "a-b"
    with pytest.raises(UnknownFilterError, match="nope"):
        check_document("nope", "document_id", {"a-b"}.__contains__)


def test_agency_in_any_spelling_or_a_clear_error() -> None:
    assert check_agency("so tai chinh") == check_agency("Sở Tài chính") == check_agency(
        unicodedata.normalize("NFD", "Sở Tài chính"))
    assert check_agency(None) is None and check_agency("  ") is None
    with pytest.raises(UnknownFilterError) as caught:
        check_agency("Bộ Phép Thuật")
    assert caught.value.field == "agency" and "Bộ Phép Thuật" in caught.value.message
