"""Chat sessions and follow-up questions.

A follow-up ("Còn ở Quảng Ninh thì sao?", "Hạn chót là khi nào?", "Việc đó do ai chủ trì?") is rewritten into a
standalone question from the previous turn before it is asked, so retrieval and answer composition never need
to know about conversations. The rewrite is a general merge: the previous question's topic is kept, and what
the new message names (a place, an agency, a question form) replaces what the previous turn had.

Sessions live in SQLite under the data directory (assistant.sessions), shared by every API worker.
"""

from __future__ import annotations

import re
import time
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Protocol

from assistant.models import Answer, Filters, QueryAnalysis
from assistant.sessions import SessionStore, Turn, UnknownSessionError
from assistant.settings import Settings
from ingest.places import PROVINCES

__all__ = ["ChatReply", "Conversations", "Resolution", "UnknownSessionError", "fold", "is_follow_up", "resolve"]


class AskingAssistant(Protocol):
    """The part of `assistant.service.Assistant` a conversation needs."""

    def analyze(self, question: str, filters: Filters | None = None) -> QueryAnalysis: ...

    def ask(self, question: str, filters: Filters | None = None) -> Answer: ...


# ---------------------------------------------------------------------------------------------------------------
# Accent folding that keeps character positions, so a phrase found in folded text can be cut from the original.


def _fold_char(char: str) -> str:
    if char in "đĐ":
        return "d"
    base = unicodedata.normalize("NFD", char)[0]
    return base.lower() if len(base) == 1 else char.lower()


def fold(text: str) -> str:
    """Lower-case, accent-free text of exactly the same length (đ -> d), so positions carry over."""
    return "".join(_fold_char(c) for c in text)


_fold = fold


def _nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def _phrase_pattern(phrases: Iterable[str]) -> re.Pattern[str]:
    # Longest first so "ai chu tri" wins over "ai"; boundaries are letters/digits of folded text.
    alternatives = sorted({_fold(p) for p in phrases}, key=len, reverse=True)
    body = "|".join(re.escape(a).replace(r"\ ", r"\s+") for a in alternatives)
    return re.compile(rf"(?<![a-z0-9])(?:{body})(?![a-z0-9])")


def _cut(text: str, pattern: re.Pattern[str], replacement: str = " ") -> str:
    """Remove every match of a folded-text pattern from the original text."""
    folded = _fold(text)
    pieces: list[str] = []
    last = 0
    for match in pattern.finditer(folded):
        pieces.append(text[last : match.start()])
        pieces.append(replacement)
        last = match.end()
    pieces.append(text[last:])
    return "".join(pieces)


def _tidy(text: str) -> str:
    text = re.sub(r"\s+", " ", text)
    text = re.sub(r"\s+([,.;:?!])", r"\1", text)
    text = re.sub(r"([,;:])\1+", r"\1", text)
    return text.strip(" ,.;:?!-–—")


# ---------------------------------------------------------------------------------------------------------------
# Vocabulary of follow-ups. Folded (accent-free) unless said otherwise; these are grammar words, not topics.

# Words that open or close a message that leans on the previous turn.
_OPENERS = ("the con", "con ve", "con", "vay con", "vay thi", "vay", "the thi", "nhu vay thi", "nhu vay", "con doi voi")
_CLOSERS = ("thi sao", "thi the nao", "thi ra sao", "the thi sao", "nua", "nua khong")
_OPENER_RE = re.compile(r"^\s*(?:" + "|".join(sorted(_OPENERS, key=len, reverse=True)).replace(" ", r"\s+") + r")(?![a-z0-9])")
_CLOSER_RE = _phrase_pattern(_CLOSERS)

# Demonstratives need their accents: folded "do" is both "đó" (that) and "do" (by).
_REFERRING_NOUNS = ("việc", "nhiệm vụ", "nội dung", "hoạt động", "vấn đề", "điều", "cái", "chương trình",
                    "chính sách", "công việc", "mục tiêu", "chỉ tiêu", "trường hợp", "khoản", "việc làm")
_DEMONSTRATIVES = ("đó", "này", "ấy", "nêu trên", "trên")
_REFERENCE_RE = re.compile(
    r"(?<!\w)(?:(?:" + "|".join(sorted(_REFERRING_NOUNS, key=len, reverse=True)) + r")\s+)?(?:"
    + "|".join(_DEMONSTRATIVES) + r")(?!\w)",
    re.IGNORECASE,
)

# Question forms and role verbs: what a question asks, as opposed to what it is about.
_QUESTION_PHRASES = (
    "ai chu tri", "ai phu trach", "ai chiu trach nhiem", "ai thuc hien", "ai la", "do ai", "ai", "giao cho ai",
    "co quan nao", "don vi nao", "so nao", "nganh nao", "cap nao", "co quan chu tri", "chu tri", "phoi hop",
    "phu trach", "chiu trach nhiem", "dau moi", "phai lam gi", "can lam gi", "lam gi", "la gi", "gi", "nhung gi",
    "nao", "khi nao", "la khi nao", "bao gio", "luc nao", "han chot", "thoi han", "han cuoi", "han hoan thanh",
    "bao nhieu", "la bao nhieu", "the nao", "nhu the nao", "ra sao", "co khong", "khong", "hay khong", "duoc khong",
    "nhiem vu", "trach nhiem", "cho biet", "hay cho biet", "xin cho biet",
)
_QUESTION_RE = _phrase_pattern(_QUESTION_PHRASES)

# Question endings that read better after the topic: "Hạn chót <topic> là khi nào?".
_TAIL_RE = re.compile(
    r"(?<![a-z0-9])(?:la\s+)?(?:khi\s+nao|bao\s+gio|bao\s+nhieu|gi|the\s+nao|nhu\s+the\s+nao|ra\s+sao|luc\s+nao)\s*$"
)

_FUNCTION_WORDS = frozenset(
    "la cua cac nhung mot thi sao o tai va voi cho duoc co khong gi nao ai khi bao gio the con vay do nay ay tren "
    "nua hay ra nhu phai can se da dang roi a ha nhi nhe day kia ve theo trong ngoai den tu ma neu".split()
)

_PLACE_PREFIX = r"(?:(?:o|tai|cua|thuoc|trong|doi\s+voi)\s+)?(?:(?:tinh|thanh\s+pho|tp\.?)\s+)?"


def _place_pattern(names: Iterable[str]) -> re.Pattern[str]:
    alternatives = sorted({_fold(n) for n in names if n}, key=len, reverse=True)
    if not alternatives:
        return re.compile(r"(?!x)x")
    body = "|".join(re.escape(a).replace(r"\ ", r"\s+") for a in alternatives)
    return re.compile(rf"(?<![a-z0-9]){_PLACE_PREFIX}(?:{body})(?![a-z0-9])")


_ALL_PLACES_RE = _place_pattern(PROVINCES)


@dataclass(frozen=True)
class Resolution:
    """How a chat message was understood: the standalone question actually asked."""

    question: str
    follow_up: bool


def _places_of(analysis: QueryAnalysis) -> list[str]:
    return list(dict.fromkeys([*analysis.provinces, *analysis.unknown_places]))


def _content_words(text: str) -> list[str]:
    words = re.findall(r"[a-z0-9]+", _fold(text))
    return [w for w in words if w not in _FUNCTION_WORDS and not w.isdigit()]


def _without_agencies(text: str, agencies: Iterable[str]) -> str:
    # Agencies are canonical names; match them loosely (accent-folded) against the written text.
    names = [a for a in agencies if a]
    return _cut(text, _phrase_pattern(names)) if names else text


def _strip_markers(message: str) -> tuple[str, bool]:
    """Remove conversational openers/closers; say whether any was present."""
    folded = _fold(message)
    marked = False
    opener = _OPENER_RE.match(folded)
    if opener:
        message = message[opener.end() :]
        marked = True
    stripped = _cut(message, _CLOSER_RE)
    if stripped != message:
        marked = True
    return stripped, marked


def _topic_of(question: str, drop_agencies: Iterable[str] = ()) -> str:
    """What a standalone question is about: the question minus its question form, places and (optionally) agencies."""
    topic = _cut(question, _ALL_PLACES_RE)
    topic = _without_agencies(topic, drop_agencies)
    topic = _cut(topic, _QUESTION_RE)
    topic = _tidy(topic)
    # Dangling grammar words left at the edges by the cuts ("... là", "cho ...").
    words = topic.split()
    while words and _fold(words[-1]) in _FUNCTION_WORDS:
        words.pop()
    while words and _fold(words[0]) in _FUNCTION_WORDS:
        words.pop(0)
    return " ".join(words)


def _with_place(text: str, places: list[str]) -> str:
    text = _tidy(_cut(text, _ALL_PLACES_RE))
    return f"{text} ở {', '.join(places)}" if places else text


def _question(text: str) -> str:
    text = _tidy(text)
    return (text[:1].upper() + text[1:] + "?") if text else text


def is_follow_up(message: str, analysis: QueryAnalysis) -> bool:
    """A message leans on the previous turn when it says so (opener, closer, demonstrative) or when it names
    no topic of its own: only a place and/or a question form."""
    message = _nfc(message)
    _, marked = _strip_markers(message)
    if marked or _REFERENCE_RE.search(message):
        return True
    if analysis.agencies or analysis.document_ids:
        return False
    rest = _cut(_cut(message, _ALL_PLACES_RE), _QUESTION_RE)
    return not _content_words(rest)


def resolve(message: str, analysis: QueryAnalysis, previous: QueryAnalysis | None) -> Resolution:
    """Turn a chat message into a standalone question, given the analysis of the message and of the previous
    standalone question (None on the first turn)."""
    message = _nfc(message).strip()
    if previous is None or not is_follow_up(message, analysis):
        return Resolution(question=message, follow_up=False)

    previous_question = _nfc(previous.question)
    new_places = _places_of(analysis)
    places = new_places or _places_of(previous)
    new_agencies = [a for a in analysis.agencies if a not in previous.agencies]
    dropped_agencies = previous.agencies if new_agencies else []

    cue, _ = _strip_markers(message)
    cue = _cut(cue, _ALL_PLACES_RE)
    has_reference = _REFERENCE_RE.search(cue) is not None
    cue = _tidy(_REFERENCE_RE.sub(" \x00 ", cue))  # \x00 marks where the topic goes

    if analysis.intent == "general" and not has_reference:
        # No question form of its own ("Còn ở Quảng Ninh thì sao?", "Còn Sở Công Thương thì sao?"):
        # re-ask the previous question with the newly named place/agency swapped in.
        base = _without_agencies(previous_question, dropped_agencies)
        base = _with_place(base, places)
        extra = _tidy(cue)
        if extra and _content_words(extra):
            base = f"{extra} {_tidy(base)}" if new_agencies else f"{_tidy(base)}, {extra}"
        return Resolution(question=_question(base), follow_up=True)

    topic = _topic_of(previous_question, dropped_agencies)
    if has_reference:
        text = cue.replace("\x00", topic)
    else:
        folded_cue = _fold(cue)
        tail = _TAIL_RE.search(folded_cue)
        if tail and tail.start() > 0:
            text = f"{cue[: tail.start()].rstrip()} {topic} {cue[tail.start():]}"
        else:
            text = f"{cue} {topic}"
    # The place goes before a trailing question ending when there is one, else at the end.
    text = _tidy(text)
    if places:
        tail = _TAIL_RE.search(_fold(text))
        if tail and tail.start() > 0:
            text = f"{text[: tail.start()].rstrip()} ở {', '.join(places)} {text[tail.start():]}"
        else:
            text = f"{text} ở {', '.join(places)}"
    return Resolution(question=_question(text), follow_up=True)


@dataclass(frozen=True)
class ChatReply:
    session_id: str
    answer: Answer
    resolved_question: str
    follow_up: bool


class Conversations:
    """Answers chat messages: opens or continues a session, resolves follow-ups, asks the assistant."""

    def __init__(self, assistant: AskingAssistant, settings: Settings, clock: Callable[[], float] = time.time):
        self.assistant = assistant
        self.sessions = SessionStore(settings.sessions_db, settings.session_ttl_seconds, settings.max_sessions, clock)

    def send(self, message: str, session_id: str | None = None, filters: Filters | None = None) -> ChatReply:
        session = self.sessions.get(session_id) if session_id else self.sessions.create()
        with session.lock:
            previous = session.turns[-1].analysis if session.turns else None
            resolution = resolve(message, self.assistant.analyze(message, filters), previous)
            answer = self.assistant.ask(resolution.question, filters)
            if not answer.found and previous is not None:
                # The rules did not make a standalone question of it: ask once more with the previous question
                # as context ("Hạn chót là ngày nào?" after "Ai lo kiện toàn Ban Chỉ đạo?"), kept only if it
                # finds an answer. The message comes first so its own intent decides.
                contextual = f"{message.strip()} — {previous.question}"
                retry = self.assistant.ask(contextual, filters)
                if retry.found:
                    answer, resolution = retry, Resolution(question=contextual, follow_up=True)
            analysis = self.assistant.analyze(resolution.question, filters)
            self.sessions.append(session, Turn(message=message, question=resolution.question, analysis=analysis))
        answer = answer.model_copy(update={"session_id": session.id})
        return ChatReply(session.id, answer, resolution.question, resolution.follow_up)
