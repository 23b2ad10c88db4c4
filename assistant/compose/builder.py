"""Numbered citations and the answer text around them."""

from __future__ import annotations

import re

from assistant.compose.corpus import Evidence
from assistant.labels import human_labels
from assistant.models import Answer, Citation, QueryAnalysis
from ingest.models import Document, Fact

EXCERPT_CHARS = 320
# Heads the quotes of cited clauses that the answer's sentences do not quote themselves.
QUOTES_HEADER = "\n\nTrích dẫn:\n"


class AnswerBuilder:
    """Collects the citations of one answer; citing a clause twice gives the same [n]."""

    def __init__(self) -> None:
        self.citations: list[Citation] = []
        self.quoted: set[int] = set()

    def cite(self, ev: Evidence, quoted: bool = False) -> int:
        """`quoted`: the sentences quote the clause (an excerpt of it), so it is not quoted again below."""
        n = next((c.n for c in self.citations if c.clause_id == ev.clause.id), 0)
        if not n:
            cited = citation(len(self.citations) + 1, ev)
            self.citations.append(cited)
            n = cited.n
        if quoted:
            self.quoted.add(n)
        return n

    def answer(self, analysis: QueryAnalysis, sentences: list[str], found: bool, facts: list[Fact]) -> Answer:
        body = "\n".join(sentences)
        # Clauses the sentences name but do not quote are quoted once, briefly, so the answer can be checked
        # without opening them; the list of sources itself is shown by the page (and printed by the CLI).
        quoted = "\n".join(f"[{c.n}] “{shorten(c.text, EXCERPT_CHARS)}”" for c in self.citations
                           if c.n not in self.quoted and shorten(c.text, EXCERPT_CHARS).rstrip(" …") not in body)
        text = body + (QUOTES_HEADER + quoted if quoted else "")
        return Answer(question=analysis.question, answer=text, found=found, intent=analysis.intent,
                      citations=self.citations, facts=facts)


def citation(n: int, ev: Evidence) -> Citation:
    return Citation(
        n=n, clause_id=ev.clause.id, document_id=ev.document.id, document_title=ev.document.title,
        document_number=ev.document.number, path=ev.clause.path, headings=ev.clause.headings, text=ev.clause.text,
        line_start=ev.clause.line_start, line_end=ev.clause.line_end, score=round(ev.score, 6),
        **human_labels(ev.document, ev.clause),
    )


def shorten(text: str, limit: int) -> str:
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[:limit].rsplit(" ", 1)[0]
    return cut + " …"


_ITEM_NUMBER_RE = re.compile(r"^(?:\d+(?:\.\d+)*\.|[a-zđ]\)|[-–+•])\s+")


def excerpt(text: str, question_words: list[str], limit: int) -> str:
    """The clause cut to `limit` around the sentence that shares most of the question's words. A long clause
    often states its general rule first and the case asked about last ("Đối với <chức danh> thì …"): cut from
    the start, the quote would drop the very sentence that answers."""
    from assistant.answering.spans import sentence_overlap, sentences

    text = " ".join(text.split())
    if len(text) <= limit or not question_words:
        return shorten(text, limit)
    number = _ITEM_NUMBER_RE.match(text)
    if number:  # "1. …", "b) …": the clause's number heads the quote, whichever sentences it keeps
        return number.group(0) + excerpt(text[number.end():], question_words, limit - number.end())
    bounds = sentences(text)
    # Each sentence runs to the next one's start, so its own full stop or semicolon stays with it.
    parts = [text[a:(bounds[i + 1][0] if i + 1 < len(bounds) else len(text))].strip() for i, (a, _) in enumerate(bounds)]
    overlaps = [sentence_overlap(p, question_words) for p in parts]
    best = max(range(len(parts)), key=lambda i: (overlaps[i], -i))
    if best == 0 or overlaps[best] <= overlaps[0]:
        return shorten(text, limit)
    if len(parts[best]) >= limit:
        return "… " + shorten(parts[best], limit)
    kept = {best}
    used = len(parts[best])
    # Then the clause's opening sentence (what the clause is about), then the neighbours of the best one.
    for i in [0, best - 1, best + 1, best + 2]:
        if 0 <= i < len(parts) and i not in kept and used + len(parts[i]) + 3 <= limit:
            kept.add(i)
            used += len(parts[i]) + 3
    out, previous = [], -1
    for i in sorted(kept):
        if i != previous + 1:
            out.append("…")
        out.append(parts[i])
        previous = i
    if previous != len(parts) - 1:
        out.append("…")
    return " ".join(out)


def group_by_document(items: list[Evidence]) -> list[tuple[Document, list[Evidence]]]:
    """Evidence grouped under its document, documents and items in first-seen order."""
    groups: dict[str, tuple[Document, list[Evidence]]] = {}
    for ev in items:
        groups.setdefault(ev.document.id, (ev.document, []))[1].append(ev)
    return list(groups.values())
