"""Candidates: retrieved clauses read with their structure (the nearest heading above, the points below)."""

from __future__ import annotations

from typing import Protocol

from assistant.answering.candidate import MAX_CHILDREN_CHARS, Candidate
from assistant.models import Hit
from ingest.lexicon import lexicon
from ingest.models import Clause, Document


class CandidateStore(Protocol):
    def get_clauses(self, ids: list[str]) -> list[Clause]: ...
    def get_document(self, document_id: str) -> Document | None: ...
    def children(self, clause_id: str) -> list[Clause]: ...


def structural_context(clause: Clause, children: list[Clause]) -> str:
    """The nearest heading (a khoản's lead-in for a point, the Điều title for a khoản, the section that names
    the agency for a plan item), the clause, and the points under it when it is a lead-in."""
    parts = [clause.headings[-1]] if clause.headings else []
    parts.append(clause.text)
    used = 0
    for child in children:
        if used + len(child.text) > MAX_CHILDREN_CHARS:
            break
        parts.append(child.text)
        used += len(child.text)
    return " ".join(parts)


def build_candidates(store: CandidateStore, hits: list[Hit]) -> list[Candidate]:
    uncitable = lexicon().documents.uncitable_kinds
    clauses = {c.id: c for c in store.get_clauses([h.clause_id for h in hits])}
    documents: dict[str, Document | None] = {}
    out: list[Candidate] = []
    for position, hit in enumerate(hits):
        clause = clauses.get(hit.clause_id)
        if clause is None or clause.kind in uncitable:
            continue
        if clause.document_id not in documents:
            documents[clause.document_id] = store.get_document(clause.document_id)
        document = documents[clause.document_id]
        if document is None:
            continue
        children = store.children(clause.id) if clause.kind == "heading" else []
        out.append(Candidate(clause, document, hit, position, structural_context(clause, children), children))
    return out
