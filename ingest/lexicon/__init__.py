"""The lexicon: every piece of vocabulary the pipeline knows, as data files beside this loader.

One folder of TOML files (places, agencies, abbreviations, question cues, answer types and units, synonyms,
document types and governance bodies, chat cues), read once through `lexicon()` into typed, immutable tables, plus the
one `fold()` every module uses to compare Vietnamese text with and without diacritics. A new province spelling,
agency alias, intent cue or synonym is one line in one file; no module compiles a list of its own
(tests/test_lexicon.py checks that).
"""

from __future__ import annotations

import re
import tomllib
import unicodedata
from dataclasses import dataclass
from functools import cached_property, lru_cache
from pathlib import Path

from ingest.errors import LexiconError

LEXICON_DIR = Path(__file__).resolve().parent


@lru_cache(maxsize=65536)
def _fold_short(text: str) -> str:
    decomposed = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    stripped = "".join(ch for ch in decomposed if unicodedata.category(ch) != "Mn")
    return unicodedata.normalize("NFC", stripped).lower()


def fold(text: str) -> str:
    """Lower-case, diacritics removed, đ -> d: "Đồng Nai" -> "dong nai". Length-preserving per character
    except for combining marks, so unaccented questions match accented text."""
    if len(text) <= 64:
        return _fold_short(text)
    return _fold_short.__wrapped__(text)


def fold_words(text: str) -> str:
    """Folded text with runs of whitespace collapsed: the form phrase cues are matched against."""
    return " ".join(fold(text).split())


def contains_phrase(folded_text: str, folded_phrase: str) -> bool:
    """Whether a folded phrase occurs in folded text as whole words."""
    phrase = folded_phrase.strip()
    if not phrase:
        return False
    return re.search(rf"(?<![a-z0-9]){re.escape(phrase)}(?![a-z0-9])", folded_text) is not None


def contains_term(text: str, phrase: str) -> bool:
    """Whether `phrase` (written with diacritics) occurs in `text` as whole words: compared with diacritics when
    the text has them ("số lượng" is not "lương"), folded when the text is written without them."""
    lowered = " ".join(text.lower().split())
    if fold(lowered) == lowered:
        return contains_phrase(lowered, fold(phrase))
    return re.search(rf"(?<![\w]){re.escape(phrase.lower())}(?![\w])", lowered) is not None


@dataclass(frozen=True)
class Places:
    provinces: tuple[str, ...]
    aliases: dict[str, str]
    place_words: tuple[str, ...]

    def canonical(self, name: str) -> str:
        return self.aliases.get(name, name)

    @property
    def canonical_provinces(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(self.canonical(p) for p in self.provinces))


@dataclass(frozen=True)
class Agencies:
    aliases: dict[str, tuple[str, ...]]
    non_provincial: frozenset[str]


@dataclass(frozen=True)
class QuestionWords:
    intent_order: tuple[str, ...]
    intent_cues: dict[str, tuple[str, ...]]
    metadata_cues: dict[str, tuple[str, ...]]
    document_words: tuple[str, ...]
    document_pointers: tuple[str, ...]
    stop_words: frozenset[str]
    stop_phrases: tuple[str, ...]
    interrogatives: tuple[str, ...]  # words (with diacritics) that make a stretch of a question ask something
    yes_no_endings_of_parts: tuple[str, ...]  # the same, only where they end the stretch


@dataclass(frozen=True)
class AnswerTypes:
    order: tuple[str, ...]
    yes_no_endings: tuple[str, ...]
    cues: dict[str, tuple[str, ...]]
    units: dict[str, tuple[str, ...]]
    measured_by: dict[str, tuple[str, ...]]
    question_bounds: dict[str, tuple[str, ...]]  # "min" / "max" -> cues in a question
    span_bounds: dict[str, tuple[str, ...]]  # "min" / "max" -> words opening a span
    unit_equivalents: dict[str, tuple[str, ...]]  # a count unit -> other units that count the same thing
    quantity_followers: frozenset[str]  # words after "bao nhiêu" that do not name what is counted
    organisations: dict[str, tuple[str, ...]]  # kind of organisation -> its names, folded
    units_as_written: dict[str, dict[str, tuple[str, ...]]]  # kind -> folded unit -> its spellings, accented
    names_with_figures: tuple[str, ...]  # folded names holding a figure that is not a figure of anything
    asks_beside_yes_no: tuple[str, ...] = ()  # folded words that ask a figure even in a yes/no question
    recipient_asks: tuple[str, ...] = ()  # folded cues of a question asking who receives
    frequency_asks: tuple[str, ...] = ()  # folded cues of a question asking how often ("mấy năm một lần")
    recipient_markers: tuple[str, ...] = ()  # folded words before a receiver in a clause
    recipient_breaks: tuple[str, ...] = ()  # folded words after which a body acts again
    role_heads: tuple[str, ...] = ()  # folded first words of a role the law defines as a body ("co quan")
    body_heads: tuple[str, ...] = ()  # folded first words of a body's name ("phong", "so"): "phòng nào?" asks one


@dataclass(frozen=True)
class DocumentTypes:
    legal: tuple[str, ...]
    plan: tuple[str, ...]
    all: tuple[str, ...]
    type_words: dict[str, str]
    topic_words: tuple[str, ...]
    keep_capitals: tuple[str, ...]
    uncitable_kinds: frozenset[str]
    bodies: tuple[str, ...]
    # Folded titles of the articles that say what a document covers (its scope), not what it rules on.
    scope_titles: tuple[str, ...] = ()
    definition_titles: tuple[str, ...] = ()


@dataclass(frozen=True)
class DialogueWords:
    """Chat vocabulary (dialogue.toml): follow-up cues, question forms, slot words, grouped-answer cues."""

    swap_openers: tuple[str, ...]
    swap_closers: tuple[str, ...]
    conditional_openers: tuple[str, ...]
    narrowers: tuple[str, ...]
    sequels: tuple[str, ...]
    follow_asks: tuple[str, ...]
    asks: tuple[str, ...]
    tail_asks: tuple[str, ...]
    opening_ask_verbs: tuple[str, ...]
    tail_lead_ins: frozenset[str]
    joiners: frozenset[str]
    place_prefixes: tuple[str, ...]
    place_prepositions: tuple[str, ...]
    document_prepositions: tuple[str, ...]
    topic_phrases: tuple[str, ...]
    year_prefixes: tuple[str, ...]
    render: dict[str, str]
    swappable: tuple[tuple[str, ...], ...]
    topic_nouns: tuple[str, ...]
    demonstratives: tuple[str, ...]
    pointing_back: tuple[str, ...]
    place_references: tuple[str, ...]
    subject_places: tuple[str, ...]
    all_provinces: tuple[str, ...]
    all_documents: tuple[str, ...]
    compare: tuple[str, ...]
    contrasts: tuple[str, ...]
    function_syllables: frozenset[str]
    requests: tuple[str, ...] = ()  # "tổng hợp giúp …" opening a grouped question
    # groups of kinds that set sibling articles apart, each kind folded -> as written ("giai the" -> "giải thể")
    distinctions: tuple[dict[str, str], ...] = ()


def _dialogue(table: dict) -> DialogueWords:
    words = {k: tuple(fold_words(p) for p in table[k]) for k in (
        "swap_openers", "swap_closers", "conditional_openers", "narrowers", "sequels", "follow_asks", "asks",
        "tail_asks", "opening_ask_verbs", "place_prefixes", "place_prepositions", "document_prepositions", "year_prefixes",
        "topic_phrases")}
    references, multidoc = table["references"], table["multidoc"]
    return DialogueWords(
        **words,
        joiners=frozenset(fold_words(p) for p in table["joiners"]),
        tail_lead_ins=frozenset(fold_words(p) for p in table["tail_lead_ins"]),
        render=dict(table["render"]),
        swappable=tuple(tuple(fold_words(p) for p in group) for group in table["swappable"].values()),
        distinctions=tuple({fold_words(p): p for p in group} for group in table.get("distinctions", {}).values()),
        topic_nouns=tuple(references["topic_nouns"]),
        demonstratives=tuple(references["demonstratives"]),
        pointing_back=tuple(references.get("pointing_back", ())),
        place_references=tuple(references["places"]),
        subject_places=tuple(references["subject_places"]),
        all_provinces=tuple(fold_words(p) for p in multidoc["all_provinces"]),
        all_documents=tuple(fold_words(p) for p in multidoc["all_documents"]),
        compare=tuple(fold_words(p) for p in multidoc["compare"]),
        contrasts=tuple(fold_words(p) for p in multidoc["contrasts"]),
        requests=tuple(fold_words(p) for p in multidoc.get("requests", ())),
        function_syllables=frozenset(unicodedata.normalize("NFC", p).lower() for p in table["function_syllables"]),
    )


@dataclass(frozen=True)
class Lexicon:
    places: Places
    agencies: Agencies
    abbreviations: dict[str, str]
    question: QuestionWords
    answers: AnswerTypes
    synonyms: tuple[tuple[str, ...], ...]
    documents: DocumentTypes
    dialogue: DialogueWords

    def synonyms_of(self, folded_phrase: str) -> tuple[str, ...]:
        """Every phrase of every synonym group that contains `folded_phrase` (the phrase itself first); an
        abbreviation and its expansion are one group ("htx" / "hop tac xa")."""
        return (folded_phrase, *self._synonym_index.get(folded_phrase, ()))

    @cached_property
    def _synonym_index(self) -> dict[str, tuple[str, ...]]:
        # Read for every question word against every candidate clause: looked up, not searched.
        abbreviations = [(fold_words(short), fold_words(long)) for short, long in self.abbreviations.items()]
        index: dict[str, list[str]] = {}
        for group in (*self.synonyms, *((s, e) for s, e in abbreviations if s != e)):
            for phrase in group:
                others = index.setdefault(phrase, [])
                others.extend(p for p in group if p != phrase and p not in others)
        return {phrase: tuple(others) for phrase, others in index.items()}


def _read(name: str, directory: Path) -> dict:
    path = directory / name
    try:
        with path.open("rb") as handle:
            return tomllib.load(handle)
    except FileNotFoundError as exc:
        raise LexiconError(str(path), "missing") from exc
    except tomllib.TOMLDecodeError as exc:
        raise LexiconError(str(path), f"not valid TOML: {exc}") from exc


def load_lexicon(directory: Path = LEXICON_DIR) -> Lexicon:
    try:
        places = _read("places.toml", directory)
        agencies = _read("agencies.toml", directory)
        abbreviations = _read("abbreviations.toml", directory)
        question = _read("question.toml", directory)
        answers = _read("answers.toml", directory)
        synonyms = _read("synonyms.toml", directory)
        documents = _read("documents.toml", directory)
        dialogue = _read("dialogue.toml", directory)
        return Lexicon(
            places=Places(tuple(places["provinces"]), dict(places["aliases"]), tuple(places["place_words"])),
            agencies=Agencies(
                {name: tuple(aliases) for name, aliases in agencies["aliases"].items()},
                frozenset(agencies["non_provincial"]),
            ),
            abbreviations=dict(abbreviations["expansions"]),
            question=QuestionWords(
                intent_order=tuple(question["intent_order"]),
                intent_cues={k: tuple(v) for k, v in question["intent_cues"].items()},
                metadata_cues={k: tuple(v) for k, v in question["metadata_cues"].items()},
                document_words=tuple(question["words"]["document_words"]),
                document_pointers=tuple(question["words"]["document_pointers"]),
                stop_words=frozenset(question["words"]["stop_words"]),
                stop_phrases=tuple(question["words"]["stop_phrases"]),
                interrogatives=tuple(question["words"]["interrogatives"]),
                yes_no_endings_of_parts=tuple(question["words"]["yes_no_endings_of_parts"]),
            ),
            answers=AnswerTypes(
                order=tuple(answers["order"]),
                yes_no_endings=tuple(answers["yes_no_endings"]),
                cues={k: tuple(v) for k, v in answers["cues"].items()},
                units={k: tuple(sorted(v, key=len, reverse=True)) for k, v in answers["units"].items()},
                measured_by={k: tuple(v) for k, v in answers.get("measured_by", {}).items()},
                question_bounds={k: tuple(v) for k, v in answers["bounds"]["question"].items()},
                span_bounds={k: tuple(v) for k, v in answers["bounds"]["span"].items()},
                unit_equivalents={k: tuple(v) for k, v in answers.get("unit_equivalents", {}).items()},
                quantity_followers=frozenset(answers["quantity_followers"]),
                organisations={k: tuple(v) for k, v in answers["organisations"].items()},
                units_as_written={kind: {k: tuple(v) for k, v in units.items()}
                                  for kind, units in answers.get("units_as_written", {}).items()},
                names_with_figures=tuple(answers.get("names_with_figures", ())),
                asks_beside_yes_no=tuple(answers.get("asks_beside_yes_no", ())),
                recipient_asks=tuple(answers.get("recipient_asks", ())),
                frequency_asks=tuple(answers.get("frequency_asks", ())),
                recipient_markers=tuple(answers.get("recipient_markers", ())),
                recipient_breaks=tuple(answers.get("recipient_breaks", ())),
                role_heads=tuple(answers.get("role_heads", ())),
                body_heads=tuple(sorted(answers.get("body_heads", ()), key=lambda h: -len(h))),
            ),
            synonyms=tuple(tuple(fold_words(p) for p in group) for group in synonyms["groups"]),
            documents=DocumentTypes(
                legal=tuple(documents["legal"]),
                plan=tuple(documents["plan"]),
                all=tuple(documents["all"]),
                type_words=dict(documents["type_words"]),
                topic_words=tuple(documents["topic_words"]),
                keep_capitals=tuple(documents["keep_capitals"]),
                uncitable_kinds=frozenset(documents["clause_kinds"]["uncitable"]),
                bodies=tuple(documents["bodies"]["names"]),
                scope_titles=tuple(fold_words(t) for t in documents["clause_kinds"].get("scope_titles", [])),
                definition_titles=tuple(fold_words(t) for t in documents["clause_kinds"].get("definition_titles", [])),
            ),
            dialogue=_dialogue(dialogue),
        )
    except KeyError as exc:
        raise LexiconError(str(directory), f"a lexicon file lacks the table or key {exc}") from exc


@lru_cache(maxsize=1)
def lexicon() -> Lexicon:
    return load_lexicon()
