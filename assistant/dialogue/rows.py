"""The question one row of a grouped answer asks: the grouped question as it would be asked of that one
province or document alone.

Two shapes of grouped question are read:

- the rows named side by side ("chỉ tiêu của Quảng Ninh và Lâm Đồng", "theo Luật HTX và Nghị định 77, …"): the
  row's question is the whole question with only this row's place swapped in, or without the documents' names
  (the row is restricted to its document);
- each row with a part of its own ("nhiệm kỳ Hội đồng quản trị theo Luật HTX và nhiệm kỳ Chủ tịch Quỹ theo Nghị
  định 45 tối đa là bao lâu", "vốn tối thiểu theo Nghị định 45 so với mục tiêu mà Lâm Đồng đặt ra"): the
  question is cut at the joiner between the parts, each row asks its own part with the words the parts share
  (the head of the first part the others leave out, the question form after the last).

The comparison itself ("khác gì về", "so với") is left out: each row is ranked as a single question would be.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from assistant.dialogue.reading import Reading, Syllable, cut, read, tidy
from assistant.models import QueryAnalysis
from ingest.lexicon import lexicon

if TYPE_CHECKING:
    from assistant.dialogue.multidoc import Row, Scope
    from assistant.dialogue.source import AnswerSource


# A part naming no more syllables of a topic than this (one word: "nộp", "đăng ký") has no topic of its own.
_THIN_SYLLABLES = 2


@dataclass(frozen=True)
class Mention:
    start: int
    end: int
    row: Row


def row_question(assistant: AnswerSource, analysis: QueryAnalysis, row: Row, scope: Scope) -> QueryAnalysis:
    """The analysed question of one row, restricted to its province or document."""
    words = lexicon().dialogue
    reading = read(analysis)
    documents = any(r.kind == "document" for r in scope.rows)
    provinces = any(r.kind == "province" for r in scope.rows)
    restriction: dict[str, object]
    if row.kind == "province":
        restriction = {"provinces": [row.value], "unknown_places": [],
                       "document_ids": [] if documents else list(analysis.document_ids)}
    else:
        restriction = {"document_ids": [row.value], "provinces": [], "unknown_places": []}
    part = row_parts(assistant, reading, scope).get(row)
    if part is not None:
        own = read(assistant.analyze(part))
        # The row is restricted to its document: the document's name left in the question is words no clause of
        # it states, and would outweigh the words of what is asked.
        named = _named_spans(assistant, own, scope) if row.kind == "document" else []
        question = cut(part, own.phrase_spans((*words.compare, *words.contrasts)) + named)
    elif row.kind == "province":
        from assistant.dialogue.state import Slots, frame_of, render, state_of

        state = state_of(reading)
        slots = Slots(places=[row.value], years=state.slots.years, agencies=state.slots.agencies)
        swapped = read(assistant.analyze(render(frame_of(reading, drop_roles=frozenset({"collect"})), slots)))
        question = cut(swapped.question, swapped.phrase_spans(words.compare)
                       + (_named_spans(assistant, swapped, scope) if documents else []))
    else:
        question = cut(reading.question, reading.phrase_spans(words.compare) + _named_spans(assistant, reading, scope)
                       + (reading.place_spans() if provinces else []))
    question = _without_opening_words(question)
    row_analysis = assistant.analyze((question or reading.question).rstrip("?") + "?")
    if row.kind == "province" and row_analysis.asks_about == "province":
        # "… của tỉnh" beside "kế hoạch" reads as asking which province issued it; the row is that province.
        restriction["asks_about"] = None
    return row_analysis.model_copy(update=restriction)


def _named_spans(assistant: AnswerSource, reading: Reading, scope: Scope) -> list[tuple[int, int]]:
    """Where the question names its documents: by type and number ("theo Nghị định 77"), and a row's document by
    its type alone with the rest of its short name ("theo quyết định phê duyệt giai đoạn 2006–2010"), the preposition before
    it included."""
    from assistant.dialogue.multidoc import Row, document_name, type_word_mentions
    from ingest.lexicon import fold_words

    spans = list(reading.document_spans())
    words = [s for s in reading.syllables if s.role != "punct"]
    prepositions = set(lexicon().dialogue.document_prepositions)
    joiners = set(lexicon().dialogue.joiners)
    for _, kind, first, end in type_word_mentions(reading):
        of_type = [d for d in assistant.catalog.documents if d.type == kind]
        if len(of_type) != 1 or Row("document", of_type[0].id) not in scope.rows:
            continue
        name = set(fold_words(document_name(of_type[0])).split())
        while end < len(words) and words[end].folded in name:
            end += 1
        if first and words[first - 1].folded in prepositions:
            first -= 1
        if first and words[first - 1].folded in joiners:
            first -= 1  # "Ở Quảng Ninh và trong thông báo …": the place's row keeps no dangling "và"
        spans.append((words[first].start, words[end - 1].end))
    return spans


def _without_opening_words(question: str) -> str:
    """The row's question without a joiner left at its start by cutting the place or document before it ("và
    trong …"), nor a request opening the grouped question ("Tổng hợp giúp mình …")."""
    from ingest.lexicon import fold_words

    words = lexicon().dialogue
    head, _, rest = question.partition(" ")
    if rest and fold_words(head.strip(",;:")) in words.joiners:
        question = tidy(rest)
    tokens = question.split()
    for request in words.requests:
        size = len(request.split())
        if len(tokens) > size and fold_words(" ".join(tokens[:size])) == request:
            rest = " ".join(tokens[size:])
            return tidy(rest[:1].upper() + rest[1:])
    return question


def row_parts(assistant: AnswerSource, reading: Reading, scope: Scope) -> dict[Row, str]:
    """Each row's own part of a question that gives every row a part of its own, with the words the parts
    share; empty when the rows are named side by side (or the parts cannot be told apart)."""
    mentions = _mentions(assistant, reading, scope)
    if len(mentions) != len(scope.rows) or len({m.row for m in mentions}) != len(mentions):
        return {}
    question = reading.question
    cuts: list[tuple[int, int]] = []  # the joiner between two parts
    for before, after in zip(mentions, mentions[1:], strict=False):
        between = [s for s in reading.syllables if before.end <= s.start and s.end <= after.start]
        if all(_joins(s) or s.role == "punct" for s in between):
            return {}  # side by side: "Quảng Ninh và Lâm Đồng"
        joiner = _last_joiner(reading, between)
        if joiner is None:
            return {}
        cuts.append(joiner)
    parts: list[str] = []
    start = 0
    for a, b in cuts:
        parts.append(question[start:a])
        start = b
    parts.append(question[start:])
    last = mentions[-1].end
    closing = [s for s in reading.syllables if s.start >= last]
    # The question form after the last row's part ("… tối đa là bao lâu?") is every part's; words of a topic
    # there belong to the last part only.
    tail = question[last:] if all(s.role in {"ask", "function", "punct", "closer"} for s in closing) else ""
    first = parts[0]
    opening = read(assistant.analyze(first))
    if not opening.has("ask") and not [s for s in opening.syllables if s.role == "topic" and not s.document]:
        return {}  # only a place or document with its year ("Hòa Bình (năm 2017) và …"): named side by side
    out: dict[Row, str] = {}
    for index, (mention, part) in enumerate(zip(mentions, parts, strict=True)):
        # A part with a question form of its own ("… cần những giấy tờ gì") does not take the last one's.
        own_tail = "" if index == len(parts) - 1 or read(assistant.analyze(part)).has("ask") else " " + tail
        if index == 0 or _thin(assistant, part):
            text = part + own_tail
        else:
            text = _head(first, part) + " " + part + own_tail
        out[mention.row] = tidy(text)
    return _with_the_first_topic(assistant, out, [m.row for m in mentions])


def _thin(assistant: AnswerSource, part: str) -> bool:
    """Whether a part names at most one word of a topic of its own besides its document ("còn theo Nghị định Y
    thì nộp ở đâu", "theo Thông tư Z thì đăng ký ở đâu"): it asks its question of the first part's topic."""
    reading = read(assistant.analyze(part))
    own = [s for s in reading.syllables if s.role == "topic" and not s.document]
    return reading.has("ask") and len(own) <= _THIN_SYLLABLES


def _with_the_first_topic(assistant: AnswerSource, parts: dict[Row, str], order: list[Row]) -> dict[Row, str]:
    """A later part that names no topic of its own ("…, còn theo Nghị định Y thì nộp ở đâu?") asks its question
    of the first part's topic, written as a follow-up about a thread's topic is ("Về <topic>: …")."""
    first = read(assistant.analyze(parts[order[0]]))
    topical = [i for i, s in enumerate(first.syllables) if s.role == "topic" and not s.document]
    # The words from the first topic word to the last, the words between them kept ("quỹ chung không chia"),
    # the documents' names left out.
    topic = " ".join(first.question[s.start:s.end] for s in first.syllables[topical[0]:topical[-1] + 1]
                     if not s.document and s.role != "punct") if topical else ""
    out = dict(parts)
    for row in order[1:]:
        reading = read(assistant.analyze(parts[row]))
        if not reading.has("ask") and not [s for s in reading.syllables if s.role == "topic" and not s.document]:
            # Only a document or place ("…, so với Luật Y"): the first part's question, asked of this row.
            out[row] = tidy(cut(first.question, first.document_spans()))
        elif topic and _thin(assistant, parts[row]):
            out[row] = tidy(f"Về {topic}: {parts[row]}")
    return out


def _joins(s: Syllable) -> bool:
    words = lexicon().dialogue
    return s.folded in words.joiners or s.folded in words.place_prepositions or s.folded in \
        words.document_prepositions


def _last_joiner(reading: Reading, between: list[Syllable]) -> tuple[int, int] | None:
    """The last joiner ("và", ","), comparison or contrast ("so với") between two rows' mentions, as character
    offsets."""
    words = lexicon().dialogue
    if not between:
        return None
    compares = [(a, b) for a, b in reading.phrase_spans((*words.compare, *words.contrasts))
                if between[0].start <= a and b <= between[-1].end]
    joiners = [(s.start, s.end) for s in between if s.folded in words.joiners
               and not any(a <= s.start and s.end <= b for a, b in compares)]  # "với" of "so với"
    spans = compares + joiners
    return max(spans, key=lambda span: span[1]) if spans else None


def _head(first: str, part: str) -> str:
    """The words of the first part that a later part leaves out: those before the first word the later part
    starts with ("Nhiệm kỳ tối đa" for "… của Ban kiểm soát …" after "Nhiệm kỳ tối đa của …");
    nothing when the later part starts as the first does or with a word the first lacks."""
    from ingest.lexicon import fold

    opening = fold(part).split()[:1]
    folded = fold(first)
    if not opening:
        return ""
    words = folded.split()
    if opening[0] not in words[1:]:
        return ""
    at = words.index(opening[0], 1)
    return " ".join(first.split()[:at])


def _mentions(assistant: AnswerSource, reading: Reading, scope: Scope) -> list[Mention]:
    """Where the question names each row: a province's name, a document's name, or a document's type alone."""
    from assistant.dialogue.multidoc import Row, type_word_mentions

    rows = set(scope.rows)
    found: list[Mention] = []
    syllables = reading.syllables
    for s in syllables:
        if s.role == "place" and s.value and Row("province", s.value) in rows:
            last = max(t.end for t in syllables if t.mention == s.mention and t.role == "place")
            found.append(Mention(s.start, last, Row("province", s.value)))
    for start, end in reading.document_spans():
        named = assistant.analyze(reading.question[start:end]).document_ids
        found.extend(Mention(start, end, Row("document", d)) for d in named[:1] if Row("document", d) in rows)
    catalog = assistant.catalog
    words = [s for s in syllables if s.role != "punct"]
    for _, kind, first, end in type_word_mentions(reading):
        of_type = [d.id for d in catalog.documents if d.type == kind]
        if len(of_type) == 1 and Row("document", of_type[0]) in rows:
            found.append(Mention(words[first].start, words[end - 1].end, Row("document", of_type[0])))
    return sorted(found, key=lambda m: m.start)
