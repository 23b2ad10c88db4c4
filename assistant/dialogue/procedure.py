"""The kind of procedure a thread is about, kept when a message does not name it.

A law sets each procedure in an article of its own, and sibling articles share their vocabulary: dissolving,
splitting and merging a cooperative each have a resolution, a file to send, days to send it in; so do a voluntary
and a compulsory dissolution, and the same step for a cooperative and for a cooperative group. A message in a
thread about one of them that names none ("Hồ sơ gồm những gì?", "Gửi cho ai, trong mấy ngày?") shares those words
with every sibling, which the ranker may prefer to the thread's own article.

The thread's kinds are what the articles that answered it are headed with (lexicon `[distinctions]`: groups of
mutually exclusive kinds). An answer led by an article headed only with other kinds of a group the message does
not name is a sibling's: the question is answered again without such articles, and says nothing was found when
that finds nothing. An answer led by an article of no procedure, to a message that continues the thread, gives way
to the message asked about the thread's procedure ("Về giải thể: …") when that is answered surer from its article.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

from assistant.dialogue.state import DialogueState, lower_first_word
from assistant.models import Answer, QueryAnalysis
from ingest.lexicon import contains_phrase, fold_words, lexicon

if TYPE_CHECKING:
    from assistant.dialogue.source import AnswerSource

_ARTICLE = "dieu "

Kinds = tuple[frozenset[str], ...]  # per group of the lexicon, the kinds named


def kinds_named(folded_text: str) -> Kinds:
    """Per distinction group, the kinds a folded text names."""
    return tuple(frozenset(k for k in group if contains_phrase(folded_text, k))
                 for group in lexicon().dialogue.distinctions)


def article_kinds(headings: Iterable[str]) -> Kinds:
    """The kinds an article's own heading ("Điều 92. Chia hợp tác xã …") names; a chapter heading names several
    procedures at once and says nothing of which one its article sets."""
    named = [kinds_named(h) for h in map(fold_words, headings) if h.startswith(_ARTICLE)]
    return tuple(frozenset().union(*group) for group in zip(*named, strict=True)) if named else _none()


def thread_kinds(assistant: AnswerSource, state: DialogueState) -> Kinds:
    """The kinds of the article the thread's last answer led with; in a group its heading names nothing of, those
    of the articles of the answer's other clauses."""
    if not state.found or not state.clause_ids:
        return _none()
    order = {clause_id: i for i, clause_id in enumerate(state.clause_ids)}
    clauses = sorted(assistant.store.get_clauses(list(state.clause_ids)), key=lambda c: order.get(c.id, len(order)))
    kinds = [article_kinds(_own_headings(c.headings, c.path, c.text)) for c in clauses]
    if not kinds:
        return _none()
    others = tuple(frozenset().union(*group) for group in zip(*kinds, strict=True))
    return tuple(lead or other for lead, other in zip(kinds[0], others, strict=True))


def is_sibling(article: Kinds, thread: Kinds, message: Kinds) -> bool:
    """Whether an article is headed, in a group the message names nothing of, only with kinds the thread's
    articles are not."""
    return any(a and t and not m and not a & t for a, t, m in zip(article, thread, message, strict=True))


def keep_thread_kind(assistant: AnswerSource, message: QueryAnalysis, asked: QueryAnalysis, previous: DialogueState,
                     answer: Answer, threshold: float | None, continues: bool) -> Answer:
    """`answer`, or the answer that keeps to the kinds of the thread's articles (see the module notes).
    `continues`: the message was read as continuing the thread, or names no place, year, agency or document."""
    from assistant.dialogue.narrow import states_asked_kind

    if not answer.found or not answer.citations:
        return answer
    thread = thread_kinds(assistant, previous)
    said = kinds_named(fold_words(message.normalized))
    lead = _cited_kinds(answer)
    sibling = is_sibling(lead, thread, said)
    if sibling:
        hits = [h for h in assistant.retrieve(asked)
                if not is_sibling(_kinds_of(assistant, h.clause_id), thread, said)]
        answer = assistant.answer(asked, hits, threshold)
        if answer.found:
            return answer
    if not thread[0] or said[0] or not (sibling or continues and not lead[0]):
        return answer
    topic = lexicon().dialogue.render["topic"].format(x=_thread_phrase(thread, said))
    query = assistant.analyze(f"{topic[:1].upper()}{topic[1:]}: {lower_first_word(message.question)}")
    query = query.model_copy(update={"provinces": asked.provinces, "unknown_places": asked.unknown_places,
                                     "years": asked.years, "document_ids": asked.document_ids})
    own = assistant.answer(query, None, threshold)
    if not (own.found and own.citations and states_asked_kind(query, own)):
        return answer
    kinds = _cited_kinds(own)
    if kinds[0] & thread[0] and not is_sibling(kinds, thread, said) and own.confidence >= answer.confidence:
        return own
    return answer


def _thread_phrase(thread: Kinds, said: Kinds) -> str:
    """The thread's kinds the message does not name, as the lexicon writes them: the procedure first, then each
    group's one kind ("giải thể tự nguyện hợp tác xã"); a group the thread's articles give several kinds adds none."""
    words: list[str] = []
    for group, kinds, named in zip(lexicon().dialogue.distinctions, thread, said, strict=True):
        ordered = [group[k] for k in group if k in kinds]
        if ordered and not named and (len(ordered) == 1 or not words):
            words.append(ordered[0])
    return " ".join(words)


def _own_headings(headings: Sequence[str], path: str, text: str) -> list[str]:
    """A clause's headings, with its own text when it is the article itself ("Điều 62. …" heads nothing above)."""
    return [*headings, text] if "." not in path else list(headings)


def _cited_kinds(answer: Answer) -> Kinds:
    lead = answer.citations[0]
    return article_kinds(_own_headings(lead.headings, lead.path, lead.text))


def _kinds_of(assistant: AnswerSource, clause_id: str) -> Kinds:
    clauses = assistant.store.get_clauses([clause_id])
    return article_kinds(_own_headings(clauses[0].headings, clauses[0].path, clauses[0].text)) if clauses else _none()


def _none() -> Kinds:
    return tuple(frozenset() for _ in lexicon().dialogue.distinctions)
