"""What the routes share beyond the Assistant: the chat sessions, the admin check and uploads."""

from __future__ import annotations

import hmac
import shutil
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

from fastapi import Request, UploadFile

from assistant.api.bodies import AdminIngestResult
from assistant.chat import Conversations
from assistant.errors import AdminDisabledError, BadUploadError, UnauthorizedError
from assistant.validation import shown as _shown

if TYPE_CHECKING:
    from assistant.service import Assistant

UPLOAD_SUFFIXES = {".txt", ".md", ".docx", ".pdf", ".html", ".htm"}


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


class Api:
    """What the routes share beyond the Assistant: the chat sessions, the admin check and uploads."""

    def __init__(self, assistant: Assistant) -> None:
        self.assistant = assistant
        self.settings = assistant.settings
        self.conversations = Conversations(assistant, assistant.settings)

    def require_admin(self, request: Request) -> None:
        token = self.settings.admin_token
        if not token:
            raise AdminDisabledError(None, "Chức năng quản trị đang tắt (chưa đặt HTX_ADMIN_TOKEN).")
        given = request.headers.get("authorization", "")
        scheme, _, value = given.partition(" ")
        if scheme.lower() != "bearer" or not hmac.compare_digest(value.strip().encode(), token.encode()):
            raise UnauthorizedError("authorization", "Thiếu hoặc sai mã truy cập quản trị (Authorization: Bearer …).")

    def save_uploads(self, files: list[UploadFile]) -> tuple[list[Path], Path]:
        """Write uploads into the corpus folder; existing files of the same name are kept aside in a backup
        folder so that a failed ingest can put them back."""
        names = [safe_upload_name(f.filename) for f in files]
        if len(set(names)) != len(names):
            raise BadUploadError("files", "Có hai tệp trùng tên trong cùng một lần tải lên.")
        corpus = self.settings.corpus_dir.resolve()
        corpus.mkdir(parents=True, exist_ok=True)
        backup = Path(tempfile.mkdtemp(prefix="htx-upload-backup-"))
        saved: list[Path] = []
        for upload, name in zip(files, names, strict=True):
            target = (corpus / name).resolve()
            if target.parent != corpus:  # belt and braces: the name checks above should make this impossible
                raise BadUploadError("files", f"Tên tệp “{name}” không hợp lệ.")
            data = upload.file.read(self.settings.max_upload_bytes + 1)
            if len(data) > self.settings.max_upload_bytes:
                raise BadUploadError("files", f"Tệp “{name}” vượt quá {self.settings.max_upload_bytes} byte.")
            if not data:
                raise BadUploadError("files", f"Tệp “{name}” rỗng.")
            if target.exists():
                shutil.copy2(target, backup / name)
            target.write_bytes(data)
            saved.append(target)
        return saved, backup

    def ingest_uploads(self, files: list[UploadFile]) -> AdminIngestResult:
        saved, backup = self.save_uploads(files)
        try:
            report = self.assistant.ingest(saved)
        except Exception:
            self._undo_uploads(saved, backup)
            raise
        failed = [p for p in saved if any(Path(f.file).name == p.name for f in report.failed)]
        self._undo_uploads(failed, backup)
        shutil.rmtree(backup, ignore_errors=True)
        # Server paths are nobody's business: failures are reported by file name.
        corpus_prefix = str(self.settings.corpus_dir.resolve()) + "/"
        for failure in report.failed:
            failure.file = failure.file.replace(corpus_prefix, "")
            failure.message = failure.message.replace(corpus_prefix, "")
            failure.reason = failure.reason.replace(corpus_prefix, "")
        if failed and len(failed) == len(saved):
            raise BadUploadError("files", " ".join(f.message for f in report.failed))
        return AdminIngestResult(**report.model_dump(), saved=[p.name for p in saved if p not in failed])

    @staticmethod
    def _undo_uploads(paths: list[Path], backup: Path) -> None:
        """Remove uploads that did not ingest, putting back any file they had replaced."""
        for path in paths:
            path.unlink(missing_ok=True)
            if (backup / path.name).exists():
                shutil.move(str(backup / path.name), path)
