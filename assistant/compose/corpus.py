"""What every answer writer reads: the evidence store, the corpus term weights, the coverage sentence, and the
`Evidence` (a ranked clause with its document and facts) that answers are written from."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol

from assistant.answering.candidate import Candidate
from assistant.compose.assignments import Assignments
from assistant.compose.definitions import Definitions
from assistant.relevance import TermWeights
from ingest.lexicon import lexicon
from ingest.models import Clause, Document, Fact

LEGAL_TYPES = frozenset(lexicon().documents.legal)


class EvidenceStore(Protocol):
    def get_clauses(self, ids: list[str]) -> list[Clause]: ...
    def get_document(self, document_id: str) -> Document | None: ...
    def list_documents(self) -> list[Document]: ...
    def facts(self, kind: str | None = None, agency: str | None = None, province: str | None = None,
              document_id: str | None = None, clause_ids: list[str] | None = None) -> list[Fact]: ...
    def get_facts(self, fact_ids: list[str]) -> list[Fact]: ...
    def children(self, clause_id: str) -> list[Clause]: ...
    def get_clause(self, clause_id: str) -> Clause | None: ...
    def clauses_of(self, document_id: str) -> list[Clause]: ...
    def responsibility_rows(self, agency: str | None = None
                            ) -> list[tuple[str, str, str, str | None, str | None, str | None, str, str]]: ...


@dataclass(frozen=True)
class Corpus:
    store: EvidenceStore
    weights: TermWeights
    coverage: str  # what the documents cover, said with every refusal
    # Every agency's tasks as arrays, built on the first question about an agency's tasks (or at warm-up).
    assignments: Assignments = field(init=False, compare=False, repr=False)
    # The bodies the law's roles are (a role "cơ quan thẩm định" defined as a named office), read on first use.
    definitions: Definitions = field(init=False, compare=False, repr=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "assignments", Assignments(self.store))
        object.__setattr__(self, "definitions", Definitions(self.store))


@dataclass
class Evidence:
    clause: Clause
    document: Document
    score: float
    coverage: float
    facts: list[Fact] = field(default_factory=list)


def evidence_of(candidate: Candidate, clause: Clause | None = None) -> Evidence:
    """The candidate as evidence; `clause` cites another clause (its lead-in, one of its points) with the
    candidate's score."""
    return Evidence(candidate.clause if clause is None else clause, candidate.document, candidate.probability,
                    candidate.features.get("syllable_coverage", 0.0))


def clause_context(ev: Evidence) -> str:
    return " ".join([*ev.clause.headings, ev.clause.text])


def is_national_legal_text(doc: Document) -> bool:
    return doc.province is None and doc.type in LEGAL_TYPES


def is_plan(doc: Document) -> bool:
    """Plans and notices (and any provincial document) assign tasks and targets to agencies."""
    return doc.province is not None or doc.type in lexicon().documents.plan
