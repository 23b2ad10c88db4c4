"""Question analysis: what is asked (intent) and which metadata the question names.

Matching is done on accent-folded, abbreviation-expanded text so that "so tai chinh o lam dong" and
"Sở Tài chính ở Lâm Đồng" are read the same way.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from assistant.models import AskedPart, Filters, Intent, QueryAnalysis, RetrievalFilters
from ingest.lexicon import contains_phrase, fold, fold_words, lexicon
from ingest.models import Document
from ingest.places import PROVINCES, canonical_province

_QUESTION_WORDS = lexicon().question
_DOCUMENT_WORDS = _QUESTION_WORDS.document_words

_YEAR_RE = re.compile(r"\b(19[5-9]\d|20[0-4]\d)\b")
_DOC_NUMBER_RE = re.compile(r"\b\d{1,5}\s*/\s*[A-ZĐ0-9]{1,6}(?:\s*-\s*[A-ZĐ0-9]{1,8}){0,3}\b", re.IGNORECASE)


_fold = fold_words
_contains_phrase = contains_phrase


@dataclass
class Catalog:
    """What the index holds, as far as question analysis needs it."""

    documents: list[Document] = field(default_factory=list)

    @property
    def provinces(self) -> list[str]:
        return sorted({d.province for d in self.documents if d.province})

    def document_ids_with_number(self, number: str) -> list[str]:
        """Documents whose number is `number` or starts with it ("52/2022" names "52/2022/TT-BTC")."""
        wanted = re.sub(r"\s+", "", number).upper()
        out = []
        for d in self.documents:
            have = re.sub(r"\s+", "", d.number or "").upper()
            if have and (have == wanted or have.startswith(wanted + "/") or have.startswith(wanted + "-")):
                out.append(d.id)
        return out

    def document_ids_named(self, folded_question: str) -> list[str]:
        """Documents the question names by type and number ("Nghị định 77", "thông tư số 52/2022", "NĐ 45"), or
        by type alone when the corpus holds one document of that type ("Luật HTX")."""
        return list(dict.fromkeys(doc_id for _, doc_id, _ in sorted(self._documents_named(folded_question))))

    def document_mentions(self, folded_question: str) -> list[str]:
        """The words that name a held document ("luat htx", "nghi dinh 77"), folded, as the question wrote them."""
        return list(dict.fromkeys(text for _, _, text in sorted(self._documents_named(folded_question))))

    def _documents_named(self, folded_question: str) -> list[tuple[int, str, str]]:
        """(where the question names it, document id, the naming words) for each document named."""
        type_words = lexicon().documents.type_words
        words = "|".join(re.escape(w) for w in sorted(type_words, key=len, reverse=True))
        found: list[tuple[int, str, str]] = []
        for m in re.finditer(rf"(?<![a-z0-9])({words})\s+(?:so\s+)?(\d{{1,5}})(?:\s*/\s*(\d{{4}}))?(?![0-9])",
                             folded_question):
            doc_type = type_words[m.group(1)]
            prefix = m.group(2) + ("/" + m.group(3) if m.group(3) else "")
            for d in self.documents:
                number = re.sub(r"\s+", "", d.number or "")
                if d.type == doc_type and (number.startswith(prefix + "/") or number.startswith(prefix + "-")):
                    found.append((m.start(), d.id, m.group(0)))
        # By type and topic alone ("Luật HTX", also beside a numbered one: "Luật HTX 2023 và Nghị định 77").
        topic = "|".join(re.escape(fold(t)) for t in lexicon().documents.topic_words)
        for folded_word, doc_type in type_words.items():
            if len(folded_word) < 4:
                continue
            # The year a law is known by ("Luật HTX 2023") is part of its name, not a year asked about.
            named = re.search(rf"(?<![a-z0-9]){re.escape(folded_word)}\s+(?:{topic})(?:\s+(?:nam\s+)?\d{{4}})?(?![a-z0-9])",
                              folded_question)
            of_type = [d.id for d in self.documents if d.type == doc_type]
            if named and doc_type in lexicon().documents.legal and len(of_type) == 1:
                found.append((named.start(), of_type[0], named.group(0)))
        return found


def _names_place(question: str, folded_question: str, name: str, folded_name: str) -> bool:
    """Whether the question names the province `name`, not merely contains its syllables: written with its
    diacritics ("Gia Lai"), capitalised ("Gia Lai", "GIA LAI"), or after a place word ("tinh gia lai"). Unaccented
    lower-case syllables inside a sentence ("danh gia lai tai san") are ordinary words."""
    if not _contains_phrase(folded_question, folded_name):
        return False
    words = r"\s+".join(re.escape(w) for w in name.split())
    if re.search(rf"(?<!\w){words}(?!\w)", question):  # as written, with diacritics and capitals
        return True
    if fold(name) != name.lower() and re.search(rf"(?<!\w){words}(?!\w)", question, re.IGNORECASE):
        return True  # with diacritics, any case
    plain = r"\s+".join(re.escape(w) for w in folded_name.split())
    for m in re.finditer(rf"(?<!\w){plain}(?!\w)", fold(question)):
        original = question[m.start():m.end()] if len(fold(question)) == len(question) else ""
        if original and all(w[:1].isupper() for w in original.split()):
            return True
    if re.match(rf"\W*{plain}(?![a-z0-9])", folded_question):
        return True  # the question opens with it: a topic, as in "quang ninh co bao nhieu htx"
    place_words = "|".join(re.escape(w) for w in lexicon().places.place_words)
    return re.search(rf"(?<![a-z0-9])(?:{place_words})\s+{plain}(?![a-z0-9])", folded_question) is not None


def _places_named(question: str, folded_question: str) -> list[str]:
    found: list[str] = []
    # Longest names first so "Thừa Thiên Huế" is not also read as "Huế".
    for name in sorted(PROVINCES, key=len, reverse=True):
        folded_name = _fold(name)
        if _names_place(question, folded_question, name, folded_name):
            canonical = canonical_province(name)
            if canonical not in found:
                found.append(canonical)
            folded_question = folded_question.replace(folded_name, " ")
    return found


_REFERENCE_BEFORE_YEAR_RE = re.compile(
    r"(?:/|\b(?:luật|nghị định|thông tư|quyết định|nghị quyết|chỉ thị|luat|nghi dinh|thong tu|quyet dinh|nghi quyet|"
    r"chi thi)\b[^.?!,;]{0,30}?)\s*$", re.IGNORECASE
)


def question_years(question: str) -> list[int]:
    """Years the question asks about; a year inside a document reference ("Thông tư 124/2021", "Luật HTX 2023")
    names the document, not the period asked."""
    years = set()
    folded = _fold(question)  # same offsets: folding keeps one character per character
    for match in _YEAR_RE.finditer(question):
        before = question[: match.start()]
        if len(folded) == len(question):
            before = f"{before} {folded[: match.start()]}"  # "luat htx 2023" typed without diacritics
        if not _REFERENCE_BEFORE_YEAR_RE.search(before):
            years.add(int(match.group(0)))
    return sorted(years)


def detect_intent(question: str) -> Intent:
    folded = _fold(question)
    for intent in _QUESTION_WORDS.intent_order:
        if any(_contains_phrase(folded, cue.strip()) for cue in _QUESTION_WORDS.intent_cues[intent]):
            return intent  # type: ignore[return-value]
    return "general"


# Sentences end at "?", "." or "!" followed by a space; the mark stays with its sentence.
_SENTENCE_END_RE = re.compile(r"(?<=[?.!])\s+")


def detect_metadata_question(question: str) -> str | None:
    """The document detail asked ("Kế hoạch này do tỉnh nào ban hành?"): a cue in the sentence that names a
    document. In "Theo kế hoạch X, Sở A làm gì? Sở B mở hội chợ ở những địa phương nào?" the second sentence asks
    about the plan's content, not about the plan."""
    for sentence in _SENTENCE_END_RE.split(question):
        folded = _fold(sentence)
        if not any(_contains_phrase(folded, w) for w in _DOCUMENT_WORDS):
            continue
        for field_name, cues in _QUESTION_WORDS.metadata_cues.items():
            if any(_contains_phrase(folded, cue) for cue in cues):
                return field_name
    return None


def synonym_expansions(folded_question: str) -> list[str]:
    """Lexicon synonyms of the phrases the question contains that the question does not already contain."""
    out: list[str] = []
    for group in lexicon().synonyms:
        if any(contains_phrase(folded_question, phrase) for phrase in group):
            out.extend(p for p in group if not contains_phrase(folded_question, p) and p not in out)
    return out


def analyze(question: str, catalog: Catalog, filters: Filters | None = None) -> QueryAnalysis:
    from assistant.answering.spans import asked_bound, asked_parts, expected_answer_type, unit_asked_for
    from ingest.agencies import find_agencies
    from ingest.segment import segment
    from ingest.textnorm import expand_abbreviations

    question = unicodedata.normalize("NFC", question)
    folded = _fold(question)
    places = _places_named(question, folded)
    corpus_provinces = {_fold(p): p for p in catalog.provinces}
    provinces = [corpus_provinces[_fold(p)] for p in places if _fold(p) in corpus_provinces]
    unknown = [p for p in places if _fold(p) not in corpus_provinces]
    if filters and filters.province:
        provinces = [filters.province]
        unknown = []

    document_ids: list[str] = catalog.document_ids_named(folded)
    document_mentions = catalog.document_mentions(folded)
    for match in _DOC_NUMBER_RE.finditer(question):
        numbered = catalog.document_ids_with_number(match.group(0))
        document_ids.extend(numbered)
        if numbered:
            document_mentions.append(_fold(match.group(0)))
    if filters and filters.document_id:
        document_ids = [filters.document_id]

    asked, _ = asked_stretches(question)
    national_only = False
    legal_named = any(is_legal_text(d) for d in catalog.documents if d.id in document_ids)
    if unknown and (legal_named or not any(_fold(p) in _fold(part) for part in asked for p in unknown)):
        # "Tổ mình ở tỉnh X, … luật đòi bao nhiêu người?": the place is the asker's, not what
        # is asked about; a law answers it wherever they are, a province's plan does not.
        unknown, national_only = [], True

    # The kind, unit and bound of the answer are read where the question asks: the asker's story ("… mấy năm nay
    # không họp.", "… có mấy cái máy cũ.") names figures nobody asked for.
    asking = ", ".join(asked) + "?" if asked else question
    answer_type = expected_answer_type(asking)
    agencies: list[str] = []
    for mention in find_agencies(question):
        if mention.canonical not in agencies:
            agencies.append(mention.canonical)

    return QueryAnalysis(
        question=question,
        normalized=expand_abbreviations(question),
        folded=folded,
        words=segment(question),
        expansions=synonym_expansions(folded),
        intent=detect_intent(question),
        answer_type=answer_type,
        answer_unit=unit_asked_for(asking, answer_type),
        answer_bound=asked_bound(asking),
        further_parts=[AskedPart(text=t, answer_type=k, answer_unit=u, answer_bound=b)  # type: ignore[arg-type]
                       for t, k, u, b in asked_parts(question)],
        provinces=provinces,
        unknown_places=unknown,
        national_only=national_only,
        years=question_years(question),
        document_ids=list(dict.fromkeys(document_ids)),
        document_mentions=document_mentions,
        agencies=agencies,
        asks_about=_asks_about(question, folded, bool(document_ids or provinces or unknown)),
    )


def _asks_about(question: str, folded: str, names_a_document: bool) -> str | None:
    """The document detail asked. "Ai ký" asks for a signer only of a document the question names or points
    at: "ai ký quyết định cho vay?" asks a rule the documents state."""
    field = detect_metadata_question(question)
    if field == "signer" and not (names_a_document or _points_at_a_document(folded)):
        return None
    return field


def _points_at_a_document(folded: str) -> bool:
    return any(_contains_phrase(folded, f"{word} {pointer}") for word in _DOCUMENT_WORDS
               for pointer in _QUESTION_WORDS.document_pointers)


def retrieval_filters(analysis: QueryAnalysis) -> RetrievalFilters:
    """Hard filters for the retrievers. Years are not a hard filter: plans name periods ('đến năm 2020'),
    so the answer composer checks the year against the cited text instead."""
    return RetrievalFilters(provinces=analysis.provinces, document_ids=analysis.document_ids,
                            doc_types=list(lexicon().documents.legal) if analysis.national_only else [])


def is_legal_text(document: Document) -> bool:
    """A law, decree or circular (binding everywhere, for every year), not a province's plan."""
    return document.province is None and document.type in lexicon().documents.legal


# A question is cut into stretches at sentence ends, commas and semicolons, and a stretch in two at "và"/"rồi"
# only where both halves ask something ("ai lập danh sách và trình cho ai duyệt?", not "đã đủ người và …").
_STRETCH_BREAK_RE = re.compile(r"[?;,]\s*|\.\s+", re.IGNORECASE)
_AND_RE = re.compile(r"\s+(?:và|rồi|va|roi)\s+", re.IGNORECASE)
_LEADING_AND_RE = re.compile(r"^(?:và|rồi|còn|va|roi|con)\s+", re.IGNORECASE)
# A stretch this short is an item of a list the question names ("có trồng lúa, ngô, sắn không?"): it belongs with
# the stretch before it.
MIN_PART_WORDS = 3


def _asks(stretch: str, accented: bool) -> bool:
    words = lexicon().question
    text = stretch.lower() if accented else fold(stretch)
    forms = words.interrogatives if accented else tuple(fold(w) for w in words.interrogatives)
    endings = words.yes_no_endings_of_parts if accented else tuple(fold(w) for w in words.yes_no_endings_of_parts)
    if any(re.search(rf"(?<!\w){re.escape(form)}(?!\w)", text) for form in forms):
        return True
    return any(re.search(rf"(?<!\w){re.escape(ending)}\s*[?.!]?\s*$", text) for ending in endings)


def asked_stretches(question: str) -> tuple[list[str], list[str]]:
    """The stretches of the question that ask something, and all its stretches in order (what asks is told from
    what sets the scene: "Tổ chúng tôi có bảy gia đình làm chè, …")."""
    accented = fold(question) != question.lower()
    stretches: list[str] = []
    told: set[int] = set()  # stretches of a sentence that ends in a full stop
    # Where the asker ends a question with "?", a sentence ended with a full stop tells ("… mà chưa báo ai.",
    # "… có mấy cái máy cũ."): its question words are not a question.
    marks_questions = "?" in question
    for sentence in _SENTENCE_END_RE.split(question.strip()):
        tells = marks_questions and not sentence.rstrip().endswith("?")
        for piece in _STRETCH_BREAK_RE.split(sentence):
            piece = _LEADING_AND_RE.sub("", piece.strip())
            if not piece:
                continue
            if stretches and len(piece.split()) < MIN_PART_WORDS:
                stretches[-1] = f"{stretches[-1]}, {piece}"
                continue
            before = len(stretches)
            halves = [h.strip() for h in _AND_RE.split(piece)]
            if len(halves) > 1 and all(len(h.split()) >= MIN_PART_WORDS and _asks(h, accented) for h in halves):
                stretches += halves
            else:
                stretches.append(piece)
            if tells:
                told.update(range(before, len(stretches)))
    return [s for n, s in enumerate(stretches)
            if n not in told and len(s.split()) >= MIN_PART_WORDS and _asks(s, accented)], stretches
