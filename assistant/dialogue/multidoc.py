"""Questions that compare or collect across documents or provinces: one grouped answer.

"Sở Công Thương ở các tỉnh lo việc gì", "doanh thu của hợp tác xã ở ba tỉnh", "luật cũ và luật mới khác
gì": the question is asked once per province or document (the same question with that one
province swapped in, or restricted to that document), and the answers are put together as a short list, one
row per province or document with its citations, followed by the covered provinces and documents that do not
address it. A comparison the corpus cannot make (one law only) says so. When the rows the question names are as
often silent as answered, the rows found are shown but the answer is not found: it answers part of what was asked.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from assistant.answering.spans import SPAN_TYPES
from assistant.dialogue.figures import fitting_figures
from assistant.dialogue.measures import count_quote, counts_another_thing, measure_quote, states_another_measure
from assistant.dialogue.narrow import names_the_topic, states_asked_kind
from assistant.models import Answer, Citation, Hit, QueryAnalysis
from ingest.lexicon import contains_phrase, fold_words, lexicon

if TYPE_CHECKING:
    from assistant.dialogue.reading import Reading
    from assistant.dialogue.source import AnswerSource
    from assistant.query import Catalog

ROW_LINES = 2  # content lines of a row's own answer kept in the grouped answer
ROW_CITATIONS = 3  # clauses a row quotes at most: a grouped answer is a short list, each row's source shown
_MARK_RE = re.compile(r"\[(\d+)\]")
_OPENING_RE = re.compile(r"p\d+")  # a paragraph before the document's first heading or article
_SOURCES = "\n\nCăn cứ:\n"
# A row line shorter than this, without a quote, is a statement read from one clause (an agency, a figure).
_STATEMENT_CHARS = 200


@dataclass(frozen=True)
class Row:
    kind: Literal["province", "document"]
    value: str  # province name or document id


@dataclass(frozen=True)
class Scope:
    rows: tuple[Row, ...]
    compare: bool  # the question compares (and needs at least two documents to do so)
    document_type: str | None = None
    named: bool = True  # the rows are named in the question, not implied by "các tỉnh", "các nghị định"


def _has_any(folded: str, phrases: tuple[str, ...]) -> bool:
    return any(contains_phrase(folded, p) for p in phrases)


def scope_of(analysis: QueryAnalysis, catalog: Catalog) -> Scope | None:
    """The provinces or documents a question compares or collects across; None for a one-document question."""
    words = lexicon().dialogue
    folded = analysis.folded
    compare = _has_any(folded, words.compare)
    if _one_ambiguous_name(analysis, catalog):
        return None  # "Thông tư 09" names two circulars: asked once, answered from whichever of them says it
    from assistant.dialogue.reading import read

    # Documents the question names are rows; documents it does not name (a filter) restrict every row.
    documents = list(analysis.document_ids) if any(s.document for s in read(analysis).syllables) else []
    if documents or analysis.provinces:
        # Beside a named document or province, "theo luật" names the corpus' one law.
        documents += [d for d in _only_of_their_type(analysis, catalog) if d not in documents]
    named = set(documents)
    # A province whose documents are all named rows already ("kế hoạch này" of one province) is no row of its own.
    provinces = [p for p in _in_order(analysis)
                 if not named or not {d.id for d in catalog.documents if d.province == p} <= named]
    rows = [Row("document", d) for d in documents] + [Row("province", p) for p in provinces]
    if len(rows) >= 2:
        return Scope(tuple(rows), compare)
    if not analysis.provinces and not analysis.document_ids and _has_any(folded, words.all_provinces):
        provinces = catalog.provinces
        if len(provinces) >= 2:
            return Scope(tuple(Row("province", p) for p in provinces), compare, named=False)
    if (compare or _has_any(folded, words.all_documents)) and not analysis.document_ids:
        type_words = lexicon().documents.type_words
        types = {kind for word, kind in type_words.items() if len(word) > 2 and contains_phrase(folded, word)}
        of_type = [d for d in catalog.documents if d.type in types and not (
            analysis.provinces and d.province not in analysis.provinces)]
        if len(types) == 1 and of_type:
            return Scope(tuple(Row("document", d.id) for d in of_type), compare, next(iter(types)), named=False)
    return None


def _one_ambiguous_name(analysis: QueryAnalysis, catalog: Catalog) -> bool:
    """Whether the documents the question names are all of one type and number: one name, several matches."""
    named = [d for d in catalog.documents if d.id in analysis.document_ids]
    if len(named) < 2 or analysis.provinces:
        return False
    return len({(d.type, re.split(r"[/-]", (d.number or "").strip())[0]) for d in named}) == 1


def _only_of_their_type(analysis: QueryAnalysis, catalog: Catalog) -> list[str]:
    """Documents named by their type alone ("theo luật", "trong nghị định"), outside a document's full name,
    when the corpus holds exactly one document of that type."""
    from assistant.dialogue.reading import read

    found = []
    for _word, kind, _, _ in type_word_mentions(read(analysis)):
        of_type = [d.id for d in catalog.documents if d.type == kind]
        if len(of_type) == 1:
            found.append(of_type[0])
    return list(dict.fromkeys(found))


def type_word_mentions(reading: Reading) -> list[tuple[str, str, int, int]]:
    """A document's type word standing for a document ("theo luật", "luật và nghị định"), outside a document's
    full name, as (word, type, first syllable, end syllable): at the start of the question or after a document
    preposition, a joiner or a comparison; elsewhere the word is a verb or a noun of the topic ("tổ hợp tác thì
    thông báo ở đâu")."""
    words = lexicon().dialogue
    leads = {*words.document_prepositions, *words.joiners}
    syllables = [s for s in reading.syllables if s.role != "punct"]
    out: list[tuple[str, str, int, int]] = []
    for word, kind in lexicon().documents.type_words.items():
        size = len(word.split())
        if len(word) <= 2:
            continue
        for i in range(len(syllables) - size + 1):
            window = syllables[i:i + size]
            if any(s.document for s in window) or " ".join(s.folded for s in window) != word:
                continue
            before = syllables[i - 1].folded if i else ""
            if not before or before in leads or any(p.split()[-1] == before for p in words.compare):
                out.append((word, kind, i, i + size))
    return out


def _in_order(analysis: QueryAnalysis) -> list[str]:
    """The corpus provinces in the order the question names them."""
    if not analysis.provinces:
        return []  # nothing to order: reading the question costs a few milliseconds on every ask
    from assistant.dialogue.reading import read

    return [p for p in read(analysis).places() if p in analysis.provinces]


def _row_label(assistant: AnswerSource, row: Row) -> str:
    if row.kind == "province":
        return row.value
    doc = assistant.store.get_document(row.value)
    return document_name(doc) if doc else row.value


def document_name(doc) -> str:  # noqa: ANN001 - ingest.models.Document
    """A short name for a document: "Luật số 17/2023/QH15", or the name citations use when it has no number
    ("Kế hoạch hoạt động của Ban Chỉ đạo … năm 2017 (Hòa Bình)", its title in sentence case)."""
    from assistant.labels import document_name as cited_name

    if doc.number:
        return f"{doc.type or 'Văn bản'} số {doc.number}"
    return cited_name(doc)


def _documents_of(assistant: AnswerSource, row: Row) -> list[str]:
    if row.kind == "document":
        return []
    return [document_name(d) for d in assistant.catalog.documents if d.province == row.value]


def grouped_answer(assistant: AnswerSource, analysis: QueryAnalysis) -> Answer | None:
    """One answer with a row per province or document, or None when the question is not a grouped one."""
    from assistant.dialogue.rows import row_question

    scope = scope_of(analysis, assistant.catalog)
    if scope is None:
        return None
    lines: list[str] = []
    citations: list[Citation] = []
    sources: list[str] = []
    facts = []
    silent: list[str] = []
    silent_rows: list[Row] = []
    answered_rows: list[Row] = []
    confidences: list[float] = []
    vocabulary = scope_words(assistant, scope)
    for row in scope.rows:
        row_analysis = row_question(assistant, analysis, row, scope)
        answer, hits = _answer_row(assistant, row_analysis)
        if not answer.found and row_analysis.years and len(scope.rows) > 1:
            # A year may belong to one of the places named ("Hòa Bình, Lâm Đồng (năm 2019)"):
            # another row is asked without it, and its answer states its own year.
            row_analysis = row_analysis.model_copy(update={"years": []})
            answer, hits = _answer_row(assistant, row_analysis)
        answer, wholly = checked_as_a_row(assistant, row_analysis, answer, hits)
        body, row_sources = _split(answer)
        # A figure of the asked kind, stated by a clause the ranker accepts, answers as it would alone, and so
        # does a plan's target of the very measure asked; a descriptive row must name the question's topic.
        addressed = answer.found and states_asked_kind(row_analysis, answer) and (
            wholly or row_analysis.answer_type in SPAN_TYPES
            or names_a_listed_topic(assistant, row_analysis, answer, vocabulary))
        # The row's own sentences, not its quote block ("[2] “…”" lines): the grouped answer lists sources once.
        own = [line for line in _joined_listing(body)
               if _MARK_RE.search(line) and not re.match(r"\[\d+\]", line)][:ROW_LINES]
        # The document's opening (its legal bases, who issues it) says what the document is, not what it says
        # about the question: a row citing nothing else does not address it.
        usable = [c for c in answer.citations if not _OPENING_RE.fullmatch(c.path)]
        kept = _shortest(own, usable, ROW_CITATIONS) if addressed and (usable or not answer.citations) else []
        kept = row_lines(assistant, row_analysis, answer, kept)
        if not kept:
            documents = _documents_of(assistant, row)
            label = _row_label(assistant, row)
            silent.append(f"{label} ({', '.join(documents)})" if documents else label)
            silent_rows.append(row)
            continue
        answered_rows.append(row)
        used = {int(n) for line in kept for n in _MARK_RE.findall(line)}
        renumber = _merge_citations(answer, citations, row_sources, sources, used)
        text = " ".join(_renumbered(line.lstrip("• "), renumber) for line in kept)
        lines.append(f"• {_row_label(assistant, row)}: {text}")
        facts.extend(answer.facts)
        confidences.append(answer.confidence)
    cannot_compare = scope.compare and scope.document_type and len(scope.rows) < 2
    if not lines and not scope.named and not cannot_compare:
        return None  # no province or document of that kind answers: the whole corpus may
    texts = lexicon().dialogue.render
    header = texts["grouped_provinces"] if all(r.kind == "province" for r in scope.rows) else texts["grouped_documents"]
    parts = [header, *lines] if lines else []
    if silent:
        parts.append(texts["not_addressed"].format(x="; ".join(silent)))
    if cannot_compare:
        parts.append(texts["cannot_compare"].format(x=scope.document_type))
    text = "\n".join(parts)
    if sources:
        text += _SOURCES + "\n".join(sources)
    # As sure as its least sure row: each row is an answer of its own.
    # Rows the question names are what it asks: when as many of them are silent as answer, the rows found are
    # not its answer, only part of it; the answer shows them and says what is missing, and does not claim it.
    missing = [row for row in silent_rows if not _implemented_by(assistant, row, answered_rows)]
    whole = bool(lines) and not (scope.named and len(missing) * 2 >= len(scope.rows))
    return Answer(question=analysis.question, answer=text, found=whole, intent=analysis.intent,
                  confidence=min(confidences, default=0.0), citations=citations, facts=facts)


def checked_as_a_row(assistant: AnswerSource, analysis: QueryAnalysis, answer: Answer,
                     hits: list[Hit]) -> tuple[Answer, bool]:
    """An answer from one source's clauses, with the figures that fit what was asked (and whether they fit it
    wholly): a figure of another measure is no answer, unless a clause naming the measure asked is quoted
    instead; "04 mức" for "bao nhiêu điểm" gives way to the clause counting what is asked."""
    answer, wholly = fitting_figures(assistant, analysis, answer, hits)
    if not wholly and states_another_measure(assistant, analysis, answer):
        answer = measure_quote(assistant, analysis, hits) or answer.model_copy(update={"found": False})
    elif not wholly and counts_another_thing(analysis, answer):
        answer = count_quote(assistant, analysis, hits) or answer
    return answer, wholly


def _implemented_by(assistant: AnswerSource, row: Row, answered: list[Row]) -> bool:
    """Whether a document row names what an answered row's document implements or guides: its name in that
    document's title ("kế hoạch … thi hành Luật Hợp tác xã", "hướng dẫn Nghị định số 45/2021/NĐ-CP"). Named in
    the question as the subject of the other document, it is no part of the answer asked for."""
    doc = assistant.store.get_document(row.value) if row.kind == "document" else None
    if doc is None:
        return False
    # A law is cited by its name ("Luật Hợp tác xã"), other documents by their number.
    titled = doc.title if fold_words(doc.title).startswith(fold_words(doc.type or "")) else f"{doc.type} {doc.title}"
    own = fold_words(doc.number if doc.number and doc.type != "Luật" else titled)
    others = {r.value for r in answered if r.kind == "document"} | {
        d.id for d in assistant.catalog.documents for r in answered if r.kind == "province" and d.province == r.value}
    return any(own and contains_phrase(fold_words(d.title or ""), own)
               for d in assistant.catalog.documents if d.id in others)


def names_a_listed_topic(assistant: AnswerSource, analysis: QueryAnalysis, answer: Answer,
                         vocabulary: frozenset[str]) -> bool:
    """`names_the_topic`, where a question listing topics ("tập huấn, bồi dưỡng", "thu gom hoặc xử lý rác") is
    about any of them: a row naming one of the listed topics addresses it."""
    from assistant.dialogue.reading import cut, read

    if names_the_topic(assistant, analysis, answer, vocabulary):
        return True
    for listed in _listed_topics(read(analysis)):
        for i in range(len(listed)):
            others = [span for j, span in enumerate(listed) if j != i]
            alone = assistant.analyze(cut(analysis.question, others).rstrip("?") + "?")
            if names_the_topic(assistant, alone, answer, vocabulary):
                return True
    return False


def _listed_topics(reading) -> list[list[tuple[int, int]]]:  # noqa: ANN001 - assistant.dialogue.reading.Reading
    """Runs of topic words (or words naming a kind of content: "chỉ tiêu") listed side by side, joined by a comma,
    "hoặc" or "hay" ("tập huấn, bồi dưỡng", "mô hình hay địa bàn thí điểm"): each list as the character spans of
    its items, each item with the joiner before it."""
    alternatives = {",", "hoac", "hay"}
    runs: list[list[tuple[int, int]]] = []
    current: list[tuple[int, int]] = []
    item: tuple[int, int] | None = None
    joined_at: int | None = None
    for s in reading.syllables:
        if s.role in {"topic", "weak"} and not s.document:
            if item is None:
                item = (joined_at if joined_at is not None else s.start, s.end)
            else:
                item = (item[0], s.end)
            joined_at = None
            continue
        if item is not None and s.folded in alternatives:
            current.append(item)
            item, joined_at = None, s.start
            continue
        if joined_at is not None and s.folded in alternatives:
            continue
        if item is not None:
            current.append(item)
        if len(current) >= 2:
            runs.append(current)
        current, item, joined_at = [], None, None
    if item is not None:
        current.append(item)
    if len(current) >= 2:
        runs.append(current)
    return runs


def row_lines(assistant: AnswerSource, analysis: QueryAnalysis, answer: Answer, lines: list[str]) -> list[str]:
    """The row's lines, fact first, each quoting only the sentence that holds the fact: a long quote is cut to
    its sentence, and a one-line statement (an agency, a plan's figure) gets the sentence it was read from."""
    from assistant.dialogue.quotes import best_sentence, shortened_quotes

    if not lines:
        return lines
    texts = {c.n: c.text for c in answer.citations}
    stated = _MARK_RE.split(lines[0])[0].strip(" .")
    needle = stated if analysis.answer_type in SPAN_TYPES and "“" not in stated and len(stated) < 120 else None
    weights = assistant.term_weights
    out = [_listed_sentences(shortened_quotes(line, texts, analysis, weights, needle), texts, analysis, weights)
           for line in lines]
    quoted = {int(n) for line in out if "“" in line for n in _MARK_RE.findall(line)}
    for i, line in enumerate(out):
        marks = [int(n) for n in _MARK_RE.findall(line)]
        statement = _MARK_RE.sub("", line)
        if statement.startswith("Theo ") and ": " in statement:
            statement = statement.split(": ", 1)[1]  # the citation's label is no part of what is stated
        if "“" in line or len(set(marks)) != 1 or len(statement) >= _STATEMENT_CHARS or marks[0] not in texts \
                or marks[0] in quoted:
            continue
        # A statement read from a clause ("… chủ trì [1]."): the sentence it was read from shows what for; each
        # line's own, as a row's second clause may hold the part of the answer the first lacks.
        sentence = best_sentence(texts[marks[0]], analysis, weights)
        if fold_words(sentence) not in fold_words(statement):
            out[i] = f"{line.rstrip('.')}: “{sentence}”."
            quoted.add(marks[0])
    return out


def _listed_sentences(line: str, texts: dict[int, str], analysis: QueryAnalysis, weights) -> str:  # noqa: ANN001
    """A line listing several clauses ("…: a … [1]; b … [2]") with each long clause shown by its sentence that
    shares most of the question's words, in place of its opening words."""
    from assistant.dialogue.quotes import QUOTE_CHARS, best_sentence

    parts = re.split(r"(?<=\]); ", line)
    if len(parts) < 2:
        return line
    out = []
    for part in parts:
        marks = _MARK_RE.findall(part)
        text = " ".join(texts.get(int(marks[-1]), "").split()) if marks else ""
        opening = text[:30]
        at = part.find(opening) if opening else -1
        mark = part.rfind("[")
        if len(text) > QUOTE_CHARS and 0 <= at < mark:
            part = f"{part[:at]}{best_sentence(text, analysis, weights)} {part[mark:]}"
        out.append(part)
    return "; ".join(out)


def scope_words(assistant: AnswerSource, scope: Scope) -> frozenset[str]:
    """Every word of the documents a grouped question is asked of (a province's documents, or the document)."""
    from assistant.relevance import term_set

    documents = {row.value for row in scope.rows if row.kind == "document"} | {
        d.id for d in assistant.catalog.documents for row in scope.rows
        if row.kind == "province" and d.province == row.value}
    return frozenset().union(*(term_set(" ".join([*c.headings, c.text]))
                               for d in sorted(documents) for c in assistant.store.clauses_of(d)))


def _answer_row(assistant: AnswerSource, analysis: QueryAnalysis) -> tuple[Answer, list[Hit]]:
    """One row's answer and the clauses it was chosen from; a row about an agency is not answered by clauses
    about other agencies only."""
    from assistant.dialogue.narrow import about_asked_agencies

    hits = about_asked_agencies(assistant, analysis, assistant.retrieve(analysis))
    hits = [h for h in hits if not _about_the_document(assistant, h.clause_id)]
    return assistant.answer(analysis, hits, assistant.ranker.row_bar), hits


_ATTACHMENT_RE = re.compile(r"\.(?:docx?|pdf|xlsx?)\s*$", re.IGNORECASE)


def _about_the_document(assistant: AnswerSource, clause_id: str) -> bool:
    """Whether a clause says what its document is rather than what it rules: the opening (legal bases, who
    issues it), the article on its scope ("Phạm vi điều chỉnh"), or a line naming an attached file. Asked of one
    document, such a clause matches any question on the document's subject and answers none."""
    clause = assistant.store.get_clause(clause_id)
    if clause is None:
        return False
    if _OPENING_RE.fullmatch(clause.path) or _ATTACHMENT_RE.search(clause.text):
        return True
    titles = lexicon().documents.scope_titles
    return any(contains_phrase(fold_words(h), t) for h in clause.headings[-1:] for t in titles)


def _joined_listing(body: list[str]) -> list[str]:
    """A listing's lines as a row reads them: its items ("• a) …", and the clauses under "Xem thêm:") joined to
    the line that introduces them, so a row keeps a document's clauses together, whatever its line limit."""
    out: list[str] = []
    for line in body:
        if line == "Xem thêm:":
            continue
        if line.startswith("• ") and out:
            joint = " " if out[-1].endswith(":") else "; "
            out[-1] = f"{out[-1].rstrip('.')}{joint}{line[2:]}"
        else:
            out.append(line)
    return out


def _shortest(lines: list[str], citations: list[Citation], limit: int) -> list[str]:
    """The row's lines quoting at most `limit` clauses: the best one, then the other clauses the ranker chose
    before the best one's siblings (the other points under its lead-in), in the answer's order."""
    if not citations:
        return lines
    top = citations[0]

    def parent(path: str) -> str:
        return path.rsplit(".", 1)[0] if "." in path else ""

    siblings = [c.n for c in citations[1:] if parent(c.path) and parent(c.path) == parent(top.path)]
    others = [c.n for c in citations[1:] if c.n not in siblings]
    keep = {str(n) for n in [top.n, *others, *siblings][:limit]}
    out: list[str] = []
    for line in lines:
        # A listing line quotes its clauses as "…: a [1]; b [2]; c [3]."; each part ends with its mark.
        parts = re.split(r"(?<=\]); ", line.rstrip("."))
        kept = [part for part in parts if {m for m in _MARK_RE.findall(part)} <= keep]
        if kept:
            out.append("; ".join(kept) + ("." if line.endswith(".") else ""))
    return out


def _renumbered(line: str, renumber: dict[int, int]) -> str:
    return _MARK_RE.sub(lambda m: f"[{renumber.get(int(m.group(1)), int(m.group(1)))}]", line)


def _split(answer: Answer) -> tuple[list[str], dict[int, str]]:
    """An answer's own lines, and its source lines by citation number."""
    body, _, sources = answer.answer.partition(_SOURCES)
    lines = [line.strip() for line in body.split("\n") if line.strip()]
    by_number: dict[int, str] = {}
    for line in sources.split("\n"):
        match = re.match(r"\[(\d+)\]\s*(.*)", line)
        if match:
            by_number[int(match.group(1))] = match.group(2)
    return lines, by_number


def _merge_citations(answer: Answer, citations: list[Citation], row_sources: dict[int, str],
                     sources: list[str], used: set[int]) -> dict[int, int]:
    """Add the row's citations that its kept lines refer to (`used`) to the grouped list, one number per clause,
    each named by its label; returns old -> new numbers."""
    renumber: dict[int, int] = {}
    by_clause = {c.clause_id: c.n for c in citations}
    for citation in answer.citations:
        if citation.n not in used:
            continue
        if citation.clause_id not in by_clause:
            n = len(citations) + 1
            citations.append(citation.model_copy(update={"n": n}))
            sources.append(f"[{n}] {row_sources.get(citation.n) or citation.label or citation.path}")
            by_clause[citation.clause_id] = n
        renumber[citation.n] = by_clause[citation.clause_id]
    return renumber
