"""The procedure a thread is about, kept when a message does not name it.

A law sets each procedure in an article of its own, and sibling procedures share their vocabulary: dissolving,
splitting and merging a cooperative each have a resolution, a file to send, days to send it in. A message in a
thread about one of them that names none ("Hồ sơ gồm những gì?", "Gửi cho ai, trong mấy ngày?") shares those
words with every sibling article, which the ranker may prefer to the thread's own. The thread's procedure is what
the articles that answered it are headed with (lexicon `procedures`); an answer led by an article headed with only
other procedures is answered again without those articles, or not at all.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from assistant.dialogue.state import DialogueState
from assistant.models import Answer, Hit, QueryAnalysis
from ingest.lexicon import contains_phrase, fold_words, lexicon

if TYPE_CHECKING:
    from assistant.dialogue.source import AnswerSource

_ARTICLE = "dieu "


def procedures_named(folded_text: str) -> frozenset[str]:
    """The lexicon's procedures a folded text names."""
    return frozenset(p for p in lexicon().dialogue.procedures if contains_phrase(folded_text, p))


def article_procedures(headings: Iterable[str]) -> frozenset[str]:
    """The procedures an article's own heading ("Điều 92. Chia hợp tác xã …") names; a chapter heading names
    several procedures at once and says nothing of which one its article sets."""
    folded = [fold_words(h) for h in headings]
    return frozenset().union(*(procedures_named(h) for h in folded if h.startswith(_ARTICLE)))


def thread_procedures(assistant: AnswerSource, state: DialogueState) -> dict[str, str]:
    """The procedures of the articles whose clauses answered the thread's last answered turn, each with its
    words as the article's heading writes them ("giai the" -> "giải thể"); the article that led first."""
    if not state.found or not state.clause_ids:
        return {}
    named: dict[str, str] = {}
    for clause in assistant.store.get_clauses(list(state.clause_ids)):
        for heading in clause.headings:
            if fold_words(heading).startswith(_ARTICLE):
                for procedure in sorted(procedures_named(fold_words(heading))):
                    named.setdefault(procedure, _as_written(heading, procedure))
    return named


def _as_written(text: str, folded_phrase: str) -> str:
    """The words of `text` that fold to `folded_phrase`, as written."""
    words = text.split()
    folded = [fold_words(w) for w in words]
    wanted = folded_phrase.split()
    for i in range(len(words) - len(wanted) + 1):
        if folded[i:i + len(wanted)] == wanted:
            return " ".join(words[i:i + len(wanted)]).strip(",.;:").lower()
    return folded_phrase


def keep_procedure(assistant: AnswerSource, message: QueryAnalysis, asked: QueryAnalysis, previous: DialogueState,
                   answer: Answer, threshold: float | None, follow_up: bool) -> Answer:
    """`answer`, unless the message names no procedure, the thread has one, and the answer is not led by an
    article of it. Then the message asked about the thread's procedure ("Về giải thể: <message>"), kept when it
    is answered from an article of that procedure (and, for an answer led by an article of no procedure, surer
    than it); an answer led by an article of another procedure is otherwise answered without such articles."""
    from assistant.dialogue.narrow import states_asked_kind

    if not answer.found or not answer.citations or procedures_named(message.folded):
        return answer
    wanted = thread_procedures(assistant, previous)
    lead = article_procedures(answer.citations[0].headings)
    if not wanted or lead & set(wanted) or not (lead or follow_up or _names_nothing(message)):
        return answer
    topic = lexicon().dialogue.render["topic"].format(x=next(iter(wanted.values())))
    query = _with_slots(assistant.analyze(f"{topic[:1].upper()}{topic[1:]}: {_lower_first(message.question)}"),
                        asked)
    own = assistant.answer(query, None, threshold)
    if (own.found and own.citations and article_procedures(own.citations[0].headings) & set(wanted)
            and states_asked_kind(query, own) and (lead or own.confidence >= answer.confidence)):
        return own
    if not lead:
        return answer
    hits = [h for h in assistant.retrieve(asked) if _fits(assistant, h, frozenset(wanted))]
    return assistant.answer(asked, hits, threshold)


def _lower_first(text: str) -> str:
    from assistant.dialogue.state import lower_first_word

    return lower_first_word(text)


def _names_nothing(analysis: QueryAnalysis) -> bool:
    return not (analysis.provinces or analysis.unknown_places or analysis.years or analysis.agencies
                or analysis.document_ids)


def _with_slots(query: QueryAnalysis, asked: QueryAnalysis) -> QueryAnalysis:
    """`query` with the places, years and documents the written-back question inherited."""
    return query.model_copy(update={"provinces": asked.provinces, "unknown_places": asked.unknown_places,
                                    "years": asked.years, "document_ids": asked.document_ids})


def _fits(assistant: AnswerSource, hit: Hit, wanted: frozenset[str]) -> bool:
    clauses = assistant.store.get_clauses([hit.clause_id])
    named = article_procedures(clauses[0].headings) if clauses else frozenset()
    return not named or bool(named & wanted)
