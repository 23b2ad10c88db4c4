"""What each figure of a clause measures, named from the clause's own wording.

A measure is read back from the figure to the nearest sentence boundary (";", ". ", "trong đó"), never across
another figure, and cleaned of what is not the measure: time adverbials ("Đến năm 2020,", "mỗi năm"), planning
verbs ("phấn đấu", "dự kiến", "nâng") and the comparator before the number ("đạt khoảng", "ít nhất"). Words are
never cut in half and the start of a phrase is never dropped silently.

- "85 HTX và 6.600 tổ hợp tác": the second figure shares the first one's measure, rebuilt with its own unit.
- "trình độ đại học đạt 20% và trình độ trung cấp đạt 70%": an elliptic measure borrows the head of the
  previous one ("Tỷ lệ cán bộ … trình độ trung cấp").
- When the wording before a count names nothing ("mỗi năm có khoảng 50 HTX thành lập mới"), the count names
  itself: "Số HTX thành lập mới".
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol


class _Figure(Protocol):
    @property
    def start(self) -> int: ...
    @property
    def end(self) -> int: ...
    @property
    def unit(self) -> str: ...


# Units that count things: "50 HTX" measures a number of HTX.
COUNTING_UNITS = frozenset({"HTX", "THT", "QTDND", "LHHTX", "hợp tác xã", "tổ hợp tác", "lớp", "lượt", "người",
                            "mô hình", "xã", "đợt", "thành viên", "lao động", "cán bộ"})
MAX_WORDS = 20  # longer phrases keep their start and end with "…"

_VERBS = r"(?:nâng|tăng|xây dựng|thành lập|phát triển|tổ chức|hỗ trợ|đào tạo|bồi dưỡng|giảm|đưa|phấn đấu|dự kiến"
_VERBS += r"|đảm bảo|bảo đảm|mỗi|toàn tỉnh|lựa chọn|(?:đến|trong|vào|tới)\s+năm\s+\d{4})"
# Where a sentence ends: a measure never reaches back across these.
_SENTENCE = re.compile(r";|\.\s+|\.{2,}|…|\btrong đó\b,?", re.IGNORECASE)
# A colon may end a label ("Doanh thu bình quân của 1 HTX đạt: 2.800 triệu đồng"): crossed only when needed.
_COLON = re.compile(r":\s*")
# A comma or "và" before a verb starts a new clause ("không còn tổ chức yếu kém, nâng tỷ lệ cán bộ qua đào tạo lên 60%").
_CLAUSE_BREAK = re.compile(rf"(?:,\s+|\svà\s+)(?={_VERBS}(?![\wÀ-ỹ]))", re.IGNORECASE)
_YEAR_PHRASE = r"(?:(?:đến|trong|vào|tới|cuối|đầu|từ)\s+)?năm\s+\d{4}"
_LEADING = re.compile(
    rf"^(?:\s*(?:phấn đấu|dự kiến|đảm bảo|bảo đảm|bình quân|hàng năm|hằng năm|mỗi năm|hàng quý|{_YEAR_PHRASE}"
    r"|giai đoạn\s+\d{4}\s*[-–]\s*\d{4}|toàn tỉnh|cả tỉnh|có|đạt|là|và|thêm|tiếp tục|đến|trong đó|tính)"
    r"(?![\wÀ-ỹ])[\s,]*)+",
    re.IGNORECASE,
)
_LEADING_VERB = re.compile(r"^(?:nâng(?:\s+mức)?|đưa)\s+(?=\S)", re.IGNORECASE)
_TRAILING = re.compile(
    rf"(?:\s+(?:đạt|là|có|chiếm|tăng|giảm|(?<!trở )lên|đến|từ|ít nhất|tối thiểu|trên|khoảng|tối đa|dưới|được|cho"
    rf"|gấp|thêm|bằng|dự kiến|bình quân|hàng năm|hằng năm|mỗi năm|đều|{_YEAR_PHRASE}))+\s*$",
    re.IGNORECASE,
)
_FUNCTION_TAIL = re.compile(r"(?:\s+(?:các|của|về|cho|với|trong|tại|đối với|những|một|và|hoặc))+\s*$", re.IGNORECASE)
# Verbs that make "Số HTX thành lập mới" out of "thành lập mới … HTX"; the generic ones give way to what follows
# the count ("tổ chức 20 lớp bồi dưỡng …" -> "Số lớp bồi dưỡng …").
_COUNT_VERB = re.compile(r"(?:^|\s)(thành lập|phát triển|hỗ trợ|đào tạo|bồi dưỡng|xây dựng|tổ chức|lựa chọn|mở)"
                         r"(?![\wÀ-ỹ])", re.IGNORECASE)
_GENERIC_VERBS = {"xây dựng", "tổ chức", "lựa chọn", "mở"}
# A phrase that already names the counted thing ("Số lượng hợp tác xã", "Tổng số HTX").
_COUNT_NOUN = re.compile(r"^(?:số|tổng số|số lượng)\b", re.IGNORECASE)
# What a percentage or an amount measures, when the wording after a colon starts with it.
_MEASURE_NOUN = re.compile(r"^(?:tỷ lệ|số|tổng|doanh thu|thu nhập|vốn|kinh phí|giá trị|tốc độ|dư nợ|mức|lợi nhuận"
                           r"|quy mô)\b", re.IGNORECASE)
_JOIN = re.compile(r"^[\s,]*(?:và|cùng|,)?\s*$")
_AFTER_END = re.compile(rf"[;.(:]|…|\s(?:trở lên|so với|để|trong đó|tùy theo|nhằm)\b|(?:\svà\s+|,\s+)(?={_VERBS})",
                        re.IGNORECASE)
_STRIP = " -+*•.,:;/"


@dataclass(frozen=True)
class MeasureName:
    text: str
    from_unit: bool = False  # "Số HTX …": built from the unit, so a joined figure rebuilds it with its own unit
    verb: str = ""  # "thành lập mới" in "Số HTX thành lập mới"
    scope: str = ""  # "mỗi huyện, thành phố" in "Số HTX phát triển mới (mỗi huyện, thành phố)"


def _shorten(phrase: str) -> str:
    words = phrase.split()
    if len(words) > MAX_WORDS:
        phrase = " ".join(words[:MAX_WORDS]).rstrip(_STRIP) + "…"
    return phrase


def _clean(phrase: str) -> str:
    phrase = re.sub(r"\([^()]*\)", " ", phrase)
    breaks = list(_CLAUSE_BREAK.finditer(phrase))
    if breaks:
        phrase = phrase[breaks[-1].end() :]
    phrase = " ".join(phrase.split()).strip(_STRIP)
    if len(phrase.split()) > MAX_WORDS:
        # A long lead-in ("Chủ trì, phối hợp với … và các đơn vị liên quan xây dựng kế hoạch và tổ chức thực hiện")
        # keeps its last coordinated part, the one that governs the figure.
        parts = [p for p in re.split(r"\svà\s", phrase) if len(p.split()) >= 2]
        phrase = parts[-1] if parts else phrase
    for _ in range(3):  # leading and trailing noise can alternate ("Phấn đấu đến năm 2020, nâng mức … lên")
        phrase = _LEADING.sub("", phrase).strip(_STRIP)
        phrase = _LEADING_VERB.sub("", phrase)
        phrase = _TRAILING.sub("", phrase).strip(_STRIP)
    return _shorten(phrase)


def _meaningful(phrase: str) -> bool:
    return len(phrase.split()) >= 2


def _after(text: str, figure: _Figure, limit: int) -> str:
    """Words that qualify a figure right after it ("30 THT có chứng thực của UBND xã"), up to the next figure."""
    rest = text[figure.end : limit]
    if not rest[:1].isspace():
        return ""
    rest = re.sub(r"^\s*trở lên\b", "", rest)
    end = _AFTER_END.search(rest)
    phrase = " ".join((rest[: end.start()] if end else rest).split()).strip(_STRIP)
    phrase = _TRAILING.sub("", " " + phrase)
    phrase = _FUNCTION_TAIL.sub("", phrase).strip(_STRIP)
    return _shorten(phrase)


def _splice(phrase: str, previous: str) -> str | None:
    """Complete an elliptic measure from the previous one: "trình độ trung cấp" after "Tỷ lệ cán bộ … trình độ
    đại học" -> "Tỷ lệ cán bộ … trình độ trung cấp"."""
    words, before = phrase.split(), previous.split()
    if not words or len(words) > 6:
        return None
    head = [w.lower() for w in words[:2]]
    for index in range(len(before) - len(head), 0, -1):
        if [w.lower() for w in before[index : index + len(head)]] == head:
            return " ".join(before[:index] + words)
    return None


def _capitalise(text: str) -> str:
    return text[:1].upper() + text[1:] if text else text


def _lower_first(text: str) -> str:
    first = text.split()[0] if text.split() else ""
    return text if first.isupper() else text[:1].lower() + text[1:]


def _count(unit: str, verb: str, after: str, scope: str) -> MeasureName:
    """"Số {unit} {verb} {after} ({scope})": "Số THT thành lập mới có chứng thực của UBND xã"."""
    generic = (m := _COUNT_VERB.match(" " + verb)) is not None and m.group(1).lower() in _GENERIC_VERBS
    kept_verb = "" if after and generic else verb
    name = " ".join(p for p in (f"Số {unit}", _lower_first(kept_verb) if kept_verb else "", after) if p)
    if scope:
        name += f" ({_lower_first(scope)})"
    return MeasureName(_shorten(name), from_unit=True, verb=verb, scope=scope)


def _counted(unit: str, phrase: str, after: str) -> MeasureName:
    if phrase and (_COUNT_NOUN.match(phrase) or unit.lower() in phrase.lower()) and not _COUNT_VERB.search(phrase):
        return MeasureName(_capitalise(phrase))  # the wording names the count itself
    scope = ""
    verb = ""
    if found := list(_COUNT_VERB.finditer(phrase)):
        verb_start = found[0].start(1)  # "hỗ trợ bồi dưỡng": the whole verb group
        verb = phrase[verb_start:]
        before_verb = phrase[:verb_start].strip(_STRIP)
        scope = before_verb if before_verb.lower().startswith("mỗi") else ""
        if not scope and (match := re.search(r"\bmỗi\b.*$", verb, re.IGNORECASE)) and match.start() > 0:
            verb, scope = verb[: match.start()].strip(_STRIP), match.group(0)  # "xây dựng mỗi làng nghề"
    elif phrase.lower().startswith("mỗi"):
        scope = phrase
    elif _meaningful(phrase):
        scope = phrase
    return _count(unit, verb, after, scope)


def _name_one(text: str, figure: _Figure, start: int, limit: int, previous: MeasureName | None,
              joined: bool, earlier: MeasureName | None) -> MeasureName:
    """`previous`: the measure of the figure before in the same sentence; `earlier`: the one before in the clause."""
    unit = figure.unit
    counting = unit in COUNTING_UNITS
    after = _after(text, figure, limit)
    if joined and previous is not None:
        if previous.from_unit:
            return _count(unit, previous.verb, after if counting else "", previous.scope)
        return MeasureName(previous.text + (f" ({unit} {after})" if counting and after else ""))
    window = text[start : figure.start]
    colons = list(_COLON.finditer(window))
    phrase = _clean(window[colons[-1].end() :] if colons else window)
    if colons:
        label = _clean(window[: colons[-1].start()])
        # "Kinh phí bồi dưỡng: Mỗi năm bố trí 1,0 tỷ đồng": the label names the amount, unless the wording after
        # the colon names a measure itself ("…: Tỷ lệ cán bộ qua đào tạo đạt 60%").
        if _meaningful(label) and (not _meaningful(phrase) or (not counting and not _MEASURE_NOUN.match(phrase))):
            phrase = label
    if earlier is not None and not earlier.from_unit and (spliced := _splice(phrase, earlier.text)):
        return MeasureName(_shorten(spliced))
    if counting:
        return _counted(unit, phrase, after)
    if _meaningful(phrase):
        return MeasureName(_capitalise(phrase))
    if after and _meaningful(after):
        return MeasureName(_capitalise(after))
    return MeasureName(_capitalise(phrase) or unit, from_unit=not phrase)


def measure_names(text: str, figures: Sequence[_Figure]) -> list[str]:
    """One measure name per figure (figures in text order), from the wording of `text`."""
    names: list[MeasureName] = []
    afters: list[str] = []
    sentence_starts = [0] + [m.end() for m in _SENTENCE.finditer(text)]
    previous: _Figure | None = None
    for index, figure in enumerate(figures):
        limit = figures[index + 1].start if index + 1 < len(figures) else len(text)
        start = max(s for s in sentence_starts if s <= figure.start)
        same_sentence = previous is not None and previous.end > start
        joined = False
        if same_sentence and previous is not None:
            start = previous.end
            between = text[previous.end : figure.start]
            # "08 mô hình HTX kiểu mới và 04 THT": the first count's own qualifier does not break the join.
            if afters[-1] and between.lstrip().startswith(afters[-1]):
                between = between.lstrip()[len(afters[-1]) :]
            joined = bool(_JOIN.match(between))
        name = _name_one(text, figure, start, limit, names[-1] if same_sentence else None, joined,
                         names[-1] if names else None)
        names.append(name)
        afters.append(_after(text, figure, limit))
        previous = figure
    return [n.text for n in names]
