"""Admin uploads: staged outside the corpus, moved in only once they are indexed.

An upload is written to `<data_dir>/uploads/<batch>/`, ingested under the corpus name it will have
(`Assistant.ingest(..., staged=...)`), and moved into the corpus by the ingest only after the new index
version is current; a file that fails never enters the corpus, and a file it would have replaced is
untouched. A server killed mid-upload leaves only a staging folder, which `recover` removes at the next
start, finishing the move first for a file the current index already serves (a kill between the index
switch and the move).

Each batch is held under an flock on `<batch>.lock`, taken before its folder exists and released after the
folder is gone, so a second worker starting up never removes a batch another worker is still ingesting.
"""

from __future__ import annotations

import fcntl
import json
import logging
import shutil
import uuid
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO, Protocol

from assistant.errors import BadUploadError
from assistant.settings import Settings
from assistant.validation import shown as _shown

log = logging.getLogger(__name__)

UPLOAD_SUFFIXES = {".txt", ".md", ".docx", ".pdf", ".html", ".htm"}
_TARGETS = "targets.json"


class Upload(Protocol):
    filename: str | None
    file: BinaryIO


def safe_upload_name(name: str | None) -> str:
    """A file name safe to write into the corpus folder, or BadUploadError: no directories, no traversal."""
    if not name or not name.strip():
        raise BadUploadError("files", "Tệp tải lên thiếu tên.")
    if any(sep in name for sep in ("/", "\\", "\x00", ":")) or name in (".", "..") or name.startswith("."):
        raise BadUploadError("files", f"Tên tệp “{_shown(name)}” không hợp lệ: không được chứa thư mục hay “..”.")
    if len(name) > 200:
        raise BadUploadError("files", "Tên tệp quá dài (tối đa 200 ký tự).")
    if Path(name).suffix.lower() not in UPLOAD_SUFFIXES:
        allowed = ", ".join(sorted(UPLOAD_SUFFIXES))
        raise BadUploadError("files", f"Định dạng của “{name}” không được hỗ trợ (chấp nhận: {allowed}).")
    return name


def _uploads_dir(settings: Settings) -> Path:
    return settings.data_dir / "uploads"


@contextmanager
def staged_uploads(files: Sequence[Upload], settings: Settings) -> Iterator[dict[Path, Path]]:
    """Write the uploads into a new staging batch; yields {corpus path: staged file}. The batch is removed on
    exit, whatever happened (files the ingest moved into the corpus are no longer in it)."""
    names = [safe_upload_name(f.filename) for f in files]
    if len(set(names)) != len(names):
        raise BadUploadError("files", "Có hai tệp trùng tên trong cùng một lần tải lên.")
    corpus = settings.corpus_dir.resolve()
    corpus.mkdir(parents=True, exist_ok=True)
    batch = _uploads_dir(settings) / uuid.uuid4().hex
    batch.parent.mkdir(parents=True, exist_ok=True)
    with open(batch.with_suffix(".lock"), "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        batch.mkdir()
        try:
            staged: dict[Path, Path] = {}
            for upload, name in zip(files, names, strict=True):
                target = (corpus / name).resolve()
                if target.parent != corpus:  # belt and braces: the name checks above should make this impossible
                    raise BadUploadError("files", f"Tên tệp “{name}” không hợp lệ.")
                staged[target] = _copy(upload.file, batch / name, name, settings.max_upload_bytes)
            (batch / _TARGETS).write_text(json.dumps({str(t): s.name for t, s in staged.items()}), encoding="utf-8")
            yield staged
        finally:
            shutil.rmtree(batch, ignore_errors=True)
            batch.with_suffix(".lock").unlink(missing_ok=True)


def _copy(source: BinaryIO, target: Path, name: str, limit: int) -> Path:
    size = 0
    with open(target, "wb") as out:
        for block in iter(lambda: source.read(1 << 20), b""):
            size += len(block)
            if size > limit:
                raise BadUploadError("files", f"Tệp “{name}” vượt quá {limit} byte.")
            out.write(block)
    if size == 0:
        raise BadUploadError("files", f"Tệp “{name}” rỗng.")
    return target


def recover(settings: Settings) -> None:
    """Clear staging batches left by a server that died: a file the current index already serves (the kill
    came between the index switch and the move) is moved into the corpus, everything else is dropped."""
    uploads = _uploads_dir(settings)
    if not uploads.is_dir():
        return
    for batch in {p.with_suffix("") for p in uploads.iterdir()}:
        with open(batch.with_suffix(".lock"), "a") as lock:
            try:
                fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                continue  # a live request (maybe in another worker) owns it
            if batch.is_dir():
                _finish(batch, settings)
                shutil.rmtree(batch, ignore_errors=True)
            batch.with_suffix(".lock").unlink(missing_ok=True)


def _finish(batch: Path, settings: Settings) -> None:
    from assistant.index import fingerprint, place_staged, served_hashes

    try:
        targets = json.loads((batch / _TARGETS).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return  # the request died before staging was complete: nothing was ingested
    served = served_hashes(settings)
    done = {Path(final): batch / name for final, name in targets.items()
            if (batch / name).is_file() and served.get(final) == fingerprint(Path(final), batch / name)}
    if done:
        log.warning("finishing an upload interrupted after indexing: %s", ", ".join(p.name for p in done))
        place_staged(done)
