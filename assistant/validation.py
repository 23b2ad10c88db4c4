"""What users type, checked and normalised once, at the entrance, for the CLI and the API alike.

Every text input (question, chat message, filter values, agency) goes through `clean_text`: refused when it holds
lone UTF-16 surrogates (they cannot be encoded, and crashed the segmenter), control characters, or bidi
embedding/override/isolate characters (they make displayed text differ from the text processed), or nothing but
invisible characters; otherwise returned in NFC with zero-width characters removed and the edges stripped. NFC
matters: macOS/iOS and some Vietnamese keyboards send NFD, and the same question must get the same answer.

Error messages never echo text that failed these checks (it may not even encode as UTF-8), and echo other values
only shortened. `assistant.service.Assistant` calls these functions; the CLI and the routes never check by hand.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable

from assistant.errors import EmptyQuestionError, InvalidTextError, QuestionTooLongError, UnknownFilterError
from ingest.textnorm import fold_accents

_SURROGATES = re.compile("[\ud800-\udfff]")
_CONTROL_CHARS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
# LRE RLE PDF LRO RLO and LRI RLI FSI PDI; the plain marks LRM/RLM cannot reorder text and are left alone.
_BIDI_CONTROLS = re.compile("[\u202a-\u202e\u2066-\u2069]")
# Zero-width space/non-joiner/joiner, word joiner, BOM, soft hyphen: invisible, and they split words for matching.
_INVISIBLE = re.compile("[\u200b-\u200d\u2060\ufeff\u00ad]")

_LABELS = {"question": "Câu hỏi", "message": "Tin nhắn"}


def _label(field: str) -> str:
    return _LABELS.get(field, f"Giá trị của trường “{field}”")


def shown(value: str, limit: int = 80) -> str:
    """A (clean) user-supplied value as echoed in an error message: bounded, so errors stay small."""
    return value if len(value) <= limit else value[: limit - 1] + "…"


def clean_text(value: str, field: str) -> str:
    """`value` in NFC without invisible characters, edges stripped; InvalidTextError naming `field` otherwise."""
    name = _label(field)
    if _SURROGATES.search(value):
        raise InvalidTextError(field, f"{name} chứa ký tự không hợp lệ (nửa cặp thay thế UTF-16 đơn lẻ); "
                                      "hãy gửi văn bản Unicode hợp lệ.")
    if _CONTROL_CHARS.search(value):
        raise InvalidTextError(field, f"{name} chứa ký tự điều khiển không hợp lệ.")
    if _BIDI_CONTROLS.search(value):
        raise InvalidTextError(field, f"{name} chứa ký tự điều khiển hướng chữ (bidi), không được phép.")
    text = unicodedata.normalize("NFC", value)
    visible = _INVISIBLE.sub("", text).strip()
    if not visible and text.strip():
        raise InvalidTextError(field, f"{name} chỉ gồm ký tự vô hình (độ rộng bằng 0).")
    return visible


def check_question(value: str, field: str, max_chars: int) -> str:
    """A question or chat message: clean, not empty, at most `max_chars` characters (counted in NFC)."""
    text = clean_text(value, field)
    if not text:
        raise EmptyQuestionError(field, f"{_label(field)} không được để trống.")
    if len(text) > max_chars:
        raise QuestionTooLongError(
            field, f"{_label(field)} dài {len(text)} ký tự, vượt quá giới hạn {max_chars} ký tự."
        )
    return text


def _key(name: str) -> str:
    return " ".join(fold_accents(name).split())


def check_province(value: str | None, field: str, provinces: Iterable[str]) -> str | None:
    """The canonical spelling of a province that has documents ("quang ninh" -> "Quảng Ninh"), or None for none."""
    if value is None:
        return None
    text = clean_text(value, field)
    known = {_key(p): p for p in provinces}
    canonical = known.get(_key(text))
    if canonical is None:
        listed = ", ".join(sorted(known.values())) or "không có"
        raise UnknownFilterError(
            field, f"Không có văn bản nào của tỉnh “{shown(text)}”. Các tỉnh có văn bản: {listed}."
        )
    return canonical


def check_document(value: str | None, field: str, exists: Callable[[str], bool]) -> str | None:
    """A document id that exists, or None for none."""
    if value is None:
        return None
    text = clean_text(value, field)
    if not exists(text):
        raise UnknownFilterError(field, f"Không có văn bản với mã “{shown(text)}”.")
    return text


def check_agency(value: str | None, field: str = "agency") -> str | None:
    """The canonical name of one agency in any common spelling ("Sở KH&ĐT", "so tai chinh"); None when blank."""
    if value is None:
        return None
    text = clean_text(value, field)
    if not text:
        return None
    from ingest.agencies import canonical_agency

    canonical = canonical_agency(text)
    if canonical is None:
        raise UnknownFilterError(
            field, f"Không nhận ra cơ quan “{shown(text)}”; hãy ghi tên một cơ quan, ví dụ “Sở Tài chính”."
        )
    return canonical
