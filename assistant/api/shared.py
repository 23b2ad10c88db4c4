"""What the routes share beyond the Assistant: the chat sessions, the admin check and uploads."""

from __future__ import annotations

from typing import TYPE_CHECKING

from fastapi import Request, UploadFile

from assistant.api.bodies import AdminIngestResult
from assistant.api.limits import admin_refusal
from assistant.chat import Conversations
from assistant.errors import BadUploadError
from assistant.uploads import staged_uploads

if TYPE_CHECKING:
    from assistant.service import Assistant


class Api:
    """What the routes share beyond the Assistant: the chat sessions, the admin check and uploads."""

    def __init__(self, assistant: Assistant) -> None:
        self.assistant = assistant
        self.settings = assistant.settings
        self.conversations = Conversations(assistant, assistant.settings)

    def require_admin(self, request: Request) -> None:
        # RequestGuard already refused these before the body was read; checked again here so no admin route
        # depends on the middleware being in place.
        refusal = admin_refusal(self.settings.admin_token, request.headers.get("authorization", ""))
        if refusal is not None:
            raise refusal

    def ingest_uploads(self, files: list[UploadFile]) -> AdminIngestResult:
        """Stage the uploads (assistant/uploads.py) and ingest them under their corpus names: only the ones that
        ingest enter the corpus, and a file one of them would have replaced stays as it was otherwise."""
        with staged_uploads(files, self.settings) as staged:
            report = self.assistant.ingest(list(staged), staged=staged)
        # Server paths are nobody's business: failures are reported relative to the corpus folder.
        corpus_prefix = str(self.settings.corpus_dir.resolve()) + "/"
        failed = {f.file for f in report.failed}
        for failure in report.failed:
            failure.file = failure.file.replace(corpus_prefix, "")
            failure.message = failure.message.replace(corpus_prefix, "")
            failure.reason = failure.reason.replace(corpus_prefix, "")
        saved = [p.name for p in staged if str(p) not in failed]
        if not saved:
            raise BadUploadError("files", " ".join(f.message for f in report.failed))
        return AdminIngestResult(**report.model_dump(), saved=saved)
