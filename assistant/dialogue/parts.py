"""A question that asks several things at once, answered part by part.

"Ban kiểm soát họp mấy lần một năm, và ai triệu tập?" asks a count and a body; "… báo cáo gửi những cơ
quan nào, chậm nhất ngày nào?" a list of bodies and a date. One ranked clause rarely states both, and an answer
that states one part as the whole answer is wrong for the reader who asked two. So each part is asked on its
own, read with the rest of the question as its context (the second part rarely repeats its subject), and the
answer lists the parts in order, each with its own citations. When a part finds no answer the question is
answered whole, as one that asks one thing, as long as that answer states a figure or date of the kind the
part asks (the clause that answers one part often states the other too). When it does not, the answer gives
the parts that were found and says which part the documents do not answer: it is not an answer to the
question (`found` is false), and it does not pass one part off as the whole.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from assistant.answering.spans import SPAN_TYPES, answer_holder, kind_continued, unclaimed_span
from assistant.compose.builder import QUOTES_HEADER
from assistant.dialogue.multidoc import _MARK_RE, _SOURCES, _merge_citations, _renumbered, _split, checked_as_a_row
from assistant.dialogue.thread import near_clause_ids
from assistant.models import Answer, Citation, Hit
from assistant.query import asked_stretches
from ingest.lexicon import contains_phrase, lexicon
from ingest.models import Fact

if TYPE_CHECKING:
    from assistant.dialogue.source import AnswerSource
    from assistant.models import QueryAnalysis

# Lines of one part's answer kept in the combined answer: its statement and quote, or a short list.
PART_LINES = 8
# A part's answer ends where it turns to other clauses ("Ngoài ra, …", "Xem thêm:").
_ASIDE_RE = re.compile(r"^(?:Ngoài ra\b|Xem thêm:)")


def part_question(part: str, parts: list[str], stretches: list[str], own_source: bool = False) -> str:
    """The part first (its question words decide the kind of answer), then its context: the stretches that
    ask nothing ("Khi hợp tác xã giải thể,"), and for a later part the first part, which usually names the
    subject the later part leaves out. Other later parts are left out: their words would pull the part
    towards their answer ("… với tổ hợp tác, và bao nhiêu với hợp tác xã?"). A part that names its own document
    or province (`own_source`) has its own subject: the first part, about another source, is left out too."""
    context = [s for s in stretches
               if s not in parts or (s == parts[0] and part != parts[0] and not own_source)]
    return f"{part}? " + ", ".join(context) if context else part


def _first_statement(answer: Answer) -> str:
    line = answer.answer.strip().split("\n", 1)[0]
    return _MARK_RE.sub("", line).strip()


def multi_part_answer(assistant: AnswerSource, analysis: QueryAnalysis) -> Answer | None:
    """One answer with a numbered line per part; None for a question that asks one thing, or one whose parts
    all fail, or one answered whole (see the module's note)."""
    parts, stretches = asked_stretches(analysis.question)
    parts = _without_yes_no_answered_by_a_figure(assistant, parts)
    if len(parts) < 2:
        return None
    combined = _PartsAnswer()
    statements: set[str] = set()
    missing: list[str] = []
    for part in parts:
        # The clauses cited so far are searched first for the next part (see `_answer_part`).
        answer = _answer_part(assistant, analysis, part, parts, stretches, combined.citations, statements)
        combined.add(part, answer)
        if answer is None:
            missing.append(part)
        else:
            statements.add(_first_statement(answer))
    if missing:
        whole = assistant.answer(analysis, assistant.retrieve(analysis))
        if len(missing) == len(parts):
            # No part found alone: the question answered whole stands if it states something for each part;
            # "nghỉ bán báo trước mấy hôm, mỗi đợt nghỉ dài nhất bao lâu?" answered with one period only is the
            # answer to one part passed off as the answer to both.
            if not whole.found or _covers_every_part(assistant, parts, whole):
                return None
            return _one_part_answered(assistant, analysis, parts, whole)
        if whole.found and all(_states_kind_asked(assistant, part, whole, statements) for part in missing):
            return whole
    return combined.answer(analysis)


def _covers_every_part(assistant: AnswerSource, parts: list[str], whole: Answer) -> bool:
    """Whether the whole answer (its lines and the clauses it quotes) states a figure or date of each part's
    kind, a different one for each part (parts whose kind cannot be checked, a body or a list, count as
    stated)."""
    stated: set[str] = set()
    for part in parts:
        asked = assistant.analyze(part)
        if answer_holder(asked) is None:
            continue
        span = unclaimed_span(_MARK_RE.sub("", whole.answer), asked, stated)
        if span is None:
            return False
        stated.add(span.text)
    return True


def _one_part_answered(assistant: AnswerSource, analysis: QueryAnalysis, parts: list[str], whole: Answer) -> Answer:
    """The whole answer under the part its statement answers (the first part when none can be told), the
    other parts said to be unanswered (`found` is false)."""
    statement = _first_statement(whole)
    asked = {part: assistant.analyze(part) for part in parts}
    answered = next((part for part in parts if answer_holder(asked[part]) is not None
                     and unclaimed_span(statement, asked[part]) is not None), parts[0])
    combined = _PartsAnswer()
    for part in parts:
        combined.add(part, whole if part == answered else None)
    return combined.answer(analysis)


def _without_yes_no_answered_by_a_figure(assistant: AnswerSource, parts: list[str]) -> list[str]:
    """"Đóng cửa xưởng có phải xin phép không, đóng quá mấy tuần thì phải xin?": a yes-or-no part beside a part asking a
    figure, date or body is answered by it (the rule that states the figure says when the answer is yes), so the
    question asks the figure; on its own the yes-or-no part would find the same clause, or none."""
    kinds = [assistant.analyze(part).answer_type for part in parts]
    if not any(kind in SPAN_TYPES for kind in kinds) or "yes_no" not in kinds:
        return parts
    return [part for part, kind in zip(parts, kinds, strict=True) if kind != "yes_no"]


def parts_name_their_own_sources(assistant: AnswerSource, analysis: QueryAnalysis) -> bool:
    """Whether the question asks several things and two of its parts name different documents or provinces
    ("Nghị định 45 đòi quỹ tỉnh có mấy tỷ? Hòa Bình năm 2017 hỗ trợ mấy lớp tập huấn?"): each part is then asked of the
    sources it names, not every part of every source, as a grouped answer would. A question that compares ("so
    với luật thì khác gì?") is not: it asks the same thing of each source, and gets a row for each."""
    parts, _ = asked_stretches(analysis.question)
    if len(parts) < 2 or any(contains_phrase(analysis.folded, w) for w in lexicon().dialogue.compare):
        return False
    named = {_sources_named(assistant.analyze(part)) for part in parts} - {frozenset()}
    return len(named) >= 2


def _sources_named(analysis: QueryAnalysis) -> frozenset[str]:
    return frozenset([*analysis.document_ids, *analysis.provinces])


def _states_kind_asked(assistant: AnswerSource, part: str, whole: Answer, stated: set[str]) -> bool:
    """Whether the whole answer (its lines and the clauses it quotes) states a figure or date of the kind
    `part` asks that is not what another part was answered with; true for a part whose kind cannot be checked
    (a body, a manner, a list)."""
    asked = assistant.analyze(part)
    return answer_holder(asked) is None or unclaimed_span(_MARK_RE.sub("", whole.answer), asked, stated) is not None


@dataclass
class _PartsAnswer:
    """The numbered lines of the parts so far, with their citations renumbered into one list."""

    lines: list[str] = field(default_factory=list)
    citations: list[Citation] = field(default_factory=list)
    sources: list[str] = field(default_factory=list)
    facts: list[Fact] = field(default_factory=list)
    confidences: list[float] = field(default_factory=list)
    shown: set[str] = field(default_factory=set)

    def add(self, part: str, answer: Answer | None) -> None:
        label = f"{len(self.lines) + 1}) {part[0].upper() + part[1:].rstrip(' ?.')}"
        if answer is None:
            self.lines.append(f"{label}: {lexicon().dialogue.render['part_not_found']}")
            return
        body, part_sources = _split(answer.model_copy(update={"answer": answer.answer.partition(QUOTES_HEADER)[0]}))
        own: list[str] = []
        cited = {c.n for c in answer.citations}
        for line in body:
            if _ASIDE_RE.match(line) or len(own) >= PART_LINES:
                break
            # a line citing a clause the answer lists no source for (a quoted lead-in's other points) is left out:
            # its mark would point at another part's source once renumbered
            if all(int(n) in cited for n in _MARK_RE.findall(line)):
                own.append(line)
        if not own:
            self.lines.append(f"{label}: {lexicon().dialogue.render['part_not_found']}")
            return
        used = {int(n) for line in own for n in _MARK_RE.findall(line)}
        renumber = _merge_citations(answer, self.citations, part_sources, self.sources, used)
        # A quote an earlier part already showed is not shown again: the part's statement cites it.
        renumbered = [_renumbered(line, renumber) for line in own]
        text = "\n".join([renumbered[0], *(line for line in renumbered[1:] if line not in self.shown)])
        self.shown.update(renumbered)
        self.lines.append(f"{label}: {text}")
        self.facts.extend(answer.facts)
        self.confidences.append(answer.confidence)

    def answer(self, analysis: QueryAnalysis) -> Answer:
        render = lexicon().dialogue.render
        found = len(self.confidences) == len(self.lines)
        header = (render["parts"].format(n=len(self.lines)) if found
                  else render["parts_partial"].format(n=len(self.lines), k=len(self.confidences)))
        text = "\n".join([header, *self.lines])
        if self.sources:
            text += _SOURCES + "\n".join(self.sources)
        return Answer(question=analysis.question, answer=text, found=found, intent=analysis.intent,
                      confidence=min(self.confidences, default=0.0), citations=self.citations, facts=self.facts)


def _answer_part(assistant: AnswerSource, analysis: QueryAnalysis, part: str, parts: list[str],
                 stretches: list[str], cited: list[Citation], statements: set[str]) -> Answer | None:
    """A part's answer: from the clauses that answered the earlier parts first (the next figure asked is most
    often in the same clause or article), then from the rest of their articles, then from the whole corpus. An
    answer repeating an earlier part's statement does not answer this part."""
    own = alone = assistant.analyze(part)
    if part != parts[0] and alone.answer_type == "other" and alone.intent == "general":
        # "Còn văn phòng đại diện thì sao?": a part that names no kind of answer asks what the first part asked.
        alone = assistant.analyze(parts[0])
    elif part != parts[0] and alone.answer_type == "quantity":
        # a bare "bao nhiêu" (the only kind `kind_continued` changes) asks in the first part's measure
        first = assistant.analyze(parts[0])
        alone = alone.model_copy(update={"answer_type": kind_continued(alone.answer_type, first.answer_type)})
    # A part that names its own document or province is asked of those, in the year it names, first without the
    # first part (about another source, its words pull towards that source's answer), then with it (it may name
    # the subject the part leaves out: "Mức đó ở tỉnh X có đủ không?"). The others are asked of all the question
    # names, with the first part.
    own_source = bool(_sources_named(own))
    scoped = own if own_source else analysis
    cited_ids = [c.clause_id for c in cited]
    near = near_clause_ids(assistant, cited_ids, following=0) if cited_ids else []
    # (wording, whether the whole corpus is searched too). Among the clauses near the earlier answers the part is
    # first asked alone: those clauses are its context, and the first part's words would only pull the ranking
    # back to the clause that answered it.
    wordings: list[tuple[str, bool]] = [(part, False)] if near and not own_source else []
    if own_source:
        wordings.append((part_question(part, parts, stretches, own_source=True), True))
    wordings.append((part_question(part, parts, stretches), True))
    for wording, whole_corpus in dict.fromkeys(wordings):
        sub = assistant.analyze(wording).model_copy(update={
            "intent": alone.intent, "answer_type": alone.answer_type, "answer_unit": alone.answer_unit,
            "answer_bound": alone.answer_bound, "further_parts": [], "provinces": scoped.provinces,
            "document_ids": scoped.document_ids, "years": own.years if own_source else analysis.years or alone.years,
        })
        # (hits, the whole corpus's hits they are judged against when they are a few clauses searched alone)
        searches: list[tuple[list[Hit], list[Hit] | None]] = []
        corpus = assistant.retrieve(sub)
        if cited_ids:
            searches.append((assistant.retrieve_among(sub, cited_ids), corpus))
            # then the rest of their articles or plan sections: the next figure asked is usually a khoản away
            searches.append((assistant.retrieve_among(sub, near), corpus))
        if whole_corpus:
            searches.append((corpus, None))
        for hits, rivals in searches:
            if not hits:
                continue
            answer = assistant.answer(sub, hits, rivals=rivals)
            if own_source and answer.found:
                # asked of one source, as a row of a grouped answer is, and checked as one
                answer, _ = checked_as_a_row(assistant, sub, answer, hits)
            if answer.found and _first_statement(answer) not in statements:
                return answer
    return None
