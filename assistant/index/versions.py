"""Numbered index versions under settings.data_dir: which one is current, one ingest at a time, and what a new
ingest has to do (the plan).

    CURRENT              the version number readers open (replaced atomically, the last step of an ingest)
    versions/<n>/        one complete, immutable index version (see assistant/index/__init__.py)
    .ingest.lock         flock held while an ingest runs

An ingest builds version n+1 from version n; only when everything is written does CURRENT move, so a crash or
SIGKILL leaves the previous version serving, and the half-built folder is deleted by the next ingest.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import logging
import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from assistant.models import IngestFailure
from assistant.settings import Settings
from assistant.store import Store

log = logging.getLogger(__name__)


def versions_dir(settings: Settings) -> Path:
    return settings.data_dir / "versions"


def version_dir(settings: Settings, version: int) -> Path:
    return versions_dir(settings) / str(version)


def read_current(settings: Settings) -> int | None:
    try:
        return int((settings.data_dir / "CURRENT").read_text().strip())
    except (FileNotFoundError, ValueError):
        return None


def write_current(settings: Settings, version: int) -> None:
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


def previous_version(settings: Settings, current: int | None) -> int | None:
    versions = versions_dir(settings)
    if current is None or not versions.is_dir():
        return None
    older = [int(e.name) for e in versions.iterdir() if e.name.isdigit() and int(e.name) < current]
    return max(older) if older else None


@contextmanager
def ingest_lock(settings: Settings) -> Iterator[None]:
    """One ingest at a time per data_dir; the kernel drops the lock if the process dies."""
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    with open(settings.data_dir / ".ingest.lock", "w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def prune(settings: Settings, keep: set[int]) -> None:
    """Delete every version folder (and its remote Chroma collection) not in `keep`."""
    from assistant.index.vectors import drop_remote_collection

    versions = versions_dir(settings)
    if not versions.is_dir():
        return
    for entry in versions.iterdir():
        if entry.name.isdigit() and int(entry.name) in keep:
            continue
        shutil.rmtree(entry, ignore_errors=True)
        if settings.chroma_url and entry.name.isdigit():
            drop_remote_collection(settings, int(entry.name))


def served_hashes(settings: Settings) -> dict[str, str]:
    """Source path -> fingerprint of every file the current index version serves."""
    current = read_current(settings)
    path = version_dir(settings, current) / "store.sqlite" if current is not None else None
    if path is None or not path.is_file():
        return {}
    store = Store(path, readonly=True)
    try:
        return store.file_hashes()
    finally:
        store.close()


# ---- what to do -----------------------------------------------------------------------------------------------
def fingerprint(path: Path, source: Path | None = None) -> str:
    """sha256 of the file, plus its manifest entry (editing manifest.json must re-parse the file it describes) and
    the parser's version (a change in how documents are read re-parses them all). `source`: where the bytes are
    now, if not at `path` yet (a staged upload)."""
    from ingest.metadata import find_manifest
    from ingest.structure import PARSER_VERSION

    digest = hashlib.sha256()
    digest.update(f"parser {PARSER_VERSION}\n".encode())
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


@dataclass
class Plan:
    unchanged: dict[str, str]  # path -> document id, carried forward as is
    to_parse: list[Path]
    removed: dict[str, str]  # path -> document id
    hashes: dict[str, str]
    known_failures: list[IngestFailure]  # unchanged files that already failed last time


def plan(files: list[Path], roots: list[Path], old: Store | None, reuse: bool,
         sources: dict[Path, Path] | None = None) -> Plan:
    """Compare the files with what version `old` indexed: carry forward, parse again, or drop. `sources` maps
    staged files (uploads not yet in place) to where their bytes are."""
    sources = sources or {}
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
        elif reuse and old_hashes.get(key) == hashes[key]:
            unchanged[key] = old_docs[key]
        else:
            to_parse.append(file)
    removed: dict[str, str] = {}
    parsed = set(to_parse)
    for key, document_id in old_docs.items():
        if key in hashes or key in unchanged or Path(key) in parsed:
            continue
        path = Path(key)
        if not path.exists() or any(root in path.parents for root in roots):
            removed[key] = document_id
        elif reuse:
            unchanged[key] = document_id  # not named in this ingest and still on disk: keep it
        else:
            to_parse.append(path)
    return Plan(unchanged=unchanged, to_parse=to_parse, removed=removed, hashes=hashes,
                known_failures=known_failures)
