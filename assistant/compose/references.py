"""The clause an answer's clause refers to. A decree often answers by pointing elsewhere ("… khi có đủ các điều
kiện theo quy định tại khoản 1 Điều 44 Luật Hợp tác xã"): the reader then needs what that khoản says, quoted with
its own citation, not a second search.

Only precise references are followed: a khoản (or a điểm of it) of an Điều of the same document ("Luật này",
"Nghị định này", "Thông tư này") or of the cooperative law named by its title. A law named without its number is
the one in force when the citing document was issued: a 2015 circular's "Luật Hợp tác xã" is the 2012 law, which
the corpus does not hold, so it is not followed to the 2023 one.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from assistant.compose.builder import QUOTES_HEADER, citation, shorten
from assistant.compose.corpus import Evidence, EvidenceStore
from assistant.compose.listing import SEE_ALSO
from assistant.labels import citation_label
from assistant.models import Answer
from ingest.models import Clause, Document

_REFERENCE_RE = re.compile(
    r"(?:quy định|nêu|hướng dẫn)\s+tại\s+(?:điểm\s+(?P<point>[a-zđ])\s+)?khoản\s+(?P<clause>\d+)\s+"
    r"Điều\s+(?P<article>\d+)\s+(?:của\s+)?(?P<document>(?:Luật|Nghị định|Thông tư)\s+này|Luật\s+Hợp\s+tác\s+xã"
    r"(?P<named>\s+(?:số\s+\S+|năm\s+\d{4}))?)",
    re.IGNORECASE,
)
_YEAR_RE = re.compile(r"(?:19|20)\d\d")
REFERENCE_CHARS = 400
MAX_REFERENCED_POINTS = 8


@dataclass(frozen=True)
class Reference:
    clause: Clause
    document: Document
    points: list[Clause]


def referenced_clause(store: EvidenceStore, clause: Clause) -> Reference | None:
    """The first clause `clause` refers to precisely, if the corpus holds it."""
    citing = store.get_document(clause.document_id)
    if citing is None:
        return None
    for m in _REFERENCE_RE.finditer(unicodedata.normalize("NFC", clause.text)):
        target = citing if m.group("document").lower().endswith("này") else _cooperative_law(store, citing, m)
        if target is None:
            continue
        path = f"D{m.group('article')}.{m.group('clause')}" + (f".{m.group('point').lower()}" if m.group("point") else "")
        referenced = store.get_clause(f"{target.id}:{path}")
        if referenced is None or referenced.id == clause.id:
            continue
        points = [] if m.group("point") else store.children(referenced.id)[:MAX_REFERENCED_POINTS]
        return Reference(referenced, target, points)
    return None


def _cooperative_law(store: EvidenceStore, citing: Document, m: re.Match[str]) -> Document | None:
    """The cooperative law the reference names: the one whose number it gives, or, named without one, the one
    in force when the citing document was issued (issued no later than it)."""
    named = (m.group("named") or "").strip()
    for document in store.list_documents():
        if (document.type or "").lower() != "luật" or "hợp tác xã" not in (document.title or document.id).lower():
            continue
        law_year = _year(document.number)
        if named:
            if named.lower().startswith("số") and document.number and document.number in named:
                return document
            if named.lower().startswith("năm") and law_year is not None and str(law_year) in named:
                return document
            continue
        citing_year = _year(citing.number) or _year(citing.issue_date)
        if law_year is not None and citing_year is not None and citing_year >= law_year:
            return document
    return None


def _year(text: str | None) -> int | None:
    m = _YEAR_RE.search(text or "")
    return int(m.group(0)) if m else None


def with_reference(store: EvidenceStore, answer: Answer) -> Answer:
    """The answer with what its first clause refers to quoted after its own lines and cited, when that clause
    is not cited already."""
    if not answer.found or not answer.citations:
        return answer
    first = store.get_clause(answer.citations[0].clause_id)
    reference = referenced_clause(store, first) if first is not None else None
    if reference is None or any(c.clause_id == reference.clause.id for c in answer.citations):
        return answer
    score = answer.citations[0].score
    citations = list(answer.citations)
    lines: list[str] = []
    for clause in [reference.clause, *reference.points]:
        # a point the answer already lists keeps its number
        n = next((c.n for c in citations if c.clause_id == clause.id), len(citations) + 1)
        if n > len(citations):
            citations.append(citation(n, Evidence(clause, reference.document, score, 0.0)))
        quoted = f"“{shorten(clause.text, REFERENCE_CHARS)}” [{n}]"
        lines.append(f"Nội dung được dẫn chiếu, {citation_label(reference.document, clause)}: {quoted}"
                     if clause is reference.clause else f"• {quoted}")
    # After the answer's own lines, before the related clauses it lists and the quotes of its sources.
    body, quotes_header, quotes = answer.answer.partition(QUOTES_HEADER)
    own, see_also_header, see_also = body.partition(SEE_ALSO)
    see_also_part = "\n" + see_also_header + see_also if see_also_header else ""
    text = "\n".join([own.rstrip("\n"), *lines]) + see_also_part + quotes_header + quotes
    return answer.model_copy(update={"answer": text, "citations": citations})
