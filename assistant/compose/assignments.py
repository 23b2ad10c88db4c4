"""Every task assigned to an agency, as arrays built once per index version, so that "what must <agency> do?"
costs what its answer shows, not what the corpus holds.

An agency named without a province (the provincial cooperative union, the finance department) has tasks in
every plan: reading all of them as records and scoring each clause's topicality in Python made the answer's cost
grow with the corpus. Here the responsibility facts are rows of small arrays (document, clause, role, province),
and the words of their clauses are postings (word -> the heading chains and texts holding it), one such index per
agency, built the first time the agency is asked about (all of them at `load()`, the server's warm-up). A question
filters its agency's rows, scores their clauses with the postings of its topic words, and sorts with numpy; only the
facts and clauses the answer shows are then read from the store.

The order is exactly that of reading every fact and sorting it in Python (assistant/compose/plans.py): the
agency's own tasks (lead) before those it supports, then by topicality — the share of the topic's IDF mass the
clause and its headings contain, computed by `TermWeights.coverage`'s formula — then in store order (document,
clause order, fact id).
"""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

import numpy as np

from assistant.relevance import terms

if TYPE_CHECKING:
    from assistant.relevance import TermWeights

# (fact id, document id, clause id, agency, province, role, clause headings as JSON, clause text), in store order.
Row = tuple[str, str, str, str | None, str | None, str | None, str, str]


class AssignmentRows(Protocol):
    def responsibility_rows(self, agency: str | None = None) -> list[Row]: ...


@dataclass(frozen=True)
class AgencyTasks:
    """What the answer about one agency's tasks shows, as ids: read the records from the store."""

    n_facts: int
    n_documents: int
    # The first documents, each with its tasks in the order shown: (fact id, clause id), one per clause.
    documents: list[tuple[str, list[tuple[str, str]]]]
    # The ids of the first facts in topical order (the answer's fact list).
    top_facts: list[str]


class Assignments:
    """The responsibility facts of one store, indexed per agency on first use (thread-safe), read-only after."""

    def __init__(self, store: AssignmentRows) -> None:
        self._store = store
        self._lock = threading.Lock()
        self._agencies: dict[str, _AgencyIndex] = {}
        self._complete = False

    def load(self) -> Assignments:
        """Index every agency now (one pass over the store), so no question waits for it."""
        with self._lock:
            if not self._complete:
                by_agency: dict[str, list[Row]] = {}
                for row in self._store.responsibility_rows():
                    if row[3]:
                        by_agency.setdefault(row[3], []).append(row)
                words_of: dict[str, frozenset[str]] = {}
                for agency, rows in by_agency.items():
                    if agency not in self._agencies:
                        self._agencies[agency] = _AgencyIndex(rows, words_of)
                self._complete = True
        return self

    def _index(self, agency: str) -> _AgencyIndex:
        with self._lock:
            index = self._agencies.get(agency)
            if index is None:
                rows = [] if self._complete else self._store.responsibility_rows(agency)
                index = self._agencies[agency] = _AgencyIndex(rows, {})
            return index

    def agency_tasks(self, agency: str, weights: TermWeights, topic: list[str], provinces: list[str] | None = None,
                     document_ids: list[str] | None = None, max_documents: int = 6, max_per_document: int = 8,
                     max_facts: int = 40) -> AgencyTasks:
        """The agency's tasks (in the asked provinces and documents), the most topical documents first."""
        return self._index(agency).tasks(weights, topic, provinces or [], document_ids or [], max_documents,
                                         max_per_document, max_facts)


class _AgencyIndex:
    """One agency's responsibility facts as arrays (row i = its i-th fact in store order), and the postings of the
    words of their clauses."""

    def __init__(self, rows: list[Row], words_of: dict[str, frozenset[str]]) -> None:
        documents: dict[str, int] = {}
        provinces: dict[str | None, int] = {}
        clauses: dict[str, int] = {}
        contexts: dict[tuple[str, str], int] = {}  # (headings, text): clauses alike (copies) are scored once
        postings: dict[str, list[int]] = {}  # word -> contexts holding it
        document_codes, clause_codes, province_codes, lead, context_codes = [], [], [], [], []
        self.fact_ids: list[str] = []
        self.clause_ids: list[str] = []
        self.document_ids: list[str] = []
        for fact_id, document_id, clause_id, _, province, role, headings, text in rows:
            self.fact_ids.append(fact_id)
            if document_id not in documents:
                documents[document_id] = len(documents)
                self.document_ids.append(document_id)
            document_codes.append(documents[document_id])
            province_codes.append(provinces.setdefault(province, len(provinces)))
            lead.append(role == "lead")
            if clause_id not in clauses:
                clauses[clause_id] = len(clauses)
                self.clause_ids.append(clause_id)
                context = contexts.get((headings, text))
                if context is None:
                    context = contexts[(headings, text)] = len(contexts)
                    # What `TermWeights.coverage` reads of a clause for topicality: the words of its headings and
                    # its text joined by spaces, i.e. the union of each part's words (no word spans a space).
                    # `words_of` shares the parts' words between clauses (siblings share headings, copies texts).
                    words: set[str] = set()
                    for part in [*json.loads(headings), text]:
                        known = words_of.get(part)
                        if known is None:
                            known = words_of[part] = frozenset(terms(part))
                        words |= known
                    for word in words:
                        postings.setdefault(word, []).append(context)
                context_codes.append(context)
            clause_codes.append(clauses[clause_id])
        self._documents, self._provinces = documents, provinces
        self._document_of = np.asarray(document_codes, dtype=np.int32)
        self._clause_of = np.asarray(clause_codes, dtype=np.int32)
        self._context_of = np.asarray(context_codes, dtype=np.int32)  # by clause
        self._n_contexts = len(contexts)
        self._province_of = np.asarray(province_codes, dtype=np.int32)
        self._lead = np.asarray(lead, dtype=bool)
        self._postings = {w: np.asarray(r, dtype=np.int32) for w, r in postings.items()}

    def tasks(self, weights: TermWeights, topic: list[str], provinces: list[str], document_ids: list[str],
              max_documents: int, max_per_document: int, max_facts: int) -> AgencyTasks:
        facts = np.arange(len(self.fact_ids), dtype=np.int64)
        if provinces:
            codes = [self._provinces[p] for p in provinces if p in self._provinces]
            facts = facts[np.isin(self._province_of[facts], codes)]
        if document_ids:
            codes = [self._documents[d] for d in document_ids if d in self._documents]
            facts = facts[np.isin(self._document_of[facts], codes)]
        topicality = self._topicality(self._clause_of[facts], weights, topic)
        # lexsort: the last key sorts first; the row number (store order) breaks every tie, as a stable sort would.
        topical = facts[np.lexsort((facts, -topicality))]
        ordered = facts[np.lexsort((facts, -topicality, ~self._lead[facts]))]
        in_documents = self._document_of[ordered]
        distinct, first = np.unique(in_documents, return_index=True)
        shown: list[tuple[str, list[tuple[str, str]]]] = []
        for code in in_documents[np.sort(first)[:max_documents]]:
            picked: list[tuple[str, str]] = []
            seen: set[int] = set()
            for row in ordered[in_documents == code].tolist():
                clause = int(self._clause_of[row])
                if clause in seen:
                    continue
                seen.add(clause)
                picked.append((self.fact_ids[row], self.clause_ids[clause]))
                if len(picked) >= max_per_document:
                    break
            shown.append((self.document_ids[int(code)], picked))
        top = [self.fact_ids[r] for r in topical[:max_facts].tolist()]
        return AgencyTasks(n_facts=int(facts.size), n_documents=int(distinct.size), documents=shown, top_facts=top)

    def _topicality(self, clause_rows: np.ndarray, weights: TermWeights, topic: list[str]) -> np.ndarray:
        """`weights.coverage(topic, clause context)` for each clause row, computed once per distinct set of topic
        words present (the same Python sum, so ties and order are exactly those of the per-clause formula)."""
        if not topic or clause_rows.size == 0:
            return np.zeros(clause_rows.size, dtype=np.float64)
        total = sum(weights.idf(t) for t in topic)
        if total <= 0:
            return np.zeros(clause_rows.size, dtype=np.float64)
        present = np.zeros((clause_rows.size, len(topic)), dtype=bool)
        context_rows = self._context_of[clause_rows]
        holds = np.zeros(self._n_contexts, dtype=bool)
        for column, word in enumerate(topic):
            rows = self._postings.get(word)
            if rows is not None:
                holds[rows] = True
                present[:, column] = holds[context_rows]
                holds[rows] = False
        if len(topic) < 63:  # each clause's pattern of words present as one integer: a fast 1-d unique
            codes = present.astype(np.int64) @ (np.int64(1) << np.arange(len(topic), dtype=np.int64))
            _, first, which = np.unique(codes, return_index=True, return_inverse=True)
            patterns = present[first]
        else:
            patterns, which = np.unique(present, axis=0, return_inverse=True)
        scores = np.array([sum(weights.idf(t) for t, hit in zip(topic, pattern, strict=True) if hit) / total
                           for pattern in patterns.tolist()], dtype=np.float64)
        return scores[which.reshape(-1)]
