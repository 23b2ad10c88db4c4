"""An analysed question read syllable by syllable: what each word does in the question.

The analysis (`assistant.query.analyze`) already found the places, years and agencies and split the question
into words; here every syllable of those words gets one role, with its offsets in the question, so that a
follow-up can keep, swap or drop exactly the words of one slot and write the rest back verbatim.

Roles, in the order they are assigned (the first that applies wins):
place, place_prep (ở/tại/tỉnh before a place), agency, year, year_prefix (năm before a year), collect ("ở các
tỉnh"), opener / closer
("còn … thì sao"), narrow ("trong đó", "riêng"), sequel ("sau đó"), reference ("việc đó"), place_reference
("ở đó"), ask (a question form, or a question about a document: "ban hành ngày"), weak (a framing phrase such as "chỉ tiêu", "kế hoạch"), function (a grammar
word), punct, and topic for everything else.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import cache

from assistant.models import QueryAnalysis
from ingest.lexicon import fold, fold_words, lexicon

SLOT_ROLES = frozenset({"place", "place_prep", "agency", "year", "year_prefix"})
MARKER_ROLES = frozenset({"opener", "closer", "narrow", "sequel", "reference", "place_reference"})
_ALNUM_RE = re.compile(r"\w")


@dataclass
class Syllable:
    text: str
    folded: str
    start: int
    end: int
    role: str = "topic"
    value: str | None = None  # canonical place / agency / year for slot syllables
    mention: int = -1  # syllables of one slot mention share a number
    lower: str = ""  # lower-cased with accents, for the references that need them
    compound: bool = False  # part of a word of several syllables ("báo cáo"): never a grammar word
    word: int = -1  # index of the analysis word the syllable belongs to
    document: bool = False  # part of a document's name ("Nghị định 77/2019", "Luật HTX 2023")
    continues: int = -1  # a topic syllable that ends the name of the agency mention with this number

    def __post_init__(self) -> None:
        self.lower = unicodedata.normalize("NFC", self.text).lower()


@dataclass
class Reading:
    """The syllables of one question with their roles."""

    analysis: QueryAnalysis
    syllables: list[Syllable] = field(default_factory=list)

    @property
    def question(self) -> str:
        return self.analysis.question

    def has(self, *roles: str) -> bool:
        return any(s.role in roles for s in self.syllables)

    def text_of(self, roles: Iterable[str]) -> str:
        """The syllables with the given roles, as written, in order."""
        wanted = set(roles)
        return " ".join(s.text for s in self.syllables if s.role in wanted)

    @property
    def topic_words(self) -> list[str]:
        """Folded topic syllables (abbreviations spelled out: "HTX" -> hop tac xa)."""
        from assistant.relevance import terms

        out: list[str] = []
        for s in self.syllables:
            if s.role == "topic":
                out.extend(t for t in terms(s.text) if t not in out)
        return out

    @property
    def has_topic(self) -> bool:
        """Whether the message has topic words of its own (the rest of an agency's name is the agency)."""
        return any(s.role == "topic" and s.continues < 0 for s in self.syllables)

    def _topic_span(self) -> list[Syllable]:
        kept = [s for s in self.syllables if s.role in {"topic", "weak", "function", "agency"}]
        while kept and kept[0].role in {"function", "agency"}:
            kept.pop(0)  # a leading agency is the subject ("Sở Tài chính phải làm gì"), a slot of its own
        while kept and kept[-1].role == "function":
            kept.pop()
        return kept

    def topic_phrase(self) -> str:
        """The topic as written: from the first to the last topic word, without the places, years, question
        forms and cues in between ("đào tạo cán bộ hợp tác xã" out of "Ở Hòa Bình ai lo đào tạo cán bộ hợp tác xã năm
        2019?"); an agency inside it stays ("báo cáo Ủy ban nhân dân tỉnh")."""
        return " ".join(s.text for s in self._topic_span())

    def topic_agencies(self) -> list[str]:
        """Agencies named inside the topic phrase."""
        return list(dict.fromkeys(s.value for s in self._topic_span() if s.role == "agency" and s.value))

    def topic_runs(self) -> list[str]:
        """Runs of topic words without grammar words inside, as written ("giải thể quỹ", "biên bản họp"
        out of "Giải thể quỹ thì biên bản họp ghi gì?")."""
        runs: list[list[Syllable]] = [[]]
        for s in self.syllables:
            if s.role in {"topic", "weak"}:
                runs[-1].append(s)
            elif runs[-1]:
                runs.append([])
        return [" ".join(s.text for s in run) for run in runs if run]

    def states_its_own_question(self) -> bool:
        """Whether the topic words form several runs outside document names ("thời hạn góp vốn của thành viên …
        so với thời hạn hoàn trả vốn …"): a whole question, not one thing put in the place of another."""
        runs = 0
        inside = False
        for s in self.syllables:
            word = s.role in {"topic", "weak"} and not s.document
            runs += word and not inside
            inside = word
        return runs >= 2

    def first_topic_run(self) -> str:
        """The first run of topic words ("sổ thành viên" out of "Thế còn sổ thành viên thì phải lưu ở đâu?")."""
        runs = self.topic_runs()
        return runs[0] if runs else ""

    def core(self, drop: Iterable[str] = ("opener", "closer")) -> str:
        """The question as written minus the syllables of the given roles (markers by default)."""
        dropped = set(drop)
        return cut(self.question, [(s.start, s.end) for s in self.syllables if s.role in dropped])

    def document_spans(self) -> list[tuple[int, int]]:
        """Character spans of the documents the question names, each with the preposition before it ("theo
        Nghị định 77") and the joiner between two of them ("NĐ 77 và NĐ 92")."""
        words = lexicon().dialogue
        spans: list[tuple[int, int]] = []
        syllables = self.syllables
        i = 0
        while i < len(syllables):
            if not syllables[i].document:
                i += 1
                continue
            start = i
            while i < len(syllables) and syllables[i].document:
                i += 1
            first = start
            if first > 0 and syllables[first - 1].folded in words.document_prepositions:
                first -= 1
            if spans:
                # Only joiners and punctuation between this mention and the previous one: cut them too.
                between = [s for s in syllables if spans[-1][1] <= s.start and s.end <= syllables[first].start]
                if all(s.folded in words.joiners or s.role == "punct" for s in between):
                    spans[-1] = (spans[-1][0], syllables[i - 1].end)
                    continue
            spans.append((syllables[first].start, syllables[i - 1].end))
        return spans

    def place_spans(self) -> list[tuple[int, int]]:
        """Character spans of the place mentions ("của Quảng Ninh và Lâm Đồng" is one)."""
        words = lexicon().dialogue
        spans: list[tuple[int, int]] = []
        for s in self.syllables:
            if s.role not in {"place", "place_prep"}:
                continue
            between = [t for t in self.syllables if spans and spans[-1][1] <= t.start and t.end <= s.start]
            if spans and all(t.role in {"place", "place_prep", "punct"} or t.folded in words.joiners for t in between):
                spans[-1] = (spans[-1][0], s.end)
            else:
                spans.append((s.start, s.end))
        return spans

    def phrase_spans(self, phrases: Iterable[str]) -> list[tuple[int, int]]:
        """Character spans of the folded `phrases` where they occur as whole syllables, longest first."""
        wanted = _phrases(tuple(phrases))
        folded = [s.folded for s in self.syllables]
        spans: list[tuple[int, int]] = []
        i = 0
        while i < len(folded):
            for phrase in wanted:
                if tuple(folded[i:i + len(phrase)]) == phrase:
                    spans.append((self.syllables[i].start, self.syllables[i + len(phrase) - 1].end))
                    i += len(phrase) - 1
                    break
            i += 1
        return spans

    def values(self, role: str) -> list[str]:
        return list(dict.fromkeys(s.value for s in self.syllables if s.role == role and s.value))

    def places(self) -> list[str]:
        """Places named, in the order the question names them (corpus provinces and others)."""
        analysis = self.analysis
        named = [*analysis.provinces, *analysis.unknown_places]
        return list(dict.fromkeys([*(v for v in self.values("place") if v in named), *named]))


def cut(text: str, spans: Sequence[tuple[int, int]]) -> str:
    """`text` without the given character spans, whitespace and stray punctuation tidied."""
    pieces: list[str] = []
    last = 0
    for start, end in sorted(spans):
        if start < last:
            continue
        pieces.append(text[last:start])
        last = end
    pieces.append(text[last:])
    return tidy(" ".join(pieces))


def tidy(text: str) -> str:
    text = re.sub(r"\s+", " ", text)
    text = re.sub(r"\s+([,.;:?!])", r"\1", text)
    text = re.sub(r"([,;:])(?:\s*[,;:])+", r"\1", text)
    return text.strip(" ,.;:?!-–—")


def sentence(text: str) -> str:
    """Capitalised, ending with a question mark."""
    text = tidy(text)
    return (text[:1].upper() + text[1:] + "?") if text else text


# ---- building a reading ---------------------------------------------------------------------------------------


def _align(question: str, words: Sequence[str]) -> list[Syllable]:
    """Syllables of the analysis' words with their offsets in the question; the question's own whitespace
    tokens when the words cannot be aligned (a segmenter that normalised a spelling)."""
    out: list[Syllable] = []
    cursor = 0
    for index, word in enumerate(words):
        pieces = word.split()
        for piece in pieces:
            at = question.find(piece, cursor)
            if at < 0:
                return _tokens(question)
            out.append(Syllable(piece, fold(piece), at, at + len(piece), compound=len(pieces) > 1, word=index))
            cursor = at + len(piece)
    return out or _tokens(question)


def _tokens(question: str) -> list[Syllable]:
    return [Syllable(m.group(0), fold(m.group(0)), m.start(), m.end(), word=index)
            for index, m in enumerate(re.finditer(r"\w+(?:[./-]\w+)*|[^\w\s]", question))]


@cache
def _phrases(items: tuple[str, ...]) -> tuple[tuple[str, ...], ...]:
    """Phrases as syllable tuples, longest first."""
    return tuple(sorted({tuple(p.split()) for p in items if p.split()}, key=len, reverse=True))


def _match_at(syllables: Sequence[Syllable], i: int, phrase: tuple[str, ...], key: str = "folded") -> bool:
    if i + len(phrase) > len(syllables):
        return False
    return all(getattr(syllables[i + j], key) == phrase[j] and syllables[i + j].role == "topic"
               for j in range(len(phrase)))


def _whole_words(syllables: Sequence[Syllable], i: int, n: int) -> bool:
    """Whether syllables i..i+n-1 start and end on word boundaries (a cue never splits "báo cáo")."""
    starts = i == 0 or syllables[i - 1].word != syllables[i].word
    ends = i + n == len(syllables) or syllables[i + n - 1].word != syllables[i + n].word
    return starts and ends


def _mark_phrases(syllables: list[Syllable], phrases: tuple[tuple[str, ...], ...], role: str,
                  key: str = "folded") -> None:
    i = 0
    while i < len(syllables):
        for phrase in phrases:
            if _match_at(syllables, i, phrase, key) and _whole_words(syllables, i, len(phrase)):
                for j in range(len(phrase)):
                    syllables[i + j].role = role
                i += len(phrase) - 1
                break
        i += 1


def _content_bounds(syllables: Sequence[Syllable]) -> tuple[int, int]:
    """Index of the first and one past the last syllable that is not punctuation."""
    first = next((i for i, s in enumerate(syllables) if _ALNUM_RE.search(s.text)), len(syllables))
    last = max((i + 1 for i, s in enumerate(syllables) if _ALNUM_RE.search(s.text)), default=0)
    return first, last


def _place_names(analysis: QueryAnalysis) -> dict[tuple[str, ...], str]:
    places = lexicon().places
    names: dict[tuple[str, ...], str] = {}
    for name in (*places.provinces, *places.aliases, *analysis.provinces, *analysis.unknown_places):
        names.setdefault(tuple(fold_words(name).split()), places.canonical(name))
    # The analysis maps spellings to the corpus' own province names; use those where they differ.
    corpus = {fold_words(p): p for p in analysis.provinces}
    return {k: corpus.get(fold_words(v), v) for k, v in names.items()}


def _mark_places(syllables: list[Syllable], analysis: QueryAnalysis, mention: int) -> int:
    words = lexicon().dialogue
    names = _place_names(analysis)
    prefixes = _phrases(words.place_prefixes)
    prepositions = _phrases(words.place_prepositions)
    for phrase in sorted(names, key=len, reverse=True):
        for i in range(len(syllables)):
            if not _match_at(syllables, i, phrase):
                continue
            for j in range(len(phrase)):
                syllables[i + j].role, syllables[i + j].value, syllables[i + j].mention = "place", None, mention
            syllables[i].value = names[phrase]
            start = i
            for prefix in prefixes:  # "tỉnh Lâm Đồng", "thành phố Hồ Chí Minh"
                if start >= len(prefix) and _match_at(syllables, start - len(prefix), prefix):
                    for j in range(len(prefix)):
                        syllables[start - len(prefix) + j].role = "place_prep"
                        syllables[start - len(prefix) + j].mention = mention
                    start -= len(prefix)
                    break
            for prep in prepositions:  # "ở", "của" before the place
                if start >= len(prep) and _match_at(syllables, start - len(prep), prep):
                    for j in range(len(prep)):
                        syllables[start - len(prep) + j].role = "place_prep"
                        syllables[start - len(prep) + j].mention = mention
                    break
            mention += 1
    return mention


def _mark_agencies(syllables: list[Syllable], question: str, mention: int) -> int:
    from ingest.agencies import find_agencies

    for found in find_agencies(question):
        inside = [s for s in syllables if s.start >= found.start and s.end <= found.end and s.role == "topic"]
        if inside:
            # A short alias followed by the rest of the agency's name in the user's words ("Sở Nông nghiệp phát
            # triển nông thôn", without the "và" of the full name): those words stay topic words (they help
            # find the agency's documents) but belong to the mention, or a written-back question that names the
            # agency in full would say them twice.
            name = fold_words(found.canonical).split()
            i = syllables.index(inside[-1]) + 1
            while i < len(syllables) and syllables[i].role == "topic" and syllables[i].folded in name:
                syllables[i].continues = mention
                i += 1
        for k, s in enumerate(inside):
            s.role, s.mention, s.value = "agency", mention, found.canonical if k == 0 else None
        mention += 1
    return mention


def _mark_years(syllables: list[Syllable], years: Sequence[int], mention: int) -> int:
    prefixes = _phrases(lexicon().dialogue.year_prefixes)
    wanted = {str(y) for y in years}
    for i, s in enumerate(syllables):
        found = [y for y in re.findall(r"\d{4}", s.text) if y in wanted]
        if not found or s.role != "topic":
            continue
        s.role, s.value, s.mention = "year", found[0], mention
        for prefix in prefixes:
            if i >= len(prefix) and _match_at(syllables, i - len(prefix), prefix):
                for j in range(len(prefix)):
                    syllables[i - len(prefix) + j].role = "year_prefix"
                    syllables[i - len(prefix) + j].mention = mention
                break
        mention += 1
    return mention


def _mark_edges(syllables: list[Syllable]) -> None:
    """Conversational openers at the start and closers at the end of the message."""
    words = lexicon().dialogue
    first, last = _content_bounds(syllables)
    folded_rest = [s.folded for s in syllables]
    for phrase in _phrases(words.swap_openers):
        if _match_at(syllables, first, phrase):
            for j in range(len(phrase)):
                syllables[first + j].role = "opener"
            break
    else:
        for phrase in _phrases(words.conditional_openers):
            if _match_at(syllables, first, phrase) and "thi" in folded_rest[first + len(phrase):]:
                for j in range(len(phrase)):
                    syllables[first + j].role = "opener"
                break
    for phrase in _phrases(words.swap_closers):
        start = last - len(phrase)
        if start > first and _match_at(syllables, start, phrase):
            for j in range(len(phrase)):
                syllables[start + j].role = "closer"
            break


def _mark_collect(syllables: list[Syllable]) -> None:
    """"(ở) các tỉnh", "từng địa phương": the question is asked of every province (see multidoc)."""
    words = lexicon().dialogue
    _mark_phrases(syllables, _phrases(words.all_provinces), "collect")
    prepositions = _phrases(words.place_prepositions)
    for i, s in enumerate(syllables):
        if s.role == "collect" and (i == 0 or syllables[i - 1].role != "collect"):
            for prep in prepositions:
                if i >= len(prep) and _match_at(syllables, i - len(prep), prep):
                    for j in range(len(prep)):
                        syllables[i - len(prep) + j].role = "collect"
                    break


@cache
def _document_pattern() -> re.Pattern[str]:
    """A document named by its type and number ("nghị định 77/2019", "NĐ 45", "Thông tư số 31/2018/TT-BTC"),
    by its type and topic ("Luật HTX 2023"), or by its full number alone ("31/KH-UBND"), on folded text."""
    documents = lexicon().documents
    types = "|".join(re.escape(w) for w in sorted(documents.type_words, key=len, reverse=True))
    topics = "|".join(re.escape(fold(t)) for t in documents.topic_words)
    number = r"\d{1,5}(?:\s*/\s*[a-z0-9]+(?:\s*-\s*[a-z0-9]+)*)*"
    full_number = r"\d{1,5}\s*/\s*(?:\d{4}\s*/\s*)?[a-z]{1,6}(?:\s*-\s*[a-z]{1,8})+"
    return re.compile(rf"(?<![a-z0-9])(?:(?:{types})\s+(?:so\s+)?(?:{number}|(?:{topics})(?:\s+(?:nam\s+)?\d{{4}})?)"
                      rf"|{full_number})(?![a-z0-9])")


def _mark_documents(syllables: list[Syllable], question: str) -> None:
    folded = fold(question)
    if len(folded) != len(question):
        return  # decomposed input: no offsets to trust
    for match in _document_pattern().finditer(folded):
        for s in syllables:
            if match.start() <= s.start and s.end <= match.end():
                s.document = True


def _lower(text: str) -> str:
    return unicodedata.normalize("NFC", text).lower()


def _mark_references(syllables: list[Syllable]) -> None:
    words = lexicon().dialogue
    places = _phrases(tuple(_lower(p) for p in words.place_references))
    _mark_phrases(syllables, places, "place_reference", key="lower")
    _mark_subject_place(syllables)
    nouns = [_lower(n) for n in words.topic_nouns]
    demonstratives = [_lower(d) for d in words.demonstratives]
    references = tuple(f"{n} {d}" for n in nouns for d in demonstratives) + ("nêu trên",)
    _mark_phrases(syllables, _phrases(references), "reference", key="lower")


def _mark_subject_place(syllables: list[Syllable]) -> None:
    """A place kind word opening the message with no place named after it ("Tỉnh bố trí bao nhiêu …?") is the
    message's subject: the place the thread is about."""
    first, _ = _content_bounds(syllables)
    if first >= len(syllables) or any(s.role in {"place", "place_reference"} for s in syllables):
        return
    for phrase in _phrases(tuple(_lower(p) for p in lexicon().dialogue.subject_places)):
        if _match_at(syllables, first, phrase, "lower") and _whole_words(syllables, first, len(phrase)):
            rest = syllables[first + len(phrase):]
            if rest and rest[0].role == "topic" and not rest[0].text[:1].isupper():
                for s in syllables[first:first + len(phrase)]:
                    s.role = "place_reference"
            return


def _mark_opening_ask_verb(syllables: list[Syllable]) -> None:
    """"Gửi <…> ở đâu?", "Nộp cho ai?": the opening verb asks where or to whom, with the closing ask, or with
    nothing but question words after it (lexicon: opening_ask_verbs)."""
    words = lexicon().dialogue
    content = [s for s in syllables if _ALNUM_RE.search(s.text)]
    if len(content) < 2 or content[0].folded not in words.opening_ask_verbs or content[0].role != "topic":
        return
    rest = content[1:]
    if all(s.role == "ask" or _is_grammar_word(s) for s in rest) and any(s.role == "ask" for s in rest):
        content[0].role = "ask"
        return
    closing = " ".join(s.folded for s in content[-2:])
    if len(content) >= 3 and any(closing.endswith(ask) for ask in words.tail_asks) and content[-1].role == "ask":
        content[0].role = "ask"


def read(analysis: QueryAnalysis) -> Reading:
    """Assign a role to every syllable of the analysed question."""
    words = lexicon().dialogue
    question_words = lexicon().question
    syllables = _align(analysis.question, analysis.words or analysis.question.split())
    mention = _mark_places(syllables, analysis, 0)
    mention = _mark_agencies(syllables, analysis.question, mention)
    _mark_years(syllables, analysis.years, mention)
    _mark_references(syllables)  # before "các tỉnh": "các tỉnh đó" refers to the thread's provinces
    _mark_collect(syllables)
    _mark_edges(syllables)
    _mark_phrases(syllables, _phrases(words.narrowers), "narrow")
    _mark_phrases(syllables, _phrases(words.sequels), "sequel")
    metadata_asks = tuple(cue for cues in question_words.metadata_cues.values() for cue in cues)
    _mark_phrases(syllables, _phrases((*words.asks, *metadata_asks)), "ask")
    _unmark_negation(syllables)
    _mark_phrases(syllables, _phrases(question_words.stop_phrases), "weak")
    _mark_opening_ask_verb(syllables)
    _mark_documents(syllables, analysis.question)
    for phrase in _phrases(words.topic_phrases):
        for i in range(len(syllables) - len(phrase) + 1):
            if _match_at(syllables, i, phrase):
                for s in syllables[i:i + len(phrase)]:
                    s.compound = True  # a word of the topic, never a grammar word
    for s in syllables:
        if s.role != "topic":
            continue
        if not _ALNUM_RE.search(s.text):
            s.role = "punct"
        elif _is_grammar_word(s):
            s.role = "function"
    return Reading(analysis, syllables)


def _unmark_negation(syllables: list[Syllable]) -> None:
    """"không" asks yes or no only where it ends what is asked ("… được không?", "… không, và ai ký?"); before
    another word it negates it, and belongs to the topic: "tài sản không chia" is not "tài sản chia". A particle
    after it ("… được không ạ?") ends the question all the same."""
    for i, s in enumerate(syllables[:-1]):
        after = syllables[i + 1]
        if s.role == "ask" and s.folded == "khong" and _ALNUM_RE.search(after.text) and not _is_grammar_word(after):
            s.role = "topic"
            s.compound = True


def _is_grammar_word(syllable: Syllable) -> bool:
    words = lexicon().dialogue
    return not syllable.compound and (syllable.folded in lexicon().question.stop_words
                                      or syllable.folded in words.joiners or syllable.lower in words.function_syllables)


def follow_ask_in(reading: Reading, besides: str = "") -> bool:
    """Whether the question uses a form that keeps the thread's topic ("nộp ở đâu", "bao lâu", "hạn chót"),
    other than those `besides` (a previous question) already used."""
    folded = " " + " ".join(s.folded for s in reading.syllables) + " "
    used = " " + fold_words(besides) + " "
    return any(f" {cue} " in folded and f" {cue} " not in used for cue in lexicon().dialogue.follow_asks)
