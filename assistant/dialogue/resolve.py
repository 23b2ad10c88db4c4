"""Explicit inheritance rules: a chat message plus the previous turn's state give the next standalone question.

A message fills what it names and inherits the rest:

- a new place, year, agency or document *replaces* the old one (never accumulates);
- a message made only of a question form ("Nộp ở đâu?", "Bao lâu?", "Ai ký?", "Cơ quan nào phối hợp?",
  "Hạn chót là khi nào?") keeps the thread's topic and document and changes what is asked;
- "Còn … thì sao?" (and "Thế còn …", "Với … thì …") swaps the named slot into the previous question;
- "Trong đó …", "Riêng …", "Sau đó …", "việc đó", "ở đó" continue the thread with a more specific question;
- "Mức đó so với Nghị định Y thì thế nào?" (pointing back at the figure, date or body the thread's answer stated,
  set against a document or place of its own) asks the thread's question with that one beside it: a grouped
  answer with a row for each;
- a message with a topic of its own continues the thread only when it uses a follow-up question form and every
  topic word it adds is already in the thread (its topic or the clauses that answered it); otherwise it
  starts a new thread and inherits nothing. So does a whole question about an agency or document of its own
  ("Sở Tài chính phải làm gì?").

The result is written back as one clean question, shown to the user as "Đã hiểu là: …".
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Collection, Mapping
from typing import Literal

from pydantic import BaseModel, Field

from assistant.answering.spans import SPAN_TYPES
from assistant.dialogue.mentions import document_mentions, kind_of_reference, mentioned
from assistant.dialogue.reading import Reading, Syllable, follow_ask_in, read, sentence, tidy
from assistant.dialogue.state import (
    DialogueState,
    FramePiece,
    Slots,
    frame_of,
    lower_first_word,
    referent,
    render,
    slot_phrase,
)
from assistant.models import QueryAnalysis
from ingest.lexicon import contains_phrase, fold, fold_words, lexicon

Rule = Literal["first", "new", "shift", "swap", "ask", "refine", "narrow", "sequel", "reference"]


class Resolution(BaseModel):
    question: str
    follow_up: bool
    rule: Rule
    slots: Slots
    core: str = Field("", description="The question without the thread's context put before it (\"Về <topic>, ở "
                      "<place>: …\"): what the turn itself asks, the topic the next follow-up continues")
    other_document: bool = Field(False, description="The message asks about a document other than the thread's "
                                 "(\"thông tư đó\" in a thread on a plan): the thread's clauses are no evidence")
    unknown_document: bool = Field(False, description="The message points at a document (\"thông tư đó\") that "
                                   "neither it nor the thread names: no clause can be known to be about it")


def own_slots(reading: Reading) -> Slots:
    """What the message itself names."""
    analysis = reading.analysis
    return Slots(places=reading.places(), years=list(analysis.years), agencies=list(analysis.agencies),
                 document_ids=list(analysis.document_ids))


def apply_slots(analysis: QueryAnalysis, slots: Slots, corpus_provinces: Collection[str]) -> QueryAnalysis:
    """The analysis of a written-back question with the resolved slots: what the message inherited holds even
    where the text alone would be read otherwise (a document it no longer names)."""
    corpus = {fold_words(p): p for p in corpus_provinces}
    return analysis.model_copy(update={
        "provinces": [corpus[fold_words(p)] for p in slots.places if fold_words(p) in corpus],
        "unknown_places": [p for p in slots.places if fold_words(p) not in corpus],
        "years": list(slots.years),
        "document_ids": list(slots.document_ids),
    })


def inherit(previous: Slots, own: Slots) -> Slots:
    """What the message names replaces; what it does not name is kept."""
    return Slots(places=own.places or previous.places, years=own.years or previous.years,
                 agencies=own.agencies or previous.agencies, document_ids=own.document_ids or previous.document_ids)


def rule_for(reading: Reading, previous: DialogueState, thread_words: Collection[str]) -> Rule:
    if reading.has("opener", "closer") and not reading.states_its_own_question() and not _asks_anew(reading, previous):
        return "swap"
    if reading.has("narrow"):
        return "narrow"
    if reading.has("sequel"):
        return "sequel"
    if reading.has("reference", "place_reference"):
        return "reference"
    if not reading.has_topic:
        analysis = reading.analysis
        names_own = bool(set(analysis.agencies) - set(previous.slots.agencies)) or bool(analysis.document_ids) or (
            _asks_anew(reading, previous))
        if names_own and reading.has("ask"):
            return "new"  # a whole question about an agency or a document of its own ("Sở Tài chính làm gì?")
        return "ask" if reading.has("ask") else "swap"
    if follow_ask_in(reading) and leans_on_thread(reading, previous, thread_words):
        return "refine"
    return "new"


def _asks_anew(reading: Reading, previous: DialogueState) -> bool:
    """"Còn <agency> ở <places> được giao việc gì?" after a question of another kind: a question form and the
    agency it is asked of make a whole question, asked as written (nothing swapped into the previous one, whose
    year or figure it does not ask about)."""
    return bool(reading.analysis.agencies) and reading.has("ask") and not _same_question(reading, previous)


def leans_on_thread(reading: Reading, previous: DialogueState, thread_words: Collection[str]) -> bool:
    """Whether every topic word of the message is already in the thread: the previous question's topic or the
    clauses near those that answered it."""
    known = set(previous.topic_words) | set(thread_words)
    return all(word in known for word in reading.topic_words)


def resolve(
    analysis: QueryAnalysis,
    previous: DialogueState | None,
    thread_words: Collection[str] = (),
    document_names: Mapping[str, str] | None = None,
    force_follow_up: bool = False,
) -> Resolution:
    """The standalone question for a message (`analysis`), given the previous turn's state.

    `thread_words` are the folded words of the clauses near those that answered the previous turn;
    `document_names` name documents for the written-back question; `force_follow_up` reads a message that
    would start a new thread as a continuation (used when it found no answer on its own)."""
    reading = read(analysis)
    own = own_slots(reading)
    if previous is None:
        return Resolution(question=analysis.question, follow_up=False, rule="first", slots=own)
    compared = _compared_with_the_thread(reading, previous, own)
    if compared is not None:
        return compared
    rule = rule_for(reading, previous, thread_words)
    if rule == "new" and force_follow_up:
        rule = "refine"
    if rule == "new" and _shifts_within_the_places(reading, previous, own):
        rule = "shift"
    if rule == "new":
        return Resolution(question=analysis.question, follow_up=False, rule="new", slots=own)
    slots = inherit(previous.slots, own)
    if rule == "shift":
        # Another question about the same province's plan: its place and year, not its topic, agency or documents.
        slots = Slots(places=previous.slots.places, years=previous.slots.years, agencies=own.agencies)
    if reading.has("place_reference") and own.places:
        # "… của hai tỉnh đó và của Hòa Bình": the thread's places and the one named beside them.
        slots = slots.model_copy(update={"places": list(dict.fromkeys([*previous.slots.places, *own.places]))})
    if rule == "swap" and reading.has_topic and not own.agencies and _swap_topic(reading, previous, slots) is None:
        # A new topic replaces the old one together with the agency it was about.
        slots = slots.model_copy(update={"agencies": []})
    names = document_names or {}
    others = other_documents(reading, previous, names)
    if others:
        # "Thông tư đó còn hiệu lực không?" in a thread on a plan: the circular is not the plan, which is then no
        # place to look, and the plan's province and years are not the circular's.
        slots = own
    elif _refers_to_a_document(reading) and not own.document_ids and previous.document_ids:
        # "Kế hoạch này ban hành ngày nào?": the document that answered the thread.
        slots = slots.model_copy(update={"document_ids": previous.document_ids[:1]})
    # A question written from the message says which document the thread is in, unless it already does.
    documents = _documents(slots, names, own)
    question, core = _write(reading, previous, rule, own, slots, names, documents)
    if documents and any(question.count(_number(names[d])) > 1 for d in slots.document_ids if d in names):
        question, core = _write(reading, previous, rule, own, slots, names, ())
    return Resolution(question=question, follow_up=True, rule=rule, slots=slots, core=core,
                      other_document=bool(others), unknown_document=any(k == v for k, v in others.items()))


def _shifts_within_the_places(reading: Reading, previous: DialogueState, own: Slots) -> bool:
    """"Còn lớp tập huấn thì ai dạy?" in a thread about a province's plan: a message opening with "còn" asks
    a new question of its own, about the same province, when it names no place, year or document of its own."""
    return (reading.has("opener") and reading.has_topic and bool(previous.slots.places)
            and not (own.places or own.years or own.document_ids))


def _compared_with_the_thread(reading: Reading, previous: DialogueState, own: Slots) -> Resolution | None:
    """"Mức đó so với Nghị định Y thì thế nào?", "So với tỉnh Z thì con số này ra sao?": a message pointing back at
    the figure, date or body the thread's answer stated and setting it against a document or place of its own asks
    the thread's question with that one beside it, so each is answered from its own text (one grouped answer)."""
    words = lexicon().dialogue
    new = [p for p in own.places if p not in previous.slots.places] + [
        d for d in own.document_ids if d not in previous.slots.document_ids]
    if not previous.found or not (previous.slots.places or previous.slots.document_ids) or not new:
        return None
    if previous.answer_type not in SPAN_TYPES and previous.intent != "target":
        return None  # "mức đó", "thời hạn này" point at a figure, date or body the thread's answer stated
    spans = sorted(reading.phrase_spans(p for p in (*words.compare, *words.contrasts) if " " in p))
    pointing = {unicodedata.normalize("NFC", w).lower() for w in words.pointing_back}
    back = [i for i, s in enumerate(reading.syllables) if s.lower in pointing]
    if not spans or not back:
        return None
    start, end = spans[0]
    after = [s for s in reading.syllables if s.start >= end]
    kept: list[Syllable] = []
    for s in after:
        if s.role in {"closer", "punct"} or (s.role == "function" and kept and reading.syllables.index(s) < back[0]
                                             and back[0] > reading.syllables.index(kept[0])):
            # "So với Nghị định Y thì mức đó …": what is compared ends before the words pointing back.
            break
        if s.role != "opener":
            kept.append(s)
    while kept and kept[-1].role == "function":
        kept.pop()
    if not kept or not any(s.role in {"topic", "place"} for s in kept):
        return None
    other = reading.question[kept[0].start:kept[-1].end]
    question = sentence(words.render["compared"].format(x=previous.question.rstrip(" ?"), y=other))
    slots = Slots(places=list(dict.fromkeys([*previous.slots.places, *own.places])),
                  years=own.years or previous.slots.years, agencies=own.agencies or previous.slots.agencies,
                  document_ids=list(dict.fromkeys([*previous.slots.document_ids, *own.document_ids])))
    return Resolution(question=question, follow_up=True, rule="reference", slots=slots, core=question)


def _write(reading: Reading, previous: DialogueState, rule: Rule, own: Slots, slots: Slots,
           names: Mapping[str, str], extra: tuple[str, ...]) -> tuple[str, str]:
    """The follow-up written back as one standalone question, and that question without the thread's context
    put before it."""
    if reading.has("narrow") and reading.has_topic and not reading.has("ask"):
        # "Riêng huyện Kỳ Sơn thì sao?": the previous question, narrowed by what the message adds.
        qualifier = tidy(render(frame_of(reading, drop_roles=frozenset({"closer"})), Slots()))
        narrowed = render(previous.frame, slots, extra=(", " + lower_first_word(qualifier),))
        return narrowed, narrowed
    if reading.has_topic or reading.has("reference"):
        swapped = _swap_topic(reading, previous, slots) if rule == "swap" else None
        if swapped is not None:
            return swapped, swapped
        return _with_context(reading, previous, rule, own, slots, extra, names)
    question = _asked_of_the_thread(reading, previous, rule, own, slots, names, extra)
    return question, question


def _asked_of_the_thread(reading: Reading, previous: DialogueState, rule: Rule, own: Slots, slots: Slots,
                         names: Mapping[str, str], extra: tuple[str, ...]) -> str:
    """A message without a topic of its own: the previous question again, or its question form around the
    thread's topic."""
    if rule == "swap" and _same_question(reading, previous) or not reading.has("ask"):
        # "Còn Hòa Bình năm 2017 thì sao?": the previous question (which names its document, if any) with the
        # named slots swapped in place.
        return render(previous.frame, slots)
    # "Nộp ở đâu?", "Hạn chót là khi nào?": the new question form around the thread's topic.
    # Agencies the topic already names are not repeated ("hạn chót báo cáo Ủy ban nhân dân tỉnh").
    shown = slots if own.agencies else slots.model_copy(
        update={"agencies": [a for a in slots.agencies if a not in previous.topic_agencies]})
    frame = frame_of(reading, drop_roles=_MARKERS_AND_SLOTS)
    if _asks_about_a_document(reading) and previous.document_ids and previous.document_ids[0] in names:
        # "Ai ký?", "Ban hành ngày nào?": asked of the document that answered, not of its topic.
        asked = render(frame, Slots()).rstrip("?")
        return sentence(f"{names[previous.document_ids[0]]} {lower_first_word(asked)}")
    return render(frame, shown, topic=previous.topic, extra=extra)


def _number(label: str) -> str:
    """The number in a document's name ("31/KH-UBND" of "Kế hoạch số 31/KH-UBND"), else the name."""
    return label.split(" số ", 1)[-1]


_MARKERS_AND_SLOTS = frozenset({"opener", "closer", "place", "place_prep", "year", "year_prefix", "agency"})


def _asks_about_a_document(reading: Reading) -> bool:
    """Whether the message asks for a field of a document (who signed it, when it was issued)."""
    folded = reading.analysis.folded
    return any(contains_phrase(folded, cue) for cues in lexicon().question.metadata_cues.values() for cue in cues)


def _same_question(reading: Reading, previous: DialogueState) -> bool:
    """A swap that asks what the previous question asked ("Còn Sở Công Thương thì sao?", "… thì làm gì?" after
    a tasks question): the previous question is re-asked; otherwise the message's own question form is."""
    analysis = reading.analysis
    if analysis.intent == "general":
        same = analysis.answer_type in ("other", previous.answer_type)
    else:
        same = analysis.intent == previous.intent
    return same and not follow_ask_in(reading, besides=previous.question)


def _swap_topic(reading: Reading, previous: DialogueState, slots: Slots) -> str | None:
    """"Còn hợp tác xã vận tải thì sao?": the named topic replaces the part of the previous question it
    overlaps ("hợp tác xã nông nghiệp"), when the message asks nothing else; with no overlap and no question form of its
    own, it is asked with the previous question form. None when the message is its own question."""
    if reading.has("ask") and not _same_question(reading, previous) or reading.states_its_own_question():
        return None
    topic = reading.first_topic_run()
    swapped = _substitute(previous, topic)
    if swapped is not None:
        return render(swapped, slots)
    if reading.has("ask"):
        return None
    topic = reading.topic_phrase()
    tail = [p for p in previous.frame if p.kind == "tail"]
    if tail:
        return render([FramePiece(kind="text", text=topic + " "), *tail], slots)
    # Nothing of the previous question to put it in place of ("Với quỹ tín dụng thì sao?" after "Mỗi hộ nắm được
    # mấy phần trăm vốn góp?"): the previous question, asked of it.
    return render(previous.frame, slots, extra=(f", {lexicon().dialogue.render['asked_of']} {topic}",))


def _words(text: str) -> list[tuple[str, int, int]]:
    """Folded words of `text` with their offsets; an abbreviation stands for the words it abbreviates, all with
    its own offsets ("HTX" -> hop, tac, xa)."""
    expansions = {fold_words(short): fold_words(long).split() for short, long in lexicon().abbreviations.items()}
    out: list[tuple[str, int, int]] = []
    for match in re.finditer(r"\w+", text):
        folded = fold(match.group(0))
        out.extend((w, match.start(), match.end()) for w in expansions.get(folded, [folded]))
    return out


def _cuts_a_term(words: list[tuple[str, int, int]], start: int, end: int) -> bool:
    """Whether words[start:end] cut through a term of the lexicon ("hợp tác" out of "hợp tác xã"); the words an
    abbreviation stands for are one token and may be replaced whole."""
    folded = [w for w, _, _ in words]
    for long in lexicon().abbreviations.values():
        term = fold_words(long).split()
        for at in range(len(words) - len(term) + 1):
            if folded[at:at + len(term)] != term or len({words[i][1] for i in range(at, at + len(term))}) == 1:
                continue
            if at < end and start < at + len(term) and not (start <= at and at + len(term) <= end):
                return True
    return False


def _substitute(previous: DialogueState, topic: str) -> list[FramePiece] | None:
    """The previous frame with the part the topic overlaps replaced by the topic: another thing of its kind
    (lexicon: dialogue.swappable), else a run of the previous topic that starts like it ("hợp tác xã nông nghiệp" -> "hợp tác xã vận tải"), else the longest ending of the topic found
    in it (two words at least: one alone, "gửi", is no topic; never cutting a term such as "hợp tác xã"), widened
    to the words before it that the topic starts with ("một tổ" -> "một tổ hợp tác"). None when
    they share nothing."""
    topic_words = [w for w, _, _ in _words(topic)]
    stop_words = lexicon().question.stop_words
    # Another thing of the same kind ("hợp tác xã" for "tổ hợp tác").
    for group in lexicon().dialogue.swappable:
        if fold_words(topic) not in group:
            continue
        for index, piece in enumerate(previous.frame):
            if piece.kind != "text":
                continue
            for start, end, found in _occurrences(piece.text, group):
                if found != fold_words(topic) and not _names_a_document(piece.text[:start]):
                    return _replaced(previous.frame, index, start, end, topic)
    # A run of the previous topic that starts like the topic ("hợp tác xã nông nghiệp" -> "hợp tác xã vận tải").
    for run in previous.topic_runs:
        run_words = [w for w, _, _ in _words(run)]
        shared = next((k for k in range(min(len(run_words), len(topic_words)) - 1, 1, -1)
                       if run_words[:k] == topic_words[:k]), 0)
        if not shared or all(w in stop_words for w in topic_words[:shared]):
            continue
        for index, piece in enumerate(previous.frame):
            at = piece.text.find(run) if piece.kind == "text" else -1
            if at >= 0:
                return _replaced(previous.frame, index, at, at + len(run), topic)
    # Else the longest ending of the topic found in the previous question.
    for size in range(len(topic_words), 1, -1):
        ending = topic_words[-size:]
        if all(w in stop_words for w in ending):
            continue
        for index, piece in enumerate(previous.frame):
            if piece.kind != "text":
                continue
            words = _words(piece.text)
            folded = [w for w, _, _ in words]
            for at in range(len(words) - size + 1):
                if folded[at:at + size] != ending:
                    continue
                lead = len(topic_words) - size
                while lead > 0 and not (at >= lead and folded[at - lead:at] == topic_words[:lead]):
                    lead -= 1
                if _cuts_a_term(words, at - lead, at + size):
                    continue
                start, end = words[at - lead][1], words[at + size - 1][2]
                return _replaced(previous.frame, index, start, end, topic)
    return None


def _names_a_document(before: str) -> bool:
    """Whether the words before a mention make it part of a document's name ("Luật HTX")."""
    words = fold_words(before).split()
    type_words = {w for w in lexicon().documents.type_words if len(w) > 2}
    return bool(words) and any(" ".join(words[-len(t.split()):]) == t for t in type_words)


def _occurrences(text: str, phrases: tuple[str, ...]) -> list[tuple[int, int, str]]:
    """Non-overlapping occurrences of folded `phrases` in `text` as (start, end, phrase), longest first."""
    folded = fold(text)
    if len(folded) != len(text):
        return []
    found: list[tuple[int, int, str]] = []
    for phrase in sorted(phrases, key=len, reverse=True):
        body = r"\s+".join(re.escape(w) for w in phrase.split())
        for match in re.finditer(rf"(?<![a-z0-9]){body}(?![a-z0-9])", folded):
            if all(match.end() <= a or b <= match.start() for a, b, _ in found):
                found.append((match.start(), match.end(), phrase))
    return sorted(found)


def _replaced(frame: list[FramePiece], index: int, start: int, end: int, text: str) -> list[FramePiece]:
    piece = frame[index].text
    return [*frame[:index], FramePiece(kind="text", text=piece[:start] + text + piece[end:]), *frame[index + 1:]]


def _with_context(reading: Reading, previous: DialogueState, rule: Rule, own: Slots, slots: Slots,
                  extra: tuple[str, ...], names: Mapping[str, str]) -> tuple[str, str]:
    """A message with a topic of its own, kept as written, after the thread's context: "Về <topic>, ở <place>,
    năm <year>: <message>?". "ở đó" becomes the place and "việc đó" the topic, in place."""
    place_reference = reading.has("place_reference")
    core_slots = Slots(places=slots.places if place_reference else own.places,
                       years=own.years, agencies=own.agencies, document_ids=own.document_ids)
    frame = frame_of(reading)
    referents = {p.text: referent(p.text, previous) for p in frame if p.kind == "reference"}
    for p in frame:
        if p.kind == "reference" and _document_noun(p.text) and slots.document_ids and slots.document_ids[0] in names:
            referents[p.text] = names[slots.document_ids[0]]
        elif p.kind == "reference" and _document_noun(p.text) and previous.document_ids and (
                previous.document_ids[0] in names):
            # "Kế hoạch này …" beside a reference to another document: the one that answered the thread.
            referents[p.text] = names[previous.document_ids[0]]
    others = other_documents(reading, previous, names)
    referents.update(others)
    core = render(frame, core_slots, topic=previous.topic if reading.has("reference") else "", referents=referents)
    if others:
        # "Kế hoạch này căn cứ Thông tư X. Thông tư đó còn hiệu lực không?": the sentences before the one asking
        # of the other document only said which document that is; kept, they would ask of the plan again.
        sentences = re.split(r"(?<=[.!?])\s+", core)
        asking = [i for i, text in enumerate(sentences) if any(v.lower() in text.lower() for v in others.values())]
        core = " ".join(sentences[asking[-1]:]) if asking else core
    if others or any(name in core for name in referents.values() if name in names.values()):
        # The document named in place of "kế hoạch này" is all the context the question needs; so is one named in
        # place of "thông tư đó" (or that reference as written, when which one is meant is not known): the
        # thread's place and year are those of another document.
        return core, core
    context: list[str] = []
    overlaps = bool(set(reading.topic_words) & set(previous.topic_words))
    # A topic that is only a part of the previous one ("cho vay" after "hợp tác xã cho thành viên vay") adds
    # nothing of its own: the previous topic is what it is about, for this turn and the next.
    part_of = overlaps and set(reading.topic_words) < set(previous.topic_words)
    agencies = [] if own.agencies else slots.agencies
    if rule not in ("swap", "shift") and previous.topic and (not overlaps or part_of) and not reading.has("reference"):
        context.append(slot_phrase("topic", [lower_first_word(previous.topic)]))
        agencies = [a for a in agencies if a not in previous.topic_agencies]  # the topic names them
    for kind, values in (("place", [] if core_slots.places else slots.places),
                         ("year", [] if own.years else [str(y) for y in slots.years]),
                         ("agency", agencies)):
        if values:
            context.append(slot_phrase(kind, values))
    context.extend(extra)
    if not context:
        return core, core
    question = sentence(f"{', '.join(context)}: {lower_first_word(core)}")
    return question, question if part_of else core


def _document_noun(reference: str) -> bool:
    """Whether a reference's noun is a kind of document ("kế hoạch này", "nghị định đó")."""
    noun = fold_words(" ".join(reference.split()[:-1]))
    return noun in lexicon().documents.type_words or noun in lexicon().question.document_words


def _references(reading: Reading) -> list[str]:
    """The message's references as written, one per run of reference syllables ("kế hoạch đó", "thông tư này")."""
    runs: list[list[Syllable]] = []
    for i, s in enumerate(reading.syllables):
        if s.role != "reference":
            continue
        if runs and reading.syllables[i - 1] is runs[-1][-1]:
            runs[-1].append(s)
        else:
            runs.append([s])
    return [reading.question[run[0].start:run[-1].end] for run in runs]


def _refers_to_a_document(reading: Reading) -> bool:
    return any(_document_noun(reference) for reference in _references(reading))


def other_documents(reading: Reading, previous: DialogueState, names: Mapping[str, str]) -> dict[str, str]:
    """References to a document of a kind the thread's document is not ("thông tư đó" in a thread on a plan),
    each with the document meant: the one of that kind the message names, else the one the thread named last
    (`DialogueState.mentions`), else the reference as written: which one is meant is not known (the thread's
    document is not of that kind, or it has none)."""
    thread = [*previous.slots.document_ids, *previous.document_ids]
    thread_name = names.get(thread[0], "") if thread else ""
    own = document_mentions([reading.question])
    out: dict[str, str] = {}
    for reference in _references(reading):
        kind = kind_of_reference(reference)
        # A decision whose title contains "kế hoạch" is what "kế hoạch này" points at after answers from it.
        if kind is None or (thread_name and f" {fold_words(kind)} " in f" {fold_words(thread_name)} "):
            continue
        out[reference] = mentioned(kind, [own, *previous.mentions]) or reference
    return out


def _documents(slots: Slots, names: Mapping[str, str], own: Slots) -> tuple[str, ...]:
    """'theo <document>' for a document the thread named and the message does not."""
    if own.document_ids or not slots.document_ids:
        return ()
    labels = [names[d] for d in slots.document_ids if d in names]
    return (slot_phrase("document", labels),) if labels else ()
