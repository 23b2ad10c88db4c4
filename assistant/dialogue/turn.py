"""One chat turn: resolve the message against the previous state, answer it, keep the new state."""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from assistant.dialogue.figures import states_the_measure_asked
from assistant.dialogue.mentions import KEPT_MENTIONS, document_mentions
from assistant.dialogue.multidoc import document_name
from assistant.dialogue.procedure import keep_thread_kind
from assistant.dialogue.reading import read
from assistant.dialogue.resolve import Resolution, apply_slots, leans_on_thread, resolve
from assistant.dialogue.state import DialogueState, state_of
from assistant.dialogue.thread import answer_in_thread, thread_words
from assistant.models import Answer, Filters, QueryAnalysis

if TYPE_CHECKING:
    from assistant.dialogue.source import AnswerSource

log = logging.getLogger(__name__)

# Where one sentence ends and the next begins ("5.000" and "45/2021/NĐ-CP." inside a sentence do not split it).
_SENTENCE_BREAK_RE = re.compile(r"(?<=[.!?…])\s+")


@dataclass(frozen=True)
class TurnResult:
    question: str  # the standalone question asked ("Đã hiểu là: …")
    follow_up: bool
    analysis: QueryAnalysis
    state: DialogueState
    answer: Answer


def answer_turn(assistant: AnswerSource, message: str, previous: DialogueState | None,
                filters: Filters | None = None) -> TurnResult:
    result = _answer_turn(assistant, message, previous, filters)
    question_alone = asking_sentences(message) if previous is not None else None
    if question_alone is None:
        return result
    if result.answer.found:
        return _about_what_was_asked(assistant, result, question_alone, filters)
    # "Tốt quá, cảm ơn bạn. Vậy … chuẩn bị giấy tờ nào?": in a conversation the sentence told before the question often
    # only replies to the last answer, and its words pull the search away. The question alone is kept if it finds
    # an answer; otherwise the message stays as written, the thread going on from what it asked.
    alone = _answer_turn(assistant, question_alone, previous, filters)
    return alone if alone.answer.found else _about_what_was_asked(assistant, result, question_alone, filters)


def _about_what_was_asked(assistant: AnswerSource, result: TurnResult, question_alone: str,
                          filters: Filters | None) -> TurnResult:
    """The thread goes on from the topic of the sentences that asked, when they have one, not from the words told
    before them: after "Tốt quá, cảm ơn bạn. Vậy … chuẩn bị giấy tờ nào?", "Nộp cho ai?" is about the papers."""
    reading = read(assistant.analyze(question_alone, filters))
    if not reading.has_topic:
        return result
    asked = state_of(reading, result.state.slots)
    kept = ("topic", "topic_words", "topic_runs", "topic_agencies", "ask", "frame")
    return replace(result, state=result.state.model_copy(update={name: getattr(asked, name) for name in kept}))


def asking_sentences(message: str) -> str | None:
    """The sentences of a message that ask ("…?"), when others only tell ("… rồi."); None when every sentence
    asks or none is marked."""
    sentences = [s for s in _SENTENCE_BREAK_RE.split(message.strip()) if s]
    asking = [s for s in sentences if s.endswith("?")]
    return " ".join(asking) if asking and len(asking) < len(sentences) else None


def _answer_turn(assistant: AnswerSource, message: str, previous: DialogueState | None,
                 filters: Filters | None) -> TurnResult:
    analysis = assistant.analyze(message, filters)
    names = {d.id: document_name(d) for d in assistant.catalog.documents}
    words = thread_words(assistant, previous)
    resolution = resolve(analysis, previous, words, names)
    asked, first = _ask(assistant, analysis, resolution, previous, filters)
    assert first is not None  # answered from the whole corpus when the thread does not answer
    answer = first
    if (not resolution.follow_up and previous is not None and previous.found and _names_nothing(analysis)
            and leans_on_thread(read(analysis), previous, words)
            and (previous.slots.document_ids or _best_in_thread(assistant, analysis, previous) >= answer.confidence)):
        # A message with a topic of its own, all of it words of the thread, and no place, year, agency or
        # document ("Hồ sơ gồm gì?" after a question about suspending a business) is answered from the thread's
        # documents first, as a follow-up, when the conversation named its document or the ranker finds the
        # message's best evidence there; when they do not answer, it is the question it is alone. Its best
        # evidence elsewhere makes it a new question.
        retry = resolve(analysis, previous, words, names, force_follow_up=True)
        retry_asked, retry_answer = _ask(assistant, analysis, retry, previous, filters, whole_corpus=False)
        log.debug("turn %r: alone %.3f (found %s); in the thread as %r: %s", message, answer.confidence,
                  answer.found, retry.question, "none" if retry_answer is None else f"{retry_answer.confidence:.3f}")
        if retry_answer is not None and retry_answer.found:
            resolution, asked, answer = retry, retry_asked, retry_answer
    if not resolution.follow_up and previous is not None and not answer.found:
        # Read as a new question it finds nothing: read it as a continuation of the thread (a question
        # about "each borrower" after one about a fund's loans), kept only if that finds an answer.
        retry = resolve(analysis, previous, words, names, force_follow_up=True)
        retry_asked, retry_answer = _ask(assistant, analysis, retry, previous, filters)
        if retry_answer is not None and retry_answer.found:
            resolution, asked, answer = retry, retry_asked, retry_answer
    # Read in the thread, the message takes the thread's year or documents, and with them nothing answers: it is
    # asked in the thread without them, kept only if that finds an answer. A year the plan does not cover ("những
    # huyện nào phải giao công trình …" after a question about such a year); documents that are where to look
    # first, not the only place (a next step asked after two decrees were compared may be set by the law).
    for slot, named_by_message in (("years", analysis.years), ("document_ids", analysis.document_ids)):
        if answer.found or previous is None or not getattr(previous.slots, slot) or named_by_message:
            continue
        without = previous.model_copy(update={"slots": previous.slots.model_copy(update={slot: []})})
        retry = resolve(analysis, without, words, names, force_follow_up=True)
        retry_asked, retry_answer = _ask(assistant, analysis, retry, without, filters)
        if retry.follow_up and retry_answer is not None and retry_answer.found:
            resolution, asked, answer = retry, retry_asked, retry_answer
    if (resolution.follow_up and previous is not None and not answer.found and resolution.core
            and resolution.core != resolution.question):
        # A message with a topic of its own read after the thread's topic ("Về <chủ đề trước>: hồ sơ đăng ký nộp
        # ở đâu?") finds nothing: the earlier topic's words pulled the search away. Asked as written, still with
        # the thread's place, year and documents, it is kept only if that finds an answer.
        retry = resolution.model_copy(update={"question": resolution.core})
        retry_asked, retry_answer = _ask(assistant, analysis, retry, previous, filters)
        if retry_answer is not None and retry_answer.found:
            resolution, asked, answer = retry, retry_asked, retry_answer
    if resolution.unknown_document:
        # "Thông tư đó còn hiệu lực không?" when no circular was named: any circular's clause would be a guess.
        answer = assistant.answer(asked, [])
    elif resolution.follow_up and not _sure_enough(assistant, asked, answer):
        # Read into the thread, the question is partly written by the dialogue: it answers only from the ranker's
        # follow-up threshold (fitted on training conversations), otherwise it says nothing was found.
        answer = assistant.answer(asked, [])
    if previous is not None and not resolution.unknown_document and _ranked_whole(assistant, asked):
        bar = assistant.ranker.follow_up_bar if resolution.follow_up else None
        answer = keep_thread_kind(assistant, analysis, asked, previous, answer, bar,
                                  resolution.follow_up or _names_nothing(analysis))
    state = state_of(read(_core(assistant, asked, resolution, filters)), resolution.slots).with_evidence(answer)
    if resolution.follow_up and previous is not None and not answer.found and previous.found:
        # An unanswered follow-up leaves the thread where it was: the next message continues from the evidence
        # that last answered, not from nothing.
        state = state.model_copy(update={"clause_ids": previous.clause_ids, "fact_ids": previous.fact_ids,
                                         "document_ids": previous.document_ids, "found": True})
    state = _with_the_answers_province(assistant, state)
    cited = [c.text for c in answer.citations] if answer.found else []
    groups = [document_mentions([message]), document_mentions(cited), *(previous.mentions if previous else [])]
    state = state.model_copy(update={"mentions": [g for g in groups if g][:KEPT_MENTIONS]})
    return TurnResult(resolution.question, resolution.follow_up, asked, state, answer)


def _with_the_answers_province(assistant: AnswerSource, state: DialogueState) -> DialogueState:
    """A thread that named no place but was answered from one province's plans is about that province: "Còn báo
    cáo thì hạn khi nào?" next asks the same plan, not every document."""
    if not state.found or state.slots.places or not state.document_ids:
        return state
    province_of = {d.id: d.province for d in assistant.catalog.documents}
    first = province_of.get(state.document_ids[0])
    # a notice or law cited beside the plan names no province; a second province's plan makes it no one's thread
    if first is None or any(province_of.get(d) not in (None, first) for d in state.document_ids):
        return state
    return state.model_copy(update={"slots": state.slots.model_copy(update={"places": [first]})})


def _sure_enough(assistant: AnswerSource, asked: QueryAnalysis, answer: Answer) -> bool:
    """Whether a found answer's ranker probability clears the ranker's follow-up threshold. Grouped answers
    (each row checked on its own) and answers about a document's own details are not ranked so."""
    from assistant.dialogue.multidoc import scope_of

    if not answer.found or asked.asks_about or scope_of(asked, assistant.catalog) is not None:
        return True
    if states_the_measure_asked(asked, answer):
        return True  # a plan's target whose measure is all words of the question: the figure itself fits
    return answer.confidence >= assistant.ranker.follow_up_bar


def _ranked_whole(assistant: AnswerSource, asked: QueryAnalysis) -> bool:
    """Whether the answer is one ranking of clauses for the whole question (not grouped by document or
    province, not about a document's own details)."""
    from assistant.dialogue.multidoc import scope_of

    return not asked.asks_about and scope_of(asked, assistant.catalog) is None


def _core(assistant: AnswerSource, asked: QueryAnalysis, resolution: Resolution,
          filters: Filters | None) -> QueryAnalysis:
    """The turn's own question, without the thread's context put before it: its topic is what the next
    follow-up continues ("Nộp ở đâu?" after "Về <bước trước>: hồ sơ đăng ký gồm những gì?" is about the papers)."""
    if not resolution.core or resolution.core == resolution.question:
        return asked
    return apply_slots(assistant.analyze(resolution.core, filters), resolution.slots, assistant.catalog.provinces)


def _best_in_thread(assistant: AnswerSource, analysis: QueryAnalysis, previous: DialogueState) -> float:
    """The ranker's confidence in the message's best clause among the thread's documents (the message as
    written, searched as it would be with those documents as its filter)."""
    if not previous.document_ids:
        return 0.0
    within = analysis.model_copy(update={"document_ids": list(previous.document_ids)})
    return assistant.answer(within, assistant.retrieve(within)).confidence


def _names_nothing(analysis: QueryAnalysis) -> bool:
    """Whether a message names no place, year, agency or document of its own."""
    return not (analysis.provinces or analysis.unknown_places or analysis.years or analysis.agencies
                or analysis.document_ids)


def _ask(assistant: AnswerSource, analysis: QueryAnalysis, resolution: Resolution, previous: DialogueState | None,
         filters: Filters | None, whole_corpus: bool = True) -> tuple[QueryAnalysis, Answer | None]:
    if not resolution.follow_up or previous is None:
        return analysis, assistant.answer(analysis)
    if resolution.other_document:
        # Asked of a document the thread did not answer from: its clauses are not searched first.
        previous = previous.model_copy(update={"clause_ids": [], "document_ids": []})
    asked = own_form(apply_slots(assistant.analyze(resolution.question, filters), resolution.slots,
                                 assistant.catalog.provinces), analysis)
    return asked, answer_in_thread(assistant, asked, previous, whole_corpus=whole_corpus,
                                   inherited_years=bool(asked.years) and not analysis.years,
                                   next_step=resolution.rule == "ask")


def own_form(asked: QueryAnalysis, message: QueryAnalysis) -> QueryAnalysis:
    """The written-back question asks what the message asks: words of the thread put before it for context
    ("Về tạm ngừng kinh doanh tối đa …: hồ sơ gồm gì?") must not change the kind of answer expected."""
    update: dict[str, object] = {}
    if message.answer_type != "other":
        update.update(answer_type=message.answer_type, answer_unit=message.answer_unit,
                      answer_bound=message.answer_bound)
    if message.intent != "general":
        update["intent"] = message.intent
    return asked.model_copy(update=update) if update else asked
