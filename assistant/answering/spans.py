"""The kind of answer a question expects, and the spans of that kind a text contains.

A figure question is answered by a figure of the asked kind, never by whatever number the clause happens to
hold: "bao nhiêu phần trăm" wants a percentage, "bao lâu" a duration, "mấy người" a count
of people, "ai quyết định" a body or an agency. Cues and units are data (ingest/lexicon/answers.toml);
the patterns here only say what a percentage, an amount of money, a duration or a date looks like.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache, lru_cache
from typing import TYPE_CHECKING, Literal

from ingest.lexicon import contains_phrase, contains_term, fold, fold_words, lexicon

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable

    from assistant.answering.candidate import Candidate
    from assistant.models import QueryAnalysis

AnswerType = Literal[
    "percentage", "money", "duration", "date", "count", "quantity", "number", "agency", "yes_no", "list", "other"
]

FIGURE_TYPES: frozenset[str] = frozenset({"percentage", "money", "duration", "date", "count", "quantity", "number"})
# Types whose answer is one short span: a clause without such a span cannot answer the question.
SPAN_TYPES: frozenset[str] = FIGURE_TYPES | {"agency"}
_QUANTITY_KINDS = ("percentage", "money", "count", "duration")
_NUMBER_KINDS = ("percentage", "money", "count")  # a number of things is not a length of time


def asked_unit(question: str) -> str | None:
    """The count unit named right after the quantity cue ("bao nhiêu thành viên" -> "thanh vien"), or else the
    unit of time ("trong mấy ngày" -> "ngay"), if any."""
    return _counted_unit(question) or _asked_time_unit(fold_words(question))


def unit_asked_for(question: str, answer_type: str) -> str | None:
    """The unit of the answer asked for: a length of time is measured in time ("sau bao lâu" is not answered in
    members because the asker's story names "số thành viên tối thiểu")."""
    if answer_type in ("duration", "date"):
        return _asked_time_unit(fold_words(question))
    return asked_unit(question)


def _counted_unit(question: str) -> str | None:
    folded = fold_words(question)
    units = "|".join(re.escape(u) for u in lexicon().answers.units["count"])
    cues = "|".join(re.escape(c.strip()) for c in lexicon().answers.cues["count"])
    m = re.search(rf"(?<![a-z0-9])(?:{cues})\s+(?:(?:la|co|duoc|phai|can)\s+)?({units})(?![a-z0-9])", folded)
    # Or named before its bound: "số thành viên tối thiểu", "số lượng HTX tối đa".
    m = m or re.search(rf"(?<![a-z0-9])so(?:\s+luong)?\s+({units})\s+(?:{cues})(?![a-z0-9])", folded)
    return m.group(1) if m else None


def _asked_time_unit(folded: str) -> str | None:
    """The unit of time after the last quantity cue: in "sửa kho mấy tuần thì cần xin phép trước bao lâu" the
    weeks are the asker's plan, and the asked length has no unit."""
    time_units = "|".join(re.escape(u) for u in lexicon().answers.units["duration"])
    cues = list(re.finditer(rf"(?<![a-z0-9])(?:bao nhieu|may|bao lau)(?:\s+({time_units}))?(?![a-z0-9])", folded))
    return cues[-1].group(1) if cues else None


def _asks_other_noun(folded: str) -> bool:
    """Whether the quantity cue is followed by a noun that is not a unit of time ("bao nhiêu tổ phó"): a
    duration does not answer it, though a bare "tối đa bao nhiêu?" may be answered by any figure."""
    m = re.search(r"(?<![a-z0-9])(?:bao nhieu|may)\s+([a-z]+)", folded)
    if m is None or m.group(1) in lexicon().answers.quantity_followers:
        return False
    return _asked_time_unit(folded) is None


def units_named(question: str) -> list[str]:
    """Every count unit the question names ("mấy tổ hợp tác, mấy HTX" -> "to hop tac", "htx"), longest first,
    the asked one included."""
    rest = fold_words(question)
    named: list[str] = []
    for unit in lexicon().answers.units["count"]:  # longest first (the loader sorts them)
        if contains_phrase(rest, unit):
            named.append(unit)
            rest = re.sub(rf"(?<![a-z0-9]){re.escape(unit)}(?![a-z0-9])", " | ", rest)
    return named


_PART_BREAK_RE = re.compile(r"[?;,]\s*|\s+(?:và|rồi|còn|va|roi|con)\s+(?=\S+\s+\S)", re.IGNORECASE)


def asked_parts(question: str) -> list[tuple[str, AnswerType, str | None, str | None]]:
    """The figures, dates and bodies asked by the question's parts (split at "?", ",", ";" and "và"), after
    the first, each with its own kind, unit and bound, one per kind, none of the question's main kind."""
    main = expected_answer_type(question)
    seen = {main}
    out: list[tuple[str, AnswerType, str | None, str | None]] = []
    for part in _PART_BREAK_RE.split(question):
        part = part.strip()
        if len(part.split()) < 2:
            continue
        kind = _first_cued_type(fold_words(part) + " ")
        if kind in SPAN_TYPES and kind not in seen:
            seen.add(kind)
            part_kind = kind_continued(expected_answer_type(part), main)
            out.append((part, part_kind, unit_asked_for(part, part_kind), asked_bound(part)))
    return [p for p in out if p[1] in SPAN_TYPES and p[1] != main]


# Figures whose measure a bare "bao nhiêu" later in the same question goes on asking in.
_CONTINUED_MEASURES = frozenset({"percentage", "money"})


def kind_continued(kind: AnswerType, earlier: AnswerType) -> AnswerType:
    """The kind a part asks, read after an earlier part of the same question: "Quỹ thưởng trích mấy phần trăm,
    quỹ phúc lợi thì bao nhiêu?" asks a percentage twice; read alone, the bare "bao nhiêu" took any number of the
    clause ("20 ngày"). Only a share or an amount of money carries over: a count's unit often changes between parts
    ("bao nhiêu thành viên, còn liên hiệp thì bao nhiêu?" counts cooperatives)."""
    return earlier if kind == "quantity" and earlier in _CONTINUED_MEASURES else kind


def asked_bound(question: str) -> Literal["min", "max"] | None:
    """"min" for "tối thiểu / ít nhất bao nhiêu", "max" for "tối đa / không quá", None for neither or both."""
    folded = fold_words(question)
    found = [bound for bound, cues in lexicon().answers.question_bounds.items()
             if any(contains_phrase(folded, cue) for cue in cues)]
    return found[0] if len(found) == 1 else None  # type: ignore[return-value]


def span_bound(span: Span) -> str | None:
    """The bound a span states by its opening word ("không quá 30%" -> "max"), None for an exact figure."""
    folded = fold_words(span.text)
    for bound, words in lexicon().answers.span_bounds.items():
        if any(folded == w or folded.startswith(w + " ") for w in words):
            return bound
    return None


def expected_answer_type(question: str) -> AnswerType:
    """The first type (in the lexicon's order) with a cue in the question; "other" when none has."""
    folded = fold_words(question) + " "
    answers = lexicon().answers
    ending = re.sub(r"[^a-z0-9 ]", " ", folded).split()
    found = _first_cued_type(folded)
    if ending and any(" ".join(ending[-len(e.split()):]) == e for e in answers.yes_no_endings) and not (
            found in SPAN_TYPES and any(contains_phrase(folded, w) for w in answers.asks_beside_yes_no)):
        return "yes_no"
    counted = _counted_unit(question)
    if found == "duration" and counted in answers.cues["duration"]:
        # "tối đa mấy nhiệm kỳ" counts terms: the word that cues a period is here the thing counted.
        return "count"
    if found in ("count", "money") and asked_unit(question) is None:
        # "tối đa bao nhiêu?" with no unit: the noun asked about may say what it is measured in ("lãi suất" is
        # a percentage even where a loan cue says money); otherwise a percentage, an amount or a count may answer.
        measured = _measured_by(folded)
        if measured is not None:
            return measured
    if found == "count" and asked_unit(question) is None:
        return "number" if _asks_other_noun(folded) else "quantity"
    return found


def _measured_by(folded: str) -> AnswerType | None:
    # Percentage nouns first: "lãi suất ... phí" is still a rate.
    measured_by = lexicon().answers.measured_by
    for answer_type in sorted(measured_by, key=lambda t: t != "percentage"):
        if any(contains_phrase(folded, noun) for noun in measured_by[answer_type]):
            return answer_type  # type: ignore[return-value]
    return None


def _first_cued_type(folded: str) -> AnswerType:
    answers = lexicon().answers
    for answer_type in answers.order:
        for cue in answers.cues.get(answer_type, ()):
            # A cue ending in a space ("ai ", "may ") must be a whole word followed by another word.
            if cue.endswith(" ") and re.search(rf"(?<![a-z0-9]){re.escape(cue)}", folded):
                return answer_type  # type: ignore[return-value]
            # A cue followed by its figure states what the asker already knows ("trễ hạn 45 ngày rồi thì mức
            # phạt là bao nhiêu?" asks an amount, not a time).
            if not cue.endswith(" ") and re.search(
                    rf"(?<![a-z0-9]){re.escape(cue)}(?![a-z0-9])(?!\s+(?:la\s+)?\d)", folded):
                return answer_type  # type: ignore[return-value]
    return "other"


@dataclass(frozen=True)
class Span:
    kind: str
    start: int
    end: int
    text: str


_NUMBER = r"(?:\d{1,3}(?:\.\d{3})+(?:,\d+)?|\d+(?:[.,]\d+)?)"
# Figures spelled out as laws write them ("hơn bảy mươi lăm phần trăm (75%)"): tens, then an optional unit word.
_DIGIT_WORDS = r"(?:một|mốt|hai|ba|bốn|tư|năm|lăm|sáu|bảy|tám|chín)"
_NUMBER_WORDS = (
    rf"(?:(?:(?:hai|ba|bốn|năm|sáu|bảy|tám|chín)\s+mươi|mười)(?:\s+{_DIGIT_WORDS})?|{_DIGIT_WORDS}|một trăm)"
)
_QUANTITY = rf"(?:{_NUMBER}(?:\s*[-–]\s*{_NUMBER})?|{_NUMBER_WORDS})"
# A figure starts a word: "triển khai đồng bộ" holds no "hai đồng", "khai năm" no "hai năm".
_BOUND = (r"(?<!\w)(?:(?:tối thiểu|tối đa|ít nhất|không quá|không vượt quá|không dưới|không ít hơn|chưa quá|hơn|trên|dưới|"
          r"đến|từ|khoảng|bằng)\s+(?:(?:là|bằng)\s+)?)?")

_PERCENT_RE = re.compile(
    rf"{_BOUND}{_QUANTITY}\s*(?:%|phần trăm)(?:\s+(?:tổng\s+)?(?:số\s+)?[^\s,.;:]+(?:\s+[^\s,.;:]+){{0,6}}?(?=[,.;:]|$))?",
    re.IGNORECASE,
)
_PERCENT_CORE_RE = re.compile(
    rf"{_BOUND}(?:{_QUANTITY}\s*(?:%|phần trăm)(?:\s*\(\s*{_NUMBER}\s*%\s*\))?|(?:một|hai|ba)\s+phần\s+(?:hai|ba|tư|năm|mười))", re.IGNORECASE
)
# Legal texts spell an amount out in brackets after its figure: "20 (hai mươi) tỷ đồng".
_MONEY_RE = re.compile(
    rf"{_BOUND}{_QUANTITY}\s*(?:\([^()0-9]{{1,30}}\)\s*)?(?:nghìn|ngàn|triệu|tỷ|tỉ)?\s*(?:đồng|VNĐ|VND)(?:/[^\s,.;]+)?",
    re.IGNORECASE,
)
# Plans write an amount without its currency ("từ 7 triệu năm 2005 lên 14 triệu vào năm 2010"): millions or
# billions followed by what ends an amount, not by a thing counted ("14 triệu người").
_BARE_AMOUNT_RE = re.compile(
    rf"{_BOUND}{_QUANTITY}\s*(?:triệu|tỷ|tỉ)(?=\s*(?:[.,;:)]|$)|\s+(?:năm|vào|trong|lên|đến|mỗi|một|cho|và)\b)",
    re.IGNORECASE,
)
_DATE_RE = re.compile(
    r"(?:(?:trước|chậm nhất|đến|từ|trong)\s+(?:ngày\s+)?)?"
    r"(?:ngày\s+\d{1,2}(?:/|\s+tháng\s+)\d{1,2}(?:(?:/|\s+năm\s+)\d{4})?|\d{1,2}/\d{1,2}/\d{4}|"
    r"(?:tháng|quý)\s+(?:\d{1,2}|[IV]+)(?:/|\s+năm\s+)\d{4}|(?:trong\s+)?năm\s+\d{4})",
    re.IGNORECASE,
)
_DEADLINE_AFTER_RE = re.compile(r"\s*,?\s*(?:kể từ|tính từ)\b", re.IGNORECASE)
# A date right after a document's number ("Quyết định số 1804/QĐ-TTg ngày 13 tháng 11 năm 2020") is the day that
# document was issued: it names the document, and answers no question about a deadline or a date of effect (a
# question about when a document was issued is answered from the catalogue: question.metadata_cues).
_DOCUMENT_NUMBER_BEFORE_RE = re.compile(r"\d+/(?:\d{4}/)?[A-ZĐ][\wĐđ-]*\s*$")
_PERIODIC_RE = re.compile(
    r"(?:định kỳ|hằng|hàng|mỗi)\s+(?:\d+\s+)?(?:ngày|tuần|tháng|quý|năm)(?:\s*(?:,|và|hoặc)\s*(?:hằng\s+|hàng\s+)?(?:tháng|quý|năm))*"
    r"(?:\s+một\s+lần)?",
    re.IGNORECASE,
)
@cache
def _unit_pattern(kind: str) -> re.Pattern[str]:
    units = lexicon().answers.units.get(kind, ())
    # Units are folded in the lexicon; the text is matched folded too (same length as the original here,
    # because folding only drops combining marks and the text is NFC).
    alternatives = "|".join(r"\s+".join(re.escape(w) for w in u.split()) for u in units)
    bound = fold(_BOUND)
    quantity = rf"(?:{_NUMBER}(?:\s*[-–]\s*{_NUMBER})?|{fold(_NUMBER_WORDS)})"
    return re.compile(rf"{bound}{quantity}\s*(?:\(\s*[^)]{{1,12}}\)\s*)?(?:{alternatives})(?![a-z])", re.IGNORECASE)


_ACCENTED_QUANTITY_RE = re.compile(rf"{_BOUND}{_QUANTITY}", re.IGNORECASE)


def _folded_matches(pattern: re.Pattern[str], text: str, kind: str) -> list[Span]:
    """Matches of a folded pattern (units are folded in the lexicon). In accented text the figure must also be
    a figure with its diacritics: folded, "tự quy(định)" reads as "tư quý" (four quarters), "năm" (year) as five."""
    folded = fold(text)
    if len(folded) != len(text):  # decomposed input: fall back to no spans rather than misaligned ones
        return []
    accented = folded != text.lower()
    spans = []
    for m in pattern.finditer(folded):
        if accented and not (_ACCENTED_QUANTITY_RE.match(text, m.start())
                             and _unit_as_written(text[m.start():m.end()], kind)):
            continue
        spans.append(Span(kind, m.start(), m.end(), text[m.start():m.end()].strip()))
    return spans


def _unit_as_written(span_text: str, kind: str) -> bool:
    """In accented text, whether the span's last word is a unit of `kind` as written: "02 quỹ" is not "02 quý"."""
    words = span_text.lower().split()
    if not words:
        return False
    spellings = lexicon().answers.units_as_written.get(kind, {}).get(fold(words[-1]))
    return spellings is None or words[-1] in spellings


def _regex_spans(pattern: re.Pattern[str], text: str, kind: str) -> list[Span]:
    return [Span(kind, m.start(), m.end(), m.group(0).strip()) for m in pattern.finditer(text)]


def _body_spans(text: str) -> list[Span]:
    """Agencies (the agency table) and the bodies laws assign roles to (lexicon: documents.bodies)."""
    from ingest.agencies import find_agencies

    spans = [Span("agency", m.start, m.end, m.as_written) for m in find_agencies(text)]
    folded = fold(text)
    if len(folded) == len(text):
        for body in lexicon().documents.bodies:
            for m in re.finditer(rf"(?<![a-z]){re.escape(fold(body))}(?![a-z])", folded):
                spans.append(Span("agency", m.start(), m.end(), text[m.start():m.end()]))
    return spans


def _same_unit(unit: str, span_text: str) -> bool:
    """Whether a count span counts the asked unit, abbreviations spelled out ("35 HTX" counts "hợp tác xã")."""
    from ingest.textnorm import expand_abbreviations

    counted = fold(expand_abbreviations(span_text))
    units = (unit, *lexicon().answers.unit_equivalents.get(unit, ()))
    return any(fold(expand_abbreviations(u.upper() if u.isalpha() and len(u) <= 5 else u)) in counted for u in units)


def names_unit(span_text: str, unit: str) -> bool:
    """Whether a count span is of the asked unit by name ("05 thành viên" for "thành viên"), not only of a unit
    counted the same way ("03 người"), abbreviations spelled out."""
    from ingest.textnorm import expand_abbreviations

    counted = fold(expand_abbreviations(span_text))
    return contains_phrase(counted, fold(expand_abbreviations(unit.upper() if unit.isalpha() and len(unit) <= 5
                                                              else unit)))


def find_spans(text: str, answer_type: str, unit: str | None = None, bound: str | None = None) -> list[Span]:
    """Spans of `answer_type` (of `unit` for counts); with `bound`, not those stating the opposite bound."""
    spans = _find_spans(text, answer_type, unit)
    if bound is None:
        return list(spans)
    return [s for s in spans if span_bound(s) in (None, bound)]


def unclaimed_span(text: str, asked: QueryAnalysis, claimed: Iterable[str] = ()) -> Span | None:
    """The first figure or date of the kind `asked` asks (a count of its unit, within its bound) that `text`
    states and that no `claimed` text holds (an answer given to another part of the question); None when
    there is none."""
    taken = [fold(c) for c in claimed]
    for span in find_spans(text, asked.answer_type, asked.answer_unit, asked.answer_bound):
        if not any(fold(span.text) in t for t in taken):
            return span
    return None


# Kinds specific enough to pick clauses out at retrieval: "quantity" (any number) and bodies are everywhere.
_RETRIEVAL_KINDS = frozenset({"percentage", "money", "duration", "date", "count"})


def answer_holder(analysis: QueryAnalysis) -> Callable[[str], bool] | None:
    """For a question that asks a figure of a specific kind, a test of whether a text states one (retrieval
    ranks such clauses as a third list); None for other questions."""
    if analysis.answer_type == "agency" and asks_recipient(analysis.question):
        # "gửi ở đâu?": the clauses that name a body receiving ("đơn gửi tới Ủy ban nhân dân xã nơi cư trú"),
        # which the many clauses on the same papers outrank on both similarity lists
        return lambda text: any(_received(text, s) for s in find_spans(text, "agency"))
    if analysis.answer_type not in _RETRIEVAL_KINDS or (analysis.answer_type == "count" and not analysis.answer_unit):
        return None
    answer_type, unit, bound = analysis.answer_type, analysis.answer_unit, analysis.answer_bound
    return lambda text: bool(find_spans(text, answer_type, unit, bound))


@lru_cache(maxsize=8192)
def _find_spans(text: str, answer_type: str, unit: str | None) -> tuple[Span, ...]:
    """Every span of `answer_type` in `text`, in text order (empty for types that are not spans). With a count
    `unit` ("thanh vien"), only counts of that unit, or shares of it ("một phần ba tổng số thành viên")."""
    if answer_type == "quantity":
        spans = [s for kind in _QUANTITY_KINDS for s in find_spans(text, kind)]
    elif answer_type == "number":
        spans = [s for kind in _NUMBER_KINDS for s in find_spans(text, kind)]
    elif answer_type == "duration" and unit:
        spans = [s for s in find_spans(text, "duration") if contains_phrase(fold(s.text), unit)]
    elif answer_type == "count" and unit:
        folded = fold(text)
        spans = [s for s in find_spans(text, "count") if _same_unit(unit, s.text)]
        units = (unit, *lexicon().answers.unit_equivalents.get(unit, ()))
        spans += [s for s in find_spans(text, "percentage")
                  if any(contains_phrase(folded[s.end:s.end + 40], u) for u in units)]
    elif answer_type == "percentage":
        spans = _regex_spans(_PERCENT_CORE_RE, text, "percentage")
    elif answer_type == "money":
        spans = _regex_spans(_MONEY_RE, text, "money") + _regex_spans(_BARE_AMOUNT_RE, text, "money")
        bases = lexicon().answers.units.get("money_base", ())
        spans += [s for s in find_spans(text, "percentage")
                  if any(contains_term(text[s.end:s.end + 40], base) for base in bases)]
    elif answer_type == "duration":
        # "25 tháng" inside "ngày 25 tháng 11 năm 2019" is part of a date, not a length of time.
        dates = _regex_spans(_DATE_RE, text, "date")
        spans = [s for s in _folded_matches(_unit_pattern("duration"), text, "duration") + _regex_spans(
            _PERIODIC_RE, text, "duration") if not any(d.start <= s.start < d.end for d in dates)]
    elif answer_type == "date":
        # "Hạn chót là khi nào?" is as often answered by a time limit counted from an event ("chậm nhất là 06
        # tháng kể từ ngày …") as by a calendar date.
        spans = [d for d in _regex_spans(_DATE_RE, text, "date")
                 if not _DOCUMENT_NUMBER_BEFORE_RE.search(text, max(0, d.start - 40), d.start)] + [
            Span("date", s.start, s.end, s.text) for s in find_spans(text, "duration")
            if _DEADLINE_AFTER_RE.match(text, s.end)]
    elif answer_type == "count":
        spans = _folded_matches(_unit_pattern("count"), text, "count")
    elif answer_type == "agency":
        spans = _body_spans(text)
    else:
        return ()
    spans.sort(key=lambda s: (s.start, -(s.end - s.start)))
    names = _name_ranges(text)
    out: list[Span] = []
    for span in spans:
        if out and span.start < out[-1].end:
            continue  # overlapping: the earlier, longer one was kept
        if any(a <= span.start and span.end <= b for a, b in names):
            continue  # "công ty trách nhiệm hữu hạn một thành viên" counts no members
        out.append(span)
    return tuple(out)


def _name_ranges(text: str) -> list[tuple[int, int]]:
    """Where the text names something with a figure in its name (lexicon: answers.names_with_figures)."""
    folded = fold(text)
    if len(folded) != len(text):
        return []
    return [(m.start(), m.end()) for name in lexicon().answers.names_with_figures
            for m in re.finditer(rf"(?<![a-z0-9]){re.escape(name)}(?![a-z0-9])", folded)]


_SENTENCE_END_RE = re.compile(r"(?<=[.;:!?])\s+(?=[A-ZĐÀ-Ỹa-zđà-ỹ0-9\"“(])")


def sentences(text: str) -> list[tuple[int, int]]:
    """Sentence (or semicolon part) boundaries as (start, end) offsets into `text`."""
    bounds: list[tuple[int, int]] = []
    start = 0
    for m in _SENTENCE_END_RE.finditer(text):
        bounds.append((start, m.start()))
        start = m.end()
    bounds.append((start, len(text)))
    return [(a, b) for a, b in bounds if text[a:b].strip()]


def sentence_with(text: str, offset: int) -> str:
    for a, b in sentences(text):
        if a <= offset < max(b, a + 1):
            return text[a:b].strip()
    return text.strip()


def sentence_overlap(sentence: str, question_words: list[str]) -> int:
    """How many of the question's words (folded, multi-syllable words as phrases) the sentence uses."""
    folded = fold_words(sentence)
    return sum(1 for w in question_words if contains_phrase(folded, w))


_FIGURE_NUMBER_RE = re.compile(r"\d+(?:[.,]\d+)*")
_GIVEN_KINDS = ("percentage", "money", "duration", "count", "date")


_DIGIT_VALUES = {"mot": 1, "hai": 2, "ba": 3, "bon": 4, "tu": 4, "nam": 5, "lam": 5, "sau": 6, "bay": 7, "tam": 8,
                 "chin": 9}


def _spelled_number(text: str) -> str | None:
    """The value of a figure written in words ("một thành viên", "hai mươi lăm ngày"), as digits; None if the
    text has none. Only the forms `_NUMBER_WORDS` matches: units, tens, "mười", "một trăm"."""
    words = fold(text).split()
    for i, word in enumerate(words):
        nxt = words[i + 1] if i + 1 < len(words) else ""
        after = words[i + 2] if i + 2 < len(words) else ""
        if word == "muoi":
            return str(10 + _DIGIT_VALUES.get(nxt, 0))
        if word in _DIGIT_VALUES:
            if nxt == "muoi":
                return str(_DIGIT_VALUES[word] * 10 + _DIGIT_VALUES.get(after, 0))
            if word == "mot" and nxt == "tram":
                return "100"
            return str(_DIGIT_VALUES[word])
    return None


def _numbers(text: str) -> tuple[str, ...]:
    out = []
    for number in _FIGURE_NUMBER_RE.findall(text):
        if re.fullmatch(r"\d{1,3}(?:\.\d{3})+", number):  # "2.000.000": thousands, not a decimal point
            number = number.replace(".", "")
        out.append(number.replace(",", ".").lstrip("0") or "0")
    if not out:
        # A figure the question spells out ("công ty một thành viên") is as given as one in digits.
        spelled = _spelled_number(text)
        return (spelled,) if spelled else ()
    return tuple(out)


@lru_cache(maxsize=1024)
def given_figures(question: str) -> frozenset[tuple[str, tuple[str, ...]]]:
    """The figures the question itself states ("đã chậm 20 ngày thì phải nộp thêm bao nhiêu?"), by kind and
    number, and the question's own words for the bodies it names: a clause restating them does not answer
    what the question asks about them."""
    figures = {(kind, _numbers(span.text)) for kind in _GIVEN_KINDS
               for span in find_spans(question, kind) if _numbers(span.text)}
    # A body the question names is its subject, not its answer ("Quỹ … trực thuộc cơ quan nào?").
    return frozenset(figures | {("question", (_body_name(question),))})


def is_given(span: Span, given: frozenset[tuple[str, tuple[str, ...]]]) -> bool:
    if not given:
        return False
    if span.kind == "agency":
        return any(kind == "question" and contains_phrase(asked[0], _body_name(span.text)) for kind, asked in given)
    return (span.kind, _numbers(span.text)) in given


@lru_cache(maxsize=4096)
def _body_name(text: str) -> str:
    """A body's name folded with acronyms for their words, in lower case: "Liên minh Hợp tác xã tỉnh" and
    "lien minh htx tinh" read the same."""
    from ingest.textnorm import expand_abbreviations

    acronyms = {fold(a): a for a in lexicon().abbreviations if re.fullmatch(r"[A-ZĐ]+", a)}
    spelled = " ".join(acronyms.get(w, w) for w in fold_words(text).split())  # "htx" typed lower case
    return fold_words(expand_abbreviations(spelled))


@lru_cache(maxsize=1)
def _organisation_forms() -> list[tuple[re.Pattern[str], str]]:
    forms = [(form, kind) for kind, names in lexicon().answers.organisations.items() for form in names]
    return [(re.compile(rf"(?<![a-z0-9]){re.escape(form)}(?![a-z0-9])"), kind)
            for form, kind in sorted(forms, key=lambda f: -len(f[0]))]


# Laws name the fund they regulate "Quỹ" once defined: capitalised inside a sentence it is that fund, while a
# cooperative's own reserve funds are written "quỹ đầu tư phát triển", "quỹ dự phòng".
_DEFINED_FUND_RE = re.compile(r"(?<=[a-zà-ỹđ,] )Quỹ(?!\w)")


@lru_cache(maxsize=8192)
def organisations_named(text: str) -> frozenset[str]:
    """The kinds of organisation a text names (lexicon: answers.organisations); a longer name hides the names it
    contains, so a fund whose name ends in "hợp tác xã" names a fund, not a cooperative."""
    folded = fold_words(text)
    kinds = set()
    for pattern, kind in _organisation_forms():
        if pattern.search(folded):
            kinds.add(kind)
            folded = pattern.sub("#", folded)
    if _DEFINED_FUND_RE.search(text):
        kinds.add("fund")
    return frozenset(kinds)


def asks_recipient(question: str) -> bool:
    """Whether the question asks who receives something ("gửi cho những ai?", "nộp đến cơ quan nào?")."""
    folded = fold(question)
    return any(contains_phrase(folded, cue) for cue in lexicon().answers.recipient_asks)


def _received(text: str, span: Span) -> bool:
    """Whether a body is named as a receiver: a receiver word ("đến", "cho") before it in its sentence, and no word
    after that one making the body an actor again ("do", "kèm")."""
    start = next((a for a, b in sentences(text) if a <= span.start < max(b, a + 1)), 0)
    written = text[start:span.start].lower().split()
    words = [fold(w) for w in written]
    answers = lexicon().answers
    # A marker written with its diacritics ("tại") is matched as written: folded, it is also "tài" of "Tài chính".
    marked = [i for i, (w, f) in enumerate(zip(written, words, strict=True))
              if w in answers.recipient_markers or f in answers.recipient_markers]
    return bool(marked) and not any(w in answers.recipient_breaks for w in words[marked[-1] + 1:])


def _organisation_fit(text: str, span: Span, spans: list[Span], asked: frozenset[str]) -> int:
    """How a span suits the kinds of organisation the question names, read from the words after it up to the next
    span ("tới 12% … với tổ hợp tác, tới 18% … với liên hiệp"): 0 it names one of
    them, 1 it names none, 2 it names only others."""
    if not asked:
        return 1
    following = [s.start for s in spans if s.start > span.start]
    named = organisations_named(text[span.end:min([*following, span.end + 80])])
    return 0 if named & asked else (2 if named else 1)


# Words after a percentage that name what it is a share of ("bằng 120% mức lãi đúng hạn"), compared with
# what the question asks the value of.
SHARE_BASE_SYLLABLES = 4


@dataclass(frozen=True)
class SpanQuestion:
    """What a question says of the span that answers it, beyond its kind: the figures it states itself (they are
    not answers), whether it asks who receives, the kinds of organisation it asks about, and the words before
    and after its percentage cue ("Phí quản lý thu mấy phần trăm?" asks the value of a fee; a clause's "bằng 80%
    phí quản lý" is a share of that fee, not its value)."""

    given: frozenset[tuple[str, tuple[str, ...]]] = frozenset()
    recipient: bool = False
    frequency: bool = False  # asks how often: a recurrence ("hằng năm") answers it, and only it
    body_head: str = ""  # "phong" for "phòng nào?": a body whose name starts so answers before others
    organisations: frozenset[str] = frozenset()
    before_share: str = ""
    after_share: str = ""

    @classmethod
    def of(cls, question: str, part: str | None = None) -> SpanQuestion:
        """For a question, or one `part` of it (what it asks is read from the part, what it states from all)."""
        asked = part or question
        folded = fold_words(asked)
        cues = [m for cue in lexicon().answers.cues.get("percentage", ())
                for m in re.finditer(rf"(?<![a-z0-9]){re.escape(fold_words(cue))}(?![a-z0-9])", folded)]
        first = min(cues, key=lambda m: m.start()) if cues else None
        return cls(given=given_figures(question), recipient=asks_recipient(asked),
                   frequency=any(contains_phrase(folded, cue) for cue in lexicon().answers.frequency_asks),
                   body_head=next((h for h in lexicon().answers.body_heads if contains_phrase(folded, f"{h} nao")), ""),
                   organisations=organisations_named(asked) or organisations_named(question),
                   before_share=folded[:first.start()] if first else "",
                   after_share=folded[first.end():] if first else "")

    def is_share_of_the_measured(self, text: str, span: Span) -> bool:
        """Whether a percentage is stated as a share of the very thing whose value the question asks."""
        if span.kind != "percentage" or not self.before_share:
            return False
        base = re.findall(r"[a-z0-9]+", fold_words(text[span.end:span.end + 60]))[:SHARE_BASE_SYLLABLES]
        if len(base) < SHARE_BASE_SYLLABLES:
            return False
        # as syllables, not a phrase: a question may name the base in another order than the clause does
        # ("phí quản lý hằng tháng" for "80% mức phí hằng tháng quản lý")
        before, after = set(self.before_share.split()), set(self.after_share.split())
        return set(base) <= before and not set(base) <= after

    def head_misfit(self, span: Span) -> int:
        """0 for a body named as the question asks ("Phòng …" for "phòng nào?") or any span when it names no
        kind of body; 1 otherwise."""
        if not self.body_head or span.kind != "agency":
            return 0
        return 0 if fold_words(span.text).startswith(self.body_head + " ") else 1

    def excludes(self, text: str, span: Span) -> bool:
        return (is_given(span, self.given) or (self.recipient and span.kind == "agency" and not _received(text, span))
                or self.is_share_of_the_measured(text, span)
                or (not self.frequency and span.kind == "duration" and _PERIODIC_RE.fullmatch(span.text) is not None))


def best_span(candidate: Candidate, answer_type: str, question_words: list[str],
              unit: str | None = None, bound: str | None = None,
              asked: SpanQuestion = SpanQuestion(), claimed: Iterable[str] = ()) -> tuple[Span, str] | None:
    """The span of the asked type that answers, with the sentence carrying it (the lead-in's sentence when the
    figure is in a khoản's lead-in and the topic in its points): spans in the clause itself come first, then in
    its structural context; among those, the span whose sentence shares most question words. A span the
    question rules out (`SpanQuestion.excludes`), or one already given as the answer to another part of the
    question (`claimed`), is not an answer."""
    taken = {fold(c) for c in claimed}
    options: list[tuple[int, int, int, int, Span, str]] = []
    for priority, text in enumerate((candidate.clause.text, candidate.context)):
        spans = find_spans(text, answer_type, unit, bound)
        for span in spans:
            if asked.excludes(text, span) or fold(span.text) in taken:
                continue
            sentence = sentence_with(text, span.start)
            options.append((priority, -sentence_overlap(sentence, question_words), asked.head_misfit(span),
                            _organisation_fit(text, span, spans, asked.organisations), span, sentence))
        if options:
            break
    if not options:
        return None
    # Among spans of one sentence, the body of the kind asked ("phòng nào?"), then the one stated for the kind of
    # organisation asked about.
    options.sort(key=lambda o: (o[0], o[1], o[2], o[3], o[4].start))
    return options[0][4], options[0][5]
