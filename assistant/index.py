"""Building and opening the index: SQLite store + dense vectors (Chroma) + BM25, as numbered versions.

Layout of settings.data_dir:
    CURRENT                 the version number readers open (replaced atomically, last step of an ingest)
    versions/<n>/store.sqlite   documents, clauses, facts, file hashes, per-clause tokens and vectors
    versions/<n>/chroma/        persistent Chroma collection (or a collection "htx_clauses_v<n>" on a server)
    versions/<n>/bm25/          bm25s index over lexical tokens
    versions/<n>/vectors.npy    the same vectors as Chroma, row i = clause_ids.json[i], for exact in-process search
    .ingest.lock            flock held while an ingest runs

An ingest builds version n+1 from version n: unchanged files (same sha256) are copied over with their tokens
and vectors, changed and new files are parsed, segmented and embedded, removed files are left out. Only when
everything is written does CURRENT move, so a crash or SIGKILL leaves the previous version serving; the
half-built folder is deleted by the next ingest.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import logging
import os
import shutil
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from assistant.embed_cache import EmbeddingCache, embed_with_cache
from assistant.errors import IndexMissingError
from assistant.models import Hit, IngestFailure, IngestReport, RetrievalFilters
from assistant.settings import Settings
from assistant.store import Store
from ingest.models import Clause, Document, ParsedDocument

if TYPE_CHECKING:
    from llama_index.core.base.embeddings.base import BaseEmbedding

    from assistant.embedding import Encoder

log = logging.getLogger(__name__)

NOT_INDEXED_KINDS = {"recipients", "signature"}
# Bump when lexical_tokens or the embedded text changes, so stored tokens/vectors are rebuilt.
INDEX_FORMAT = "3"
COLLECTION = "clauses"


# ---- helpers shared by writer and reader ----------------------------------------------------------
def _versions_dir(settings: Settings) -> Path:
    return settings.data_dir / "versions"


def read_current(settings: Settings) -> int | None:
    try:
        return int((settings.data_dir / "CURRENT").read_text().strip())
    except (FileNotFoundError, ValueError):
        return None


def _write_current(settings: Settings, version: int) -> None:
    target = settings.data_dir / "CURRENT"
    tmp = target.with_name(f"CURRENT.tmp{os.getpid()}")
    with open(tmp, "w") as handle:
        handle.write(f"{version}\n")
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(tmp, target)
    dir_fd = os.open(settings.data_dir, os.O_RDONLY)
    try:
        os.fsync(dir_fd)
    finally:
        os.close(dir_fd)


def remote_collection_name(version: int) -> str:
    return f"htx_clauses_v{version}"


def _chroma_client(settings: Settings, version_dir: Path) -> Any:
    import chromadb
    from chromadb.config import Settings as ChromaSettings

    chroma_settings = ChromaSettings(anonymized_telemetry=False, allow_reset=False)
    if settings.chroma_url:
        from urllib.parse import urlparse

        url = urlparse(settings.chroma_url)
        return chromadb.HttpClient(host=url.hostname or "127.0.0.1", port=url.port or 8000,
                                   ssl=url.scheme == "https", settings=chroma_settings)
    return chromadb.PersistentClient(path=str(version_dir / "chroma"), settings=chroma_settings)


def _collection_name(settings: Settings, version: int) -> str:
    return remote_collection_name(version) if settings.chroma_url else COLLECTION


def embedding_text(document: Document, clause: Clause) -> str:
    """What is embedded for a clause: title and heading chain give context the clause text often lacks.

    No "passage: " prefix here: the embedding classes add their model's role prefix themselves.
    """
    return " | ".join(part for part in (document.title or "", " > ".join(clause.headings), clause.text) if part)


def lexical_text(clause: Clause) -> str:
    # The nearest heading names the topic of list items ("Sở Tài chính:" above "- Chủ trì ...").
    return f"{clause.headings[-1]} \n {clause.text}" if clause.headings else clause.text


def fingerprint(path: Path, source: Path | None = None) -> str:
    """sha256 of the file, plus its manifest entry: editing manifest.json must re-parse the file it describes.
    `source`: where the bytes are now, if not at `path` yet (a staged upload)."""
    from ingest.metadata import find_manifest

    digest = hashlib.sha256()
    with open(source or path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    entry = find_manifest(path).for_file(path)
    if entry:
        digest.update(json.dumps(entry, sort_keys=True, ensure_ascii=False).encode())
    return digest.hexdigest()


def collect_files(paths: list[Path]) -> tuple[list[Path], list[Path]]:
    """(files to ingest, directories given). Directories are walked recursively; hidden entries are skipped."""
    from ingest.metadata import MANIFEST_NAME
    from ingest.readers import SUPPORTED_EXTENSIONS

    files: list[Path] = []
    roots: list[Path] = []
    for given in paths:
        path = Path(given).resolve()
        if path.is_dir():
            roots.append(path)
            for found in sorted(path.rglob("*")):
                relative = found.relative_to(path).parts
                if found.is_file() and found.suffix.lower() in SUPPORTED_EXTENSIONS and not any(
                    p.startswith(".") for p in relative
                ):
                    files.append(found)
        elif path.name != MANIFEST_NAME:
            files.append(path)
    return list(dict.fromkeys(files)), roots


@contextmanager
def _ingest_lock(settings: Settings) -> Iterator[None]:
    """One ingest at a time per data_dir; the kernel drops the lock if the process dies."""
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    with open(settings.data_dir / ".ingest.lock", "w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _failure(file: Path, error: Exception) -> IngestFailure:
    from ingest.errors import IngestError

    if isinstance(error, IngestError):
        return IngestFailure(file=str(file), reason=str(error), message=error.message)
    return IngestFailure(
        file=str(file),
        reason=f"{type(error).__name__}: {error}",
        message=f"Không thể nạp tệp {file.name}: lỗi khi phân tích văn bản ({type(error).__name__}).",
    )


# ---- ingest ---------------------------------------------------------------------------------------
@dataclass
class _Plan:
    unchanged: dict[str, str]  # path -> document id, carried forward as is
    to_parse: list[Path]
    removed: dict[str, str]  # path -> document id
    hashes: dict[str, str]
    known_failures: list[IngestFailure]  # unchanged files that already failed last time


def _plan(files: list[Path], roots: list[Path], old: Store | None, reuse_vectors: bool,
          sources: dict[Path, Path]) -> _Plan:
    hashes: dict[str, str] = {}
    old_hashes = old.file_hashes() if old else {}
    old_docs = old.file_documents() if old else {}
    old_failures = old.failures() if old else {}
    unchanged: dict[str, str] = {}
    to_parse: list[Path] = []
    known_failures: list[IngestFailure] = []
    for file in files:
        key = str(file)
        try:
            hashes[key] = fingerprint(file, sources.get(file))
        except OSError:
            to_parse.append(file)  # parse_file reports the reason
            continue
        failed_before = old_failures.get(key)
        if failed_before and failed_before[0] == hashes[key]:
            known_failures.append(IngestFailure(file=key, reason=failed_before[1], message=failed_before[2]))
            if key in old_docs:
                unchanged[key] = old_docs[key]  # still serving the version from before it broke
        elif reuse_vectors and old_hashes.get(key) == hashes[key]:
            unchanged[key] = old_docs[key]
        else:
            to_parse.append(file)
    removed: dict[str, str] = {}
    for key, document_id in old_docs.items():
        if key in hashes or key in unchanged or any(Path(key) == f for f in to_parse):
            continue
        path = Path(key)
        if not path.exists() or any(root in path.parents for root in roots):
            removed[key] = document_id
        elif reuse_vectors:
            unchanged[key] = document_id  # not named in this ingest and still on disk: keep it
        else:
            to_parse.append(path)
    return _Plan(unchanged=unchanged, to_parse=to_parse, removed=removed, hashes=hashes,
                 known_failures=known_failures)


def served_hashes(settings: Settings) -> dict[str, str]:
    """Source path -> fingerprint of every file the current index version serves."""
    current = read_current(settings)
    path = _versions_dir(settings) / str(current) / "store.sqlite" if current is not None else None
    if path is None or not path.is_file():
        return {}
    store = Store(path, readonly=True)
    try:
        return store.file_hashes()
    finally:
        store.close()


def _prune(settings: Settings, keep: set[int]) -> None:
    versions = _versions_dir(settings)
    if not versions.is_dir():
        return
    for entry in versions.iterdir():
        if entry.name.isdigit() and int(entry.name) in keep:
            continue
        shutil.rmtree(entry, ignore_errors=True)
        if settings.chroma_url and entry.name.isdigit():
            try:
                _chroma_client(settings, entry).delete_collection(remote_collection_name(int(entry.name)))
            except Exception as error:  # noqa: BLE001 - a missing remote collection is not an error here
                log.debug("remote collection of version %s not deleted: %s", entry.name, error)


def ingest_paths(paths: list[Path], settings: Settings, progress: bool = True,
                 staged: dict[Path, Path] | None = None) -> IngestReport:
    """Bring the index in line with the given files and folders (see module docstring).

    `staged` maps files that do not hold their content yet to where it waits (uploads): they are parsed and
    indexed under their final name, and each one that ingested is moved into place only after the new version
    is current; one that failed is never moved. `place_staged` finishes the move after a crash in between.
    """
    started = time.perf_counter()
    sources = {Path(final).resolve(): Path(source) for final, source in (staged or {}).items()}
    with _ingest_lock(settings):
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


def _ingest_locked(paths: list[Path], settings: Settings, progress: bool, sources: dict[Path, Path]) -> IngestReport:
    current = read_current(settings)
    old_dir = _versions_dir(settings) / str(current) if current is not None else None
    old: Store | None = None
    if old_dir is not None and (old_dir / "store.sqlite").is_file():
        old = Store(old_dir / "store.sqlite", readonly=True)
    try:
        reuse = old is not None and old.get_meta("embed_model") == settings.embed_model and (
            old.get_meta("format") == INDEX_FORMAT
        )
        files, roots = collect_files(paths)
        plan = _plan(files, roots, old, reuse, sources)
        report = IngestReport()
        if old is not None and not plan.to_parse and not plan.removed:
            report.unchanged = sorted(set(plan.unchanged.values()))
            report.failed = plan.known_failures
            report.n_clauses = old.count_clauses()
            return report
        # Anything not pointed at by CURRENT, except the previous version, is garbage from a crashed ingest.
        previous = _previous_version(settings, current)
        _prune(settings, {v for v in (current, previous) if v is not None})
        version = max(current or 0, previous or 0) + 1
        new_dir = _versions_dir(settings) / str(version)
        shutil.rmtree(new_dir, ignore_errors=True)
        new_dir.mkdir(parents=True)
        _build_version(settings, version, new_dir, old, plan, report, progress, sources)
    finally:
        if old is not None:
            old.close()
    _write_current(settings, version)
    _prune(settings, {version} | ({current} if current is not None else set()))
    return report


def _previous_version(settings: Settings, current: int | None) -> int | None:
    versions = _versions_dir(settings)
    if current is None or not versions.is_dir():
        return None
    older = [int(e.name) for e in versions.iterdir() if e.name.isdigit() and int(e.name) < current]
    return max(older) if older else None


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


def _build_version(
    settings: Settings, version: int, new_dir: Path, old: Store | None, plan: _Plan, report: IngestReport,
    progress: bool, sources: dict[Path, Path],
) -> None:
    from tqdm import tqdm

    from assistant.embedding import get_encoder
    from ingest.errors import DocumentIdClashError
    from ingest.facts import extract_facts
    from ingest.segment import lexical_tokens

    store = Store(new_dir / "store.sqlite")
    old_docs = old.file_documents() if old else {}
    carried = sorted(set(plan.unchanged.values()))
    if old is not None and carried:
        store.copy_documents_from(old.path, carried)
    report.unchanged = list(carried)
    report.failed = list(plan.known_failures)
    for failure in plan.known_failures:
        store.set_failure(failure.file, plan.hashes[failure.file], failure.reason, failure.message)
    report.removed = sorted(set(plan.removed.values()) - set(carried))

    encoder = get_encoder(settings)
    pending: list[tuple[Document, Clause]] = []
    bar = tqdm(total=len(plan.to_parse), desc="files", unit="file", file=sys.stderr, disable=not progress)
    for file, result in _parse(plan.to_parse, settings, sources):
        bar.update(1)
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
            if key in plan.hashes:
                store.set_failure(key, plan.hashes[key], failure.reason, failure.message)
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
        store.set_file(key, plan.hashes.get(key, parsed.document.sha256), parsed.document.id)
        pending.extend((parsed.document, c) for c in parsed.clauses if c.kind not in NOT_INDEXED_KINDS and c.text.strip())
    bar.close()
    report.removed = sorted(set(report.removed) - set(report.added) - set(report.updated) - set(report.unchanged))

    rows = []
    cache = EmbeddingCache(settings.embed_cache) if settings.embed_cache else None
    bar = tqdm(total=len(pending), desc="clauses", unit="clause", file=sys.stderr, disable=not progress)
    batch = 64
    for start in range(0, len(pending), batch):
        chunk = pending[start : start + batch]
        vectors = embed_with_cache(encoder, [embedding_text(d, c) for d, c in chunk], cache)
        for (document, clause), vector in zip(chunk, vectors, strict=True):
            rows.append((clause.id, document.id, lexical_tokens(lexical_text(clause)), vector))
        bar.update(len(chunk))
    bar.close()
    if cache is not None:
        cache.close()
    store.set_clause_index(rows)
    report.n_embedded = len(rows)

    store.set_meta("embed_model", settings.embed_model)
    store.set_meta("format", INDEX_FORMAT)
    store.set_meta("version", str(version))
    all_rows = store.clause_index_rows()
    report.n_clauses = store.count_clauses()
    _write_vectors(new_dir, store, all_rows)
    _write_bm25(new_dir, all_rows)
    _write_chroma(settings, version, new_dir, store, all_rows)
    store.finish()


def _write_vectors(new_dir: Path, store: Store, rows: list[tuple[str, str, list[str], np.ndarray | None]]) -> None:
    with_vectors = [(cid, did, vec) for cid, did, _tokens, vec in rows if vec is not None]
    matrix = np.vstack([v for _, _, v in with_vectors]) if with_vectors else np.zeros((0, 0), np.float32)
    np.save(new_dir / "vectors.npy", matrix.astype(np.float32))
    (new_dir / "vector_ids.json").write_text(
        json.dumps([[cid, did] for cid, did, _ in with_vectors], ensure_ascii=False), encoding="utf-8"
    )


def _write_bm25(new_dir: Path, rows: list[tuple[str, str, list[str], np.ndarray | None]]) -> None:
    import bm25s

    (new_dir / "bm25").mkdir()
    (new_dir / "bm25" / "clause_ids.json").write_text(
        json.dumps([[cid, did] for cid, did, _, _ in rows], ensure_ascii=False), encoding="utf-8"
    )
    if not rows:
        return
    bm25 = bm25s.BM25()
    # Every clause gets at least one token: bm25s drops empty documents, which would shift row numbers.
    bm25.index([tokens or ["\u2205"] for _, _, tokens, _ in rows], show_progress=False)
    bm25.save(str(new_dir / "bm25"), show_progress=False)


def _chroma_metadata(document: Document | None, clause_id: str, kind: str, path: str) -> dict[str, str | int]:
    year = document.issue_date[:4] if document and document.issue_date and document.issue_date[:4].isdigit() else ""
    return {
        "doc": document.id if document else "",
        "province": (document.province or "") if document else "",
        "doc_type": (document.type or "") if document else "",
        "year": int(year) if year else -1,
        "path": path,
        "kind": kind,
        "clause_id": clause_id,
    }


def _write_chroma(
    settings: Settings, version: int, new_dir: Path, store: Store, rows: list[tuple[str, str, list[str], np.ndarray | None]]
) -> None:
    client = _chroma_client(settings, new_dir)
    name = _collection_name(settings, version)
    if settings.chroma_url:
        try:
            client.delete_collection(name)  # left over by a crashed ingest of the same version number
        except Exception:  # noqa: BLE001 - it usually does not exist
            pass
    collection = client.create_collection(name, metadata={"hnsw:space": "cosine"}, embedding_function=None)
    documents = {d.id: d for d in store.list_documents()}
    with_vectors = [(cid, did, vec) for cid, did, _tokens, vec in rows if vec is not None]
    clauses = {c.id: c for c in store.get_clauses([cid for cid, _, _ in with_vectors])}
    batch = 1000
    for start in range(0, len(with_vectors), batch):
        chunk = with_vectors[start : start + batch]
        collection.add(
            ids=[cid for cid, _, _ in chunk],
            embeddings=np.vstack([v for _, _, v in chunk]),
            metadatas=[
                _chroma_metadata(documents.get(did), cid, clauses[cid].kind, clauses[cid].path) for cid, did, _ in chunk
            ],
            documents=[clauses[cid].text for cid, _, _ in chunk],
        )


# ---- reading --------------------------------------------------------------------------------------
def _same_place(a: str, b: str) -> bool:
    from ingest.textnorm import fold_accents

    def key(name: str) -> str:
        folded = " ".join(fold_accents(name).split())
        for prefix in ("tinh ", "thanh pho "):
            if folded.startswith(prefix):
                folded = folded[len(prefix) :]
        return folded

    return key(a) == key(b)


class IndexHandle:
    """One opened index version: the store plus dense and lexical search, with metadata filters."""

    def __init__(self, settings: Settings, version: int, directory: Path) -> None:
        self.settings = settings
        self.version = version
        self.directory = directory
        self.store = Store(directory / "store.sqlite", readonly=True)
        self._vectors: np.ndarray = np.load(directory / "vectors.npy", mmap_mode="r")
        vector_ids = json.loads((directory / "vector_ids.json").read_text(encoding="utf-8"))
        self._vector_clause_ids: list[str] = [cid for cid, _ in vector_ids]
        self._vector_doc_ids = np.array([did for _, did in vector_ids], dtype=object)
        bm25_ids = json.loads((directory / "bm25" / "clause_ids.json").read_text(encoding="utf-8"))
        self._bm25_clause_ids: list[str] = [cid for cid, _ in bm25_ids]
        self._bm25_doc_ids = np.array([did for _, did in bm25_ids], dtype=object)
        # Loaded now, not on first use: an ingest may prune this version's folder while a reader still has it.
        self._bm25: Any = self._load_bm25() if self._bm25_clause_ids else None
        self._chroma: Any = None
        self._documents = self.store.document_filter_rows()
        self._encoder: Encoder | None = None

    @property
    def encoder(self) -> Encoder:
        """The question encoder (no llama-index import: the one-shot CLI path stays fast)."""
        if self._encoder is None:
            from assistant.embedding import get_encoder

            self._encoder = get_encoder(self.settings)
        return self._encoder

    @property
    def embedding(self) -> BaseEmbedding:
        """The same model as a llama-index embedding (imports llama-index)."""
        from assistant.embedding import get_embedding

        return get_embedding(self.settings)

    def close(self) -> None:
        self.store.close()

    # ---- filters ----
    def allowed_documents(self, filters: RetrievalFilters) -> set[str] | None:
        """Document ids the filters allow; None when there is no restriction."""
        if filters.is_empty():
            return None
        allowed: set[str] = set()
        for document_id, province, doc_type, year in self._documents:
            if filters.document_ids and document_id not in filters.document_ids:
                continue
            if filters.provinces and not (province and any(_same_place(province, p) for p in filters.provinces)):
                continue
            if filters.years and year not in filters.years:
                continue
            if filters.doc_types and not (doc_type and any(_same_place(doc_type, t) for t in filters.doc_types)):
                continue
            allowed.add(document_id)
        return allowed

    @staticmethod
    def _mask(doc_ids: np.ndarray, allowed: set[str] | None) -> np.ndarray | None:
        if allowed is None:
            return None
        return np.fromiter((d in allowed for d in doc_ids), dtype=bool, count=len(doc_ids))

    @staticmethod
    def _top(scores: np.ndarray, clause_ids: list[str], k: int, positive: bool) -> list[Hit]:
        if k <= 0 or scores.size == 0:
            return []
        k = min(k, scores.size)
        top = np.argpartition(-scores, k - 1)[:k]
        top = top[np.argsort(-scores[top], kind="stable")]
        return [
            Hit(clause_id=clause_ids[i], score=float(scores[i]))
            for i in top
            if np.isfinite(scores[i]) and (scores[i] > 0 or not positive)
        ]

    # ---- search ----
    def dense(self, query_text: str, filters: RetrievalFilters, k: int) -> list[Hit]:
        """Clauses nearest to the question in embedding space (exact cosine over this version's vectors).

        With a Chroma server configured the server answers instead (see dense_chroma).
        """
        if self.settings.chroma_url:
            return self.dense_chroma(query_text, filters, k)
        allowed = self.allowed_documents(filters)
        if (allowed is not None and not allowed) or self._vectors.size == 0 or not query_text.strip():
            return []
        scores = np.asarray(self._vectors @ self.encoder.embed_query(query_text), dtype=np.float32)
        mask = self._mask(self._vector_doc_ids, allowed)
        if mask is not None:
            scores = np.where(mask, scores, -np.inf)
        return self._top(scores, self._vector_clause_ids, k, positive=False)

    def chroma_collection(self) -> Any:
        if self._chroma is None:
            client = _chroma_client(self.settings, self.directory)
            self._chroma = client.get_collection(_collection_name(self.settings, self.version))
        return self._chroma

    def dense_chroma(self, query_text: str, filters: RetrievalFilters, k: int) -> list[Hit]:
        """The same search through the Chroma collection (llama-index ChromaVectorStore, metadata filters)."""
        from llama_index.core.vector_stores.types import VectorStoreQuery
        from llama_index.vector_stores.chroma import ChromaVectorStore

        allowed = self.allowed_documents(filters)
        if (allowed is not None and not allowed) or not query_text.strip():
            return []
        store = ChromaVectorStore(chroma_collection=self.chroma_collection())
        result = store.query(
            VectorStoreQuery(
                query_embedding=self.encoder.embed_query(query_text).tolist(),
                similarity_top_k=k,
                filters=metadata_filters(sorted(allowed)) if allowed is not None else None,
            )
        )
        ids = result.ids or []
        similarities = result.similarities or [0.0] * len(ids)
        return [Hit(clause_id=cid, score=float(s)) for cid, s in zip(ids, similarities, strict=False)]

    def lexical(self, query_text: str, filters: RetrievalFilters, k: int) -> list[Hit]:
        """BM25 over lexical tokens; filtered documents get weight 0 (bm25s scores the whole corpus anyway)."""
        from ingest.segment import lexical_tokens

        allowed = self.allowed_documents(filters)
        if (allowed is not None and not allowed) or not self._bm25_clause_ids:
            return []
        tokens = lexical_tokens(query_text)
        bm25 = self._bm25
        token_ids = bm25.get_tokens_ids(tokens)
        if not token_ids:
            return []
        mask = self._mask(self._bm25_doc_ids, allowed)
        scores = bm25.get_scores_from_ids(token_ids, weight_mask=None if mask is None else mask.astype(np.float32))
        return self._top(np.asarray(scores), self._bm25_clause_ids, k, positive=True)

    def _load_bm25(self) -> Any:
        import bm25s

        return bm25s.BM25.load(str(self.directory / "bm25"), show_progress=False, mmap=False)


def metadata_filters(document_ids: list[str]) -> Any:
    """llama-index MetadataFilters restricting results to the given documents (Chroma key "doc")."""
    from llama_index.core.vector_stores.types import FilterOperator, MetadataFilter, MetadataFilters

    return MetadataFilters(filters=[MetadataFilter(key="doc", value=document_ids, operator=FilterOperator.IN)])


def open_index(settings: Settings) -> IndexHandle:
    """Open the version CURRENT points at; IndexMissingError (Vietnamese message) when nothing was built."""
    version = read_current(settings)
    directory = _versions_dir(settings) / str(version) if version is not None else None
    if version is None or directory is None or not (directory / "store.sqlite").is_file():
        raise IndexMissingError(
            "data_dir",
            f"Chưa có chỉ mục trong {settings.data_dir}. Hãy chạy `htx ingest` để nạp văn bản trước khi hỏi.",
        )
    return IndexHandle(settings, version, directory)
