"""BM25 over the clauses' lexical tokens: built by bm25s, searched here over its saved arrays.

bm25s stores the BM25 weight of every (token, clause) pair as a CSC matrix (`data`, `indices`, `indptr`). A
question's score for a clause is the sum of the weights of its tokens, so only the clauses that contain a
question token (the postings) are ever touched: the cost of a search depends on the postings, not on the size of
the corpus. The arrays are memory-mapped read-only, shared by every search and every process of the machine.
Sums go into two per-thread buffers allocated once per version and reset where touched, so no step sorts the
postings or allocates an array the size of the corpus.
Scores are summed in float32 in the question's token order, exactly as bm25s sums them.
"""

from __future__ import annotations

import json
import threading
from array import array
from collections.abc import Iterable
from pathlib import Path

import numpy as np

EMPTY_TOKEN = "\u2205"


def write(directory: Path, token_lists: Iterable[list[str]]) -> None:
    """BM25 arrays of the clauses whose tokens `token_lists` yields, row by row.

    Tokens become ids as they are read (a compact array per clause), so the corpus' tokens are never all in memory
    as strings; bm25s scores the ids exactly as it scores the tokens they stand for.
    """
    import bm25s

    directory.mkdir()
    vocab: dict[str, int] = {}
    # Every clause gets at least one token: bm25s drops empty documents, which would shift row numbers.
    ids = [array("i", [vocab.setdefault(t, len(vocab)) for t in (tokens or [EMPTY_TOKEN])]) for tokens in token_lists]
    if not ids:
        return
    bm25 = bm25s.BM25()
    bm25.index((ids, vocab), show_progress=False)
    bm25.save(str(directory), show_progress=False)


class Bm25Arrays:
    """The saved BM25 weights of one index version (row i = the version's clause i)."""

    def __init__(self, directory: Path, n_rows: int) -> None:
        self.n_rows = n_rows
        if n_rows == 0 or not (directory / "vocab.index.json").is_file():
            self.vocab: dict[str, int] = {}
            self.data = np.zeros(0, np.float32)
            self.indices = np.zeros(0, np.int32)
            self.indptr = np.zeros(1, np.int64)
            self._scratch = threading.local()
            return
        self._scratch = threading.local()
        self.vocab = json.loads((directory / "vocab.index.json").read_text(encoding="utf-8"))
        self.data = np.load(directory / "data.csc.index.npy", mmap_mode="r")
        self.indices = np.load(directory / "indices.csc.index.npy", mmap_mode="r")
        self.indptr = np.load(directory / "indptr.csc.index.npy", mmap_mode="r")

    def token_ids(self, tokens: list[str]) -> list[int]:
        """Ids of the tokens the index knows, in question order (repeats kept: bm25s counts them twice)."""
        return [self.vocab[t] for t in tokens if t in self.vocab]

    def scores(self, token_ids: list[int], allowed: tuple[np.ndarray, np.ndarray] | None = None
               ) -> tuple[np.ndarray, np.ndarray]:
        """(rows, scores) of the clauses containing at least one of the tokens, in no particular order.

        `allowed`, the (starts, ends) of the row ranges the filters let through (sorted, disjoint), drops the
        other postings.
        """
        if not token_ids or (allowed is not None and allowed[0].size == 0):
            return np.zeros(0, np.int64), np.zeros(0, np.float32)
        spans = [(int(self.indptr[t]), int(self.indptr[t + 1])) for t in token_ids]
        rows = np.concatenate([self.indices[a:b] for a, b in spans]).astype(np.int64, copy=False)
        weights = np.concatenate([self.data[a:b] for a, b in spans]).astype(np.float32, copy=False)
        if allowed is not None:
            starts, ends = allowed
            slot = np.searchsorted(starts, rows, side="right") - 1
            keep = (slot >= 0) & (rows < ends[np.maximum(slot, 0)])
            rows, weights = rows[keep], weights[keep]
        totals, last = self._buffers()
        np.add.at(totals, rows, weights)  # in posting order, i.e. token by token, as bm25s adds
        positions = np.arange(rows.size)
        last[rows] = positions
        unique = rows[last[rows] == positions]  # one occurrence per row
        scores = totals[unique].copy()
        totals[unique] = 0.0
        return unique, scores

    def _buffers(self) -> tuple[np.ndarray, np.ndarray]:
        scratch = self._scratch
        if getattr(scratch, "totals", None) is None:
            scratch.totals = np.zeros(self.n_rows, dtype=np.float32)
            scratch.last = np.zeros(self.n_rows, dtype=np.int64)
        return scratch.totals, scratch.last
