"""The dialogue state of one turn, and how a state is written back as a question.

A state is built from the analysed standalone question of a turn (`QueryAnalysis` read by `reading.read`): its
intent, expected answer type, topic, slots (agency, place, year, document) and its *frame*, the question cut into
verbatim text and slot pieces, so that a follow-up can swap a slot in place ("<place A> cần làm gì … trong năm
<year A>?" + "Còn <place B> năm <year B>?" -> "<place B> cần làm gì … trong năm <year B>?"). After the turn is answered the
state also holds the clauses and facts that answered it: the thread's evidence for the next follow-up.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from assistant.dialogue.reading import SLOT_ROLES, Reading, Syllable, sentence, tidy
from assistant.models import Answer, AnswerType, Intent
from ingest.lexicon import fold_words, lexicon

PieceKind = Literal["text", "place", "year", "agency", "tail", "reference", "place_reference"]
SLOT_KINDS: tuple[str, ...] = ("place", "year", "agency")

_ROLE_KIND = {"place": "place", "place_prep": "place", "year": "year", "year_prefix": "year", "agency": "agency"}
_NAME_ROLES = {"place", "year", "agency"}


class FramePiece(BaseModel):
    """Verbatim text, or a slot mention (`prefix` is the preposition or kind word kept when the value changes:
    "ở ", "tỉnh ", "năm "), or the question's tail ("ở đâu", "là khi nào"), or a reference ("việc đó")."""

    model_config = ConfigDict(frozen=True)

    kind: PieceKind
    text: str
    prefix: str = ""


class Slots(BaseModel):
    """What a question names besides its topic."""

    model_config = ConfigDict(frozen=True)

    places: list[str] = Field(default_factory=list, description="Provinces and other places, as named")
    years: list[int] = Field(default_factory=list)
    agencies: list[str] = Field(default_factory=list, description="Canonical agency names")
    document_ids: list[str] = Field(default_factory=list)


class DialogueState(BaseModel):
    """One turn as understood, plus the evidence that answered it."""

    model_config = ConfigDict(frozen=True)

    question: str = Field(description="The standalone question asked for this turn")
    intent: Intent
    answer_type: AnswerType
    topic: str = Field(description="What the question is about, as written")
    topic_words: list[str] = Field(default_factory=list, description="Folded topic syllables")
    topic_runs: list[str] = Field(default_factory=list, description="Runs of topic words, as written")
    topic_agencies: list[str] = Field(default_factory=list, description="Agencies named inside the topic")
    ask: str = Field("", description="The question form, as written ('bao nhiêu', 'ai chủ trì')")
    slots: Slots
    frame: list[FramePiece] = Field(default_factory=list)
    clause_ids: list[str] = Field(default_factory=list, description="Clauses that answered it (none if not found)")
    fact_ids: list[str] = Field(default_factory=list)
    document_ids: list[str] = Field(default_factory=list, description="Documents of those clauses")
    found: bool = False
    mentions: list[list[str]] = Field(default_factory=list, description=(
        "Documents named by kind and number (assistant/dialogue/mentions.py), one group per message and per "
        "answer of the thread, latest first: what \"thông tư đó\" may point at"))

    def with_evidence(self, answer: Answer) -> DialogueState:
        # Only an answer is evidence: the nearest clauses of a question that found none did not answer it.
        cited = answer.citations if answer.found else []
        return self.model_copy(update={
            "clause_ids": [c.clause_id for c in cited],
            "fact_ids": [f.id for f in answer.facts],
            "document_ids": list(dict.fromkeys(c.document_id for c in cited)),
            "found": answer.found,
        })


# ---- from a reading -------------------------------------------------------------------------------------------


def _mentions(reading: Reading) -> list[tuple[str, int, int, int]]:
    """Slot mentions as (kind, start, name_start, end) character offsets, neighbours of one kind joined by
    "và" / "," / a preposition merged into one ("ở tỉnh A, tỉnh B và tỉnh C")."""
    joiners = lexicon().dialogue.joiners
    groups: list[list[Syllable]] = []
    for s in reading.syllables:
        if s.continues >= 0 and groups and groups[-1][0].mention == s.continues and groups[-1][0].role == "agency":
            groups[-1].append(s)  # the rest of an agency's name after its short form
        elif s.role in _ROLE_KIND:
            if groups and groups[-1][-1].mention == s.mention:
                groups[-1].append(s)
            else:
                groups.append([s])
    merged: list[list[Syllable]] = []
    for group in groups:
        if merged and _ROLE_KIND[merged[-1][0].role] == _ROLE_KIND[group[0].role]:
            between = [s for s in reading.syllables if merged[-1][-1].end <= s.start and s.end <= group[0].start]
            if all(s.folded in joiners or s.role == "punct" for s in between):
                merged[-1].extend(group)
                continue
        merged.append(group)
    out = []
    for group in merged:
        names = [s for s in group if s.role in _NAME_ROLES]
        if not names:
            continue
        kind = _ROLE_KIND[group[0].role]
        lead = [s for s in group if s.end <= names[0].start]
        out.append((kind, group[0].start, names[0].start if lead else group[0].start, group[-1].end))
    return out


def _tail_start(reading: Reading) -> int | None:
    """Offset where the question's closing question form begins ("ở đâu", "là khi nào"), if it has one."""
    words = lexicon().dialogue
    content = [s for s in reading.syllables if s.role not in {"punct", "closer"}]
    for phrase in sorted({tuple(p.split()) for p in words.tail_asks}, key=len, reverse=True):
        if len(content) >= len(phrase) and tuple(s.folded for s in content[-len(phrase):]) == phrase:
            if all(s.role in {"ask", "function", "weak"} for s in content[-len(phrase):]):
                start = len(content) - len(phrase)
                while start > 0 and content[start - 1].folded in words.tail_lead_ins:
                    start -= 1
                return content[start].start
    return None


def frame_of(reading: Reading, drop_roles: frozenset[str] = frozenset({"opener", "closer"})) -> list[FramePiece]:
    """The question cut into pieces; syllables with `drop_roles` are left out, and so are grammar words that
    would be left at the start ("thì ai lo" once "Còn ở Hòa Bình" is dropped)."""
    question = reading.question
    marks: list[tuple[int, int, str, int]] = [
        (a, b, kind, n) for kind, a, n, b in _mentions(reading) if kind not in drop_roles]
    last_word = max((s.end for s in reading.syllables if s.role != "punct"), default=0)
    leading = True
    for s in reading.syllables:
        dropped = s.role in drop_roles or (s.role == "punct" and s.start >= last_word)
        if dropped or (leading and s.role in {"function", "punct"} and drop_roles & SLOT_ROLES):
            marks.append((s.start, s.end, "drop", s.end))
        else:
            leading = False
    # Each run of reference syllables is one reference: "kế hoạch đó … thông tư đó" are two, and the words
    # between them are the message's own.
    run: list[Syllable] = []
    syllables: list[Syllable | None] = [*reading.syllables, None]
    for syllable in syllables:
        if (syllable is not None and syllable.role in {"reference", "place_reference"}
                and (not run or run[-1].role == syllable.role)):
            run.append(syllable)
            continue
        if run:
            marks.append((run[0].start, run[-1].end, run[0].role, run[0].start))
        run = [syllable] if syllable is not None and syllable.role in {"reference", "place_reference"} else []
    tail = _tail_start(reading)
    if tail is not None:
        end = max(s.end for s in reading.syllables if s.role not in {"punct", "closer"})
        if not any(a < end and tail < b for a, b, _, _ in marks):
            marks.append((tail, end, "tail", tail))
    pieces: list[FramePiece] = []
    cursor = 0
    for start, end, kind, name_start in sorted(marks):
        if start < cursor:
            continue
        if start > cursor:
            pieces.append(FramePiece(kind="text", text=question[cursor:start]))
        if kind in SLOT_KINDS:
            pieces.append(FramePiece.model_validate(
                {"kind": kind, "text": question[name_start:end], "prefix": question[start:name_start]}))
        elif kind != "drop":
            pieces.append(FramePiece.model_validate({"kind": kind, "text": question[start:end]}))
        cursor = end
    if cursor < len(question):
        pieces.append(FramePiece(kind="text", text=question[cursor:]))
    return pieces


def state_of(reading: Reading, slots: Slots | None = None) -> DialogueState:
    """The state of a standalone question; `slots` (from the resolution) win over what the text names."""
    analysis = reading.analysis
    if slots is None:
        slots = Slots(places=reading.places(), years=list(analysis.years), agencies=list(analysis.agencies),
                      document_ids=list(analysis.document_ids))
    return DialogueState(
        question=analysis.question,
        intent=analysis.intent,
        answer_type=analysis.answer_type,
        topic=reading.topic_phrase(),
        topic_words=reading.topic_words,
        topic_runs=reading.topic_runs(),
        topic_agencies=reading.topic_agencies(),
        ask=reading.text_of(["ask"]),
        slots=slots,
        frame=frame_of(reading),
    )


# ---- writing a question back ------------------------------------------------------------------------------------


def join(values: list[str]) -> str:
    conjunction = lexicon().dialogue.render["and"]
    if len(values) <= 1:
        return "".join(values)
    return f"{', '.join(values[:-1])} {conjunction} {values[-1]}"


def slot_phrase(kind: str, values: list[str]) -> str:
    return lexicon().dialogue.render[kind].format(x=join(values)) if values else ""


def _slot_values(slots: Slots, kind: str) -> list[str]:
    return {"place": slots.places, "year": [str(y) for y in slots.years], "agency": slots.agencies}[kind]


def render(frame: list[FramePiece], slots: Slots, topic: str = "", extra: tuple[str, ...] = (),
           referents: dict[str, str] | None = None) -> str:
    """Write a frame back as a question with the given slot values.

    A slot piece takes all values of its kind (later pieces of that kind are dropped); a reference piece becomes
    its entry in `referents`, else the topic; slots with no piece of their kind, and the topic when nothing stands for it, go before the
    closing question form ("Nộp <topic> ở đâu?") or, when the question starts with it, at the front ("<Topic>
    bao lâu?"); `extra` phrases (a document) go last."""
    referents = referents or {}
    # Places only: years and agencies the message names apart are read as one mention of several values.
    in_place = {"place"} if _named_in_place(frame, "place", slots.places) else set()
    placed: set[str] = set()
    parts: list[str] = []
    topic_placed = not topic
    tail_at: int | None = None  # index in `parts` of the closing question form
    for piece in frame:
        if piece.kind in in_place:
            # The message's own mentions, each where it wrote it ("Tỉnh tôi là A; so với B thì …"): gathered
            # into the first, the sentence would say another thing.
            parts.append(piece.prefix + piece.text)
            placed.add(piece.kind)
            continue
        if piece.kind in SLOT_KINDS:
            values = _slot_values(slots, piece.kind)
            if values and piece.kind not in placed:
                parts.append(_unrepeated(piece.prefix, parts) + join(values))
                placed.add(piece.kind)
            continue
        if piece.kind == "reference" and topic:
            referent = referents.get(piece.text, topic)
            parts.append(referent if not parts else lower_first_word(referent))
            topic_placed = True
            continue
        if piece.kind == "place_reference" and slots.places:
            # "Tỉnh" as the subject becomes the province's name ("Lâm Đồng dành …"), "ở đó" its phrase ("ở Lâm Đồng").
            vocabulary = lexicon().dialogue
            subject = fold_words(piece.text) in {fold_words(p) for p in vocabulary.subject_places}
            before = fold_words(parts[-1]).split()[-1:] if parts else []
            named = subject or bool(before) and before[0] in vocabulary.place_prepositions  # "Ở tỉnh đó" -> "Ở Lâm Đồng"
            parts.append(join(slots.places) if named else slot_phrase("place", slots.places))
            placed.add("place")
            continue
        if piece.kind == "tail":
            tail_at = len(parts)
        parts.append(piece.text)
    missing = [slot_phrase(kind, _slot_values(slots, kind)) for kind in SLOT_KINDS
               if kind not in placed and _slot_values(slots, kind)]
    inserted = [] if topic_placed else [topic]
    if tail_at is not None and tidy(" ".join(parts[:tail_at])):
        words = [*parts[:tail_at], *map(lower_first_word, inserted), *missing, *parts[tail_at:], *extra]
    elif tail_at is not None:
        words = [*inserted, *missing, *map(lower_first_word, parts), *extra]
    else:
        words = [*parts, *map(lower_first_word, inserted), *missing, *extra]
    return sentence(" ".join(words))


def _unrepeated(prefix: str, parts: list[str]) -> str:
    """A slot's prefix, or nothing when what is written before it already ends with it: an agency whose name
    ends in "tỉnh" put before a place whose prefix was "tỉnh" must not say it twice."""
    said = fold_words(" ".join(parts)).split()
    words = fold_words(prefix).split()
    return "" if words and said[-len(words):] == words else prefix


def _named_in_place(frame: list[FramePiece], kind: str, values: list[str]) -> bool:
    """Whether the frame's several mentions of `kind` name exactly `values` between them, each at least one."""
    pieces = [fold_words(p.text) for p in frame if p.kind == kind]
    if len(pieces) < 2 or not values:
        return False
    wanted = {fold_words(v) for v in values}
    named = [{v for v in wanted if f" {v} " in f" {piece} "} for piece in pieces]
    return all(named) and set().union(*named) == wanted


def lower_first_word(text: str) -> str:
    """Lower-case an ordinary sentence start that no longer starts the sentence ("Bao lâu …" -> "bao lâu …");
    names ("Sở Tài chính", "Hòa Bình") and acronyms ("HTX") keep their capitals."""
    stripped = text.lstrip()
    words = stripped.split()
    vocabulary = lexicon().dialogue
    if words and fold_words(words[0]) in {*vocabulary.place_prepositions, *vocabulary.document_prepositions}:
        return text[: len(text) - len(stripped)] + stripped[0].lower() + stripped[1:]  # "Ở Lâm Đồng" -> "ở Lâm Đồng"
    if not words or len(words[0]) < 2 or not words[0][0].isupper() or words[0][1].isupper():
        return text
    if len(words) > 1 and words[1][:1].isupper():
        return text
    return text[: len(text) - len(stripped)] + stripped[0].lower() + stripped[1:]


def referent(reference: str, state: DialogueState) -> str:
    """What "hồ sơ đó" / "việc này" stands for in the thread: the run of the previous topic that starts with the
    reference's noun ("hồ sơ đăng ký"), or the whole previous topic for a noun it does not contain ("việc")."""
    from ingest.lexicon import fold_words

    noun = fold_words(" ".join(reference.split()[:-1]))
    for run in state.topic_runs:
        words = run.split()
        folded = [fold_words(w) for w in words]
        size = len(noun.split())
        for i in range(len(words) - size + 1):
            if " ".join(folded[i:i + size]) == noun and len(words) - i > size:
                return " ".join(words[i:])
    return state.topic
