"""Building an index version: parse what changed, embed and segment it, write the version's store, BM25 arrays,
Chroma collection, row table and term statistics, then move CURRENT (assistant/index/versions.py).

Unchanged files are carried over from the previous version's store with their lexical tokens and term counts;
their vectors come back from the content-addressed embedding cache (assistant/embed_cache.py), so a clause whose
embedded text did not change is never embedded twice. Embedding runs on a background thread while later files
are still being parsed: the embedding runtimes release the GIL, so parsing and embedding share the cores.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import shutil
import sys
import time
from collections import Counter, OrderedDict
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from assistant.embed_cache import EmbeddingCache, embed_with_cache
from assistant.index import lexical
from assistant.index.search import ROWS_FILE, TERMS_FILE
from assistant.index.vectors import write_collection
from assistant.index.versions import (
    Plan,
    collect_files,
    ingest_lock,
    plan,
    previous_version,
    prune,
    read_current,
    version_dir,
    write_current,
)
from assistant.models import IngestFailure, IngestReport
from assistant.settings import Settings
from assistant.store import Store
from ingest.models import Clause, Document, ParsedDocument

if TYPE_CHECKING:
    from assistant.embedding import Encoder

log = logging.getLogger(__name__)

NOT_INDEXED_KINDS = {"recipients", "signature"}
# Bump when lexical_tokens, the embedded text, the term statistics or the version layout change, so that stored
# tokens and counts are rebuilt instead of carried over.
INDEX_FORMAT = "4"
# Passages handed to the embedding thread at once: large enough for length-sorted batches to pack well.
EMBED_CHUNK = 512
# Clause texts whose lexical tokens are kept for reuse while parsing (copies of a text usually follow closely).
TOKENS_MEMO = 2048


def embedding_text(document: Document, clause: Clause) -> str:
    """What is embedded for a clause: title and heading chain give context the clause text often lacks.

    No "passage: " prefix here: the embedding classes add their model's role prefix themselves.
    """
    return " | ".join(part for part in (document.title or "", " > ".join(clause.headings), clause.text) if part)


def lexical_text(clause: Clause) -> str:
    # The nearest heading names the topic of list items ("Sở Tài chính:" above "- Chủ trì ...").
    return f"{clause.headings[-1]} \n {clause.text}" if clause.headings else clause.text


def is_indexed(clause: Clause) -> bool:
    return clause.kind not in NOT_INDEXED_KINDS and bool(clause.text.strip())


def document_terms(parsed: ParsedDocument) -> tuple[int, dict[str, int]]:
    """(clauses, term -> clauses containing it) for the answer stage's term weights (assistant/relevance.py)."""
    from assistant.relevance import terms

    counts: Counter[str] = Counter()
    for clause in parsed.clauses:
        counts.update(set(terms(" ".join([clause.text, *clause.headings]))))
    return len(parsed.clauses), dict(counts)


def ingest_paths(paths: list[Path], settings: Settings, progress: bool = True,
                 staged: dict[Path, Path] | None = None) -> IngestReport:
    """Bring the index in line with the given files and folders (see assistant/index/__init__.py).

    `staged` maps files that do not hold their content yet to where it waits (uploads): they are parsed and
    indexed under their final name, and each one that ingested is moved into place only after the new version
    is current; one that failed is never moved. `place_staged` finishes the move after a crash in between.
    """
    started = time.perf_counter()
    sources = {Path(final).resolve(): Path(source) for final, source in (staged or {}).items()}
    with ingest_lock(settings):
        report = _ingest_locked(paths, settings, progress, sources)
        failed = {f.file for f in report.failed}
        place_staged({final: source for final, source in sources.items() if str(final) not in failed})
    report.seconds = round(time.perf_counter() - started, 3)
    return report


def place_staged(staged: dict[Path, Path]) -> None:
    """Move staged files to their final names, each atomically (a half-copied file only ever has a hidden name,
    which ingests skip)."""
    for final, source in staged.items():
        if not source.is_file():
            continue
        part = final.with_name(f".{final.name}.part")
        shutil.copyfile(source, part)
        os.replace(part, final)
        source.unlink()


def _ingest_locked(paths: list[Path], settings: Settings, progress: bool, sources: dict[Path, Path]
                   ) -> IngestReport:
    current = read_current(settings)
    old_dir = version_dir(settings, current) if current is not None else None
    old: Store | None = None
    if old_dir is not None and (old_dir / "store.sqlite").is_file():
        old = Store(old_dir / "store.sqlite", readonly=True)
    try:
        reuse = old is not None and old.get_meta("embed_model") == settings.embed_model and (
            old.get_meta("format") == INDEX_FORMAT
        )
        files, roots = collect_files(paths)
        todo = plan(files, roots, old, reuse, sources)
        report = IngestReport()
        if old is not None and not todo.to_parse and not todo.removed:
            report.unchanged = sorted(set(todo.unchanged.values()))
            report.failed = todo.known_failures
            report.n_clauses = old.count_clauses()
            return report
        # Anything not pointed at by CURRENT, except the previous version, is garbage from a crashed ingest.
        previous = previous_version(settings, current)
        prune(settings, {v for v in (current, previous) if v is not None})
        version = max(current or 0, previous or 0) + 1
        new_dir = version_dir(settings, version)
        shutil.rmtree(new_dir, ignore_errors=True)
        new_dir.mkdir(parents=True)
        _build_version(settings, version, new_dir, old, todo, report, progress, sources)
    finally:
        if old is not None:
            old.close()
    write_current(settings, version)
    prune(settings, {version} | ({current} if current is not None else set()))
    return report


def _parse(files: list[Path], settings: Settings, sources: dict[Path, Path]
           ) -> Iterator[tuple[Path, ParsedDocument | Exception]]:
    """Parse in a subprocess under memory and time limits (ingest.isolate): a hostile file fails alone."""
    from ingest.isolate import ParseWorker

    with ParseWorker(settings.parse_limits(), settings.max_upload_bytes, settings.parse_memory_mb,
                     settings.parse_timeout_seconds) as worker:
        for file in files:
            try:
                # No manifest passed: the parser uses the nearest corpus manifest.json above each file.
                yield file, worker.parse(file, sources.get(file))
            except Exception as error:  # noqa: BLE001 - every failure is reported per file, never fatal
                yield file, error


def shown_path(path: str | Path, corpus_dir: Path) -> str:
    """A source path as users may see it: relative to the corpus folder, else the file name alone."""
    path = Path(path)
    try:
        return str(path.resolve().relative_to(corpus_dir.resolve()))
    except ValueError:
        return path.name


def _failure(file: Path, error: Exception) -> IngestFailure:
    from ingest.errors import IngestError

    if isinstance(error, IngestError):
        return IngestFailure(file=str(file), reason=str(error), message=error.message)
    return IngestFailure(
        file=str(file),
        reason=f"{type(error).__name__}: {error}",
        message=f"Không thể nạp tệp {file.name}: lỗi khi phân tích văn bản ({type(error).__name__}).",
    )


def text_key(text: str) -> bytes:
    """A short digest standing for an embedded text: the texts themselves are not kept once embedded."""
    return hashlib.blake2b(text.encode("utf-8"), digest_size=16).digest()


class _BackgroundEmbedder:
    """Embeds passages on one background thread, in chunks, while the caller goes on parsing.

    Identical texts are embedded once; the content-addressed cache serves texts embedded by earlier ingests.
    Texts are known by their digest (`text_key`): a chunk's texts are dropped as soon as it is embedded.
    """

    def __init__(self, encoder: Encoder, cache: EmbeddingCache | None, bar: object) -> None:
        self.encoder = encoder
        self.cache = cache
        self.bar = bar
        self._pool = ThreadPoolExecutor(1, thread_name_prefix="embed")
        self._pending: list[str] = []
        self._seen: set[bytes] = set()
        self._futures: list[tuple[list[bytes], Future[np.ndarray]]] = []

    def add(self, texts: list[str]) -> None:
        for text in texts:
            key = text_key(text)
            if key not in self._seen:
                self._seen.add(key)
                self._pending.append(text)
        if len(self._pending) >= EMBED_CHUNK:
            self._submit()

    def _submit(self) -> None:
        chunk, self._pending = self._pending, []
        size = len(chunk)
        future = self._pool.submit(embed_with_cache, self.encoder, chunk, self.cache)
        future.add_done_callback(lambda _f: self.bar.update(size))  # type: ignore[attr-defined]
        self._futures.append(([text_key(t) for t in chunk], future))

    def results(self) -> dict[bytes, np.ndarray]:
        """Text digest -> vector, for every text added."""
        if self._pending:
            self._submit()
        vectors: dict[bytes, np.ndarray] = {}
        try:
            for keys, future in self._futures:
                vectors.update(zip(keys, future.result(), strict=True))
        finally:
            self._pool.shutdown(wait=True, cancel_futures=True)
        self._futures = []
        return vectors


def _build_version(
    settings: Settings, version: int, new_dir: Path, old: Store | None, todo: Plan, report: IngestReport,
    progress: bool, sources: dict[Path, Path],
) -> None:
    from tqdm import tqdm

    from assistant.embedding import get_encoder
    from ingest.errors import DocumentIdClashError
    from ingest.facts import extract_facts
    from ingest.segment import lexical_tokens

    store = Store(new_dir / "store.sqlite")
    old_docs = old.file_documents() if old else {}
    carried = sorted(set(todo.unchanged.values()))
    if old is not None and carried:
        store.copy_documents_from(old.path, carried)
    report.unchanged = list(carried)
    report.failed = list(todo.known_failures)
    for failure in todo.known_failures:
        store.set_failure(failure.file, todo.hashes[failure.file], failure.reason, failure.message)
    report.removed = sorted(set(todo.removed.values()) - set(carried))

    encoder = get_encoder(settings)
    cache = EmbeddingCache(settings.embed_cache) if settings.embed_cache else None
    files_bar = tqdm(total=len(todo.to_parse), desc="files", unit="file", file=sys.stderr, disable=not progress)
    clauses_bar = tqdm(desc="clauses embedded", unit="clause", file=sys.stderr, disable=not progress)
    embedder = _BackgroundEmbedder(encoder, cache, clauses_bar)
    # Repeated clause texts (boilerplate, copies) are segmented once; bounded, as the corpus' tokens as strings
    # would be hundreds of MB (14,300 clauses: 2.5 million tokens).
    tokens_of: OrderedDict[str, list[str]] = OrderedDict()
    try:
        for file, result in _parse(todo.to_parse, settings, sources):
            files_bar.update(1)
            key = str(file)
            previous_id = old_docs.get(key)
            if isinstance(result, Exception):
                problem: Exception | None = result
            else:
                holder = store.get_document(result.document.id)
                problem = None if holder is None else DocumentIdClashError(
                    str(file), holder.id, shown_path(holder.source_file, settings.corpus_dir))
            if problem is not None:
                failure = _failure(file, problem)
                report.failed.append(failure)
                if key in todo.hashes:
                    store.set_failure(key, todo.hashes[key], failure.reason, failure.message)
                if previous_id and old is not None:  # keep serving what was indexed before the file broke
                    store.copy_documents_from(old.path, [previous_id])
                    report.unchanged.append(previous_id)
                    report.removed = [d for d in report.removed if d != previous_id]
                continue
            assert not isinstance(result, Exception)
            parsed = result
            try:
                facts = extract_facts(parsed)
            except Exception as error:  # noqa: BLE001 - facts are optional; the clauses still get indexed
                log.warning("%s: fact extraction failed: %s", file, error)
                facts = []
            if previous_id and previous_id != parsed.document.id:
                report.removed.append(previous_id)
            (report.updated if previous_id else report.added).append(parsed.document.id)
            store.upsert_document(parsed, facts)
            store.set_file(key, todo.hashes.get(key, parsed.document.sha256), parsed.document.id)
            store.set_document_terms(parsed.document.id, *document_terms(parsed))
            indexed = [c for c in parsed.clauses if is_indexed(c)]
            embedder.add([embedding_text(parsed.document, c) for c in indexed])
            index_rows = []
            for clause in indexed:
                text = lexical_text(clause)
                tokens = tokens_of.get(text)
                if tokens is None:
                    tokens = tokens_of[text] = lexical_tokens(text)
                    if len(tokens_of) > TOKENS_MEMO:
                        tokens_of.popitem(last=False)
                else:
                    tokens_of.move_to_end(text)
                index_rows.append((clause.id, clause.document_id, tokens))
            store.set_clause_index(index_rows)
            report.n_embedded += len(indexed)
        files_bar.close()
        report.removed = sorted(set(report.removed) - set(report.added) - set(report.updated) - set(report.unchanged))

        documents = {d.id: d for d in store.list_documents()}
        rows = store.clause_index_ids()
        keys: list[bytes] = []  # row i's embedded text, by digest
        for clauses in _clauses_in_row_order(store, rows):
            texts = [embedding_text(documents[c.document_id], c) for c in clauses]
            keys.extend(text_key(t) for t in texts)
            # Carried clauses go through the same cache-first path: normally all hits, re-embedded if the cache
            # lost them.
            embedder.add(texts)
        vectors_by_key = embedder.results()
    finally:
        clauses_bar.close()
        if cache is not None:
            cache.close()
    vectors = (np.vstack([vectors_by_key[k] for k in keys]).astype(np.float32, copy=False)
               if keys else np.zeros((0, 0), dtype=np.float32))
    del vectors_by_key  # the chunks' arrays: the matrix is the one copy from here on

    store.set_meta("embed_model", settings.embed_model)
    store.set_meta("format", INDEX_FORMAT)
    store.set_meta("version", str(version))
    report.n_clauses = store.count_clauses()
    _write_rows(new_dir, rows)
    _write_terms(new_dir, store)
    lexical.write(new_dir / "bm25", store.clause_index_tokens())
    write_collection(settings, version, new_dir, _clauses_in_row_order(store, rows), documents, vectors)
    store.finish()


def _clauses_in_row_order(store: Store, rows: list[tuple[str, str]], batch: int = 1000) -> Iterator[list[Clause]]:
    """The indexed clauses in row order, a batch at a time: all of them at once would be the whole corpus' text
    and records in memory."""
    for start in range(0, len(rows), batch):
        yield store.get_clauses([cid for cid, _ in rows[start : start + batch]])


def _write_rows(new_dir: Path, rows: list[tuple[str, str]]) -> None:
    """The version's row table: clause id per row, and each document's [start, end) range of rows."""
    ranges: list[list[object]] = []
    for row, (_, document_id) in enumerate(rows):
        if ranges and ranges[-1][0] == document_id:
            ranges[-1][2] = row + 1
        else:
            ranges.append([document_id, row, row + 1])
    table = {"clause_ids": [cid for cid, _ in rows], "documents": ranges}
    (new_dir / ROWS_FILE).write_text(json.dumps(table, ensure_ascii=False), encoding="utf-8")


def _write_terms(new_dir: Path, store: Store) -> None:
    total: Counter[str] = Counter()
    n_texts = 0
    for n, counts in store.document_terms():
        n_texts += n
        total.update(counts)
    stats = {"n_texts": n_texts, "document_frequency": dict(total)}
    (new_dir / TERMS_FILE).write_text(json.dumps(stats, ensure_ascii=False), encoding="utf-8")
