"""The project's one error tree: every error a user can see, with a stable code and a Vietnamese message.

The root `HtxError` and the ingest branch live in ingest/errors.py (the lowest layer, so that ingest never
imports assistant); the assistant's branch lives here. Nothing else in `ingest/` or `assistant/` defines an
exception class (tests/test_errors.py checks that every subclass is drawn below and has its own code).

HtxError                              code, message, field, file, status   (ingest/errors.py)
 ├── LexiconError                     503 bad_lexicon         an ingest/lexicon/ file is missing or malformed (file)
 ├── IngestError                      422 ingest_error        a source file cannot be ingested (file)
 │    ├── EmptyFileError              422 empty_file
 │    │    └── NoTextLayerError       422 no_text_layer
 │    ├── BinaryFileError             422 binary_file
 │    ├── EncodingError               422 bad_encoding
 │    ├── FileTooLargeError           422 file_too_large
 │    ├── UnsupportedFormatError      422 unsupported_format
 │    ├── NoStructureError            422 no_structure
 │    ├── ManifestError               422 bad_manifest
 │    ├── LimitExceededError          422 limit_exceeded      pages, clauses, unpacked size, paragraphs, memory or
 │    │                                                       time over a parse limit (ingest/limits.py)
 │    ├── DocumentIdClashError        422 document_id_clash   two files whose names give the same document id
 │    └── ParserCrashError            422 parser_crash        the parser failed in a way no check anticipated
 └── AssistantError                   400 invalid             (field)
      ├── InvalidInputError           422 invalid_input
      │    ├── EmptyQuestionError     422 empty_question
      │    ├── QuestionTooLongError   422 question_too_long
      │    ├── InvalidTextError       422 invalid_text        lone surrogates, control or bidi-override characters,
      │    │                                                  nothing but invisible characters
      │    ├── UnknownFilterError     422 unknown_filter_value  province, document id or agency not known
      │    └── BadUploadError         422 bad_upload
      ├── UnauthorizedError           401 unauthorized
      ├── AdminDisabledError          403 admin_disabled
      ├── NotFoundError               404 not_found
      │    └── UnknownSessionError    404 unknown_session     never existed, expired, or evicted by newer sessions
      └── ConfigurationError          503 bad_configuration   the server's own settings are unusable
           ├── IndexMissingError      503 index_missing
           ├── EmbeddingModelError    503 embedding_model_unavailable  (HTX_EMBED_MODEL)
           ├── InvalidSettingError    503 invalid_setting     an HTX_* variable does not parse
           └── RankerFileError        503 bad_ranker          the fitted answer ranker is missing or stale

The CLI prints `message` on stderr and exits 1, without a traceback (assistant/cli.py); the API answers
`status` with {"error": {"code", "message", "field"}} through one exception handler (assistant/api/responses.py), where
`field` is the error's field, or "files" for an error about an uploaded file.
"""

from __future__ import annotations

from ingest.errors import HtxError, IngestError, LexiconError

__all__ = [
    "AdminDisabledError", "AssistantError", "BadUploadError", "ConfigurationError", "EmbeddingModelError",
    "EmptyQuestionError", "HtxError", "IndexMissingError", "IngestError", "InvalidInputError", "InvalidSettingError",
    "InvalidTextError", "NotFoundError", "QuestionTooLongError",
    "LexiconError", "RankerFileError", "UnauthorizedError", "UnknownFilterError", "UnknownSessionError",
]


class AssistantError(HtxError):
    status = 400
    code = "invalid"

    def __init__(self, field: str | None, message: str) -> None:
        super().__init__(message, field=field, log=f"{field}: {message}" if field else message)


# ---- bad input (422) -----------------------------------------------------------------------------------------
class InvalidInputError(AssistantError):
    status = 422
    code = "invalid_input"


class EmptyQuestionError(InvalidInputError):
    code = "empty_question"


class QuestionTooLongError(InvalidInputError):
    code = "question_too_long"


class InvalidTextError(InvalidInputError):
    code = "invalid_text"


class UnknownFilterError(InvalidInputError):
    code = "unknown_filter_value"


class BadUploadError(InvalidInputError):
    code = "bad_upload"


# ---- access ----------------------------------------------------------------------------------------------------
class UnauthorizedError(AssistantError):
    status = 401
    code = "unauthorized"


class AdminDisabledError(AssistantError):
    status = 403
    code = "admin_disabled"


# ---- things that are not there -----------------------------------------------------------------------------------
class NotFoundError(AssistantError):
    status = 404
    code = "not_found"


class UnknownSessionError(NotFoundError):
    code = "unknown_session"

    def __init__(self, session_id: str) -> None:
        super().__init__("session_id", "Phiên trò chuyện không tồn tại hoặc đã hết hạn; hãy bắt đầu phiên mới.")
        self.session_id = session_id


# ---- the server's own configuration (503: nothing the caller can fix) ----------------------------------------------
class ConfigurationError(AssistantError):
    status = 503
    code = "bad_configuration"


class IndexMissingError(ConfigurationError):
    code = "index_missing"


class EmbeddingModelError(ConfigurationError):
    """HTX_EMBED_MODEL names no usable model, or not the model the index was built with.

    The message names the model by its last path component only: API clients need not learn server paths, and
    the operator recognises the name; the log line (str()) has the full value."""

    code = "embedding_model_unavailable"

    def __init__(self, model: str, problem: str) -> None:
        shown = model.rstrip("/").rsplit("/", 1)[-1] or model
        HtxError.__init__(self, f"Không dùng được mô hình nhúng “{shown}” (HTX_EMBED_MODEL): {problem}",
                          field="embed_model", log=f"embed_model: {model}: {problem}")
        self.model = model


class InvalidSettingError(ConfigurationError):
    code = "invalid_setting"


class RankerFileError(ConfigurationError):
    """The fitted ranker file (assistant/answering/ranker.json) is missing, unreadable or fitted on other
    features than the code computes: `make fit-ranker` makes a new one."""

    code = "bad_ranker"

    def __init__(self, file: str, problem: str) -> None:
        HtxError.__init__(self, f"Mô hình xếp hạng câu trả lời không dùng được ({problem}); chạy `make fit-ranker`.",
                          file=file, log=f"{file}: {problem}")
