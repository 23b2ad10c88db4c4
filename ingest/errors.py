"""The root of the project's one error tree, and the errors raised while reading and parsing documents.

The root lives here, in the lowest layer, so that both `ingest` and `assistant` can raise and catch it without
`ingest` ever importing `assistant`. The whole tree, with the assistant's branch, is drawn in
assistant/errors.py; this module holds:

HtxError                      code, message (Vietnamese, for users), field, file, status (HTTP)
 ├── LexiconError             a vocabulary file of ingest/lexicon/ is missing or malformed (file)
 └── IngestError              a source file cannot be ingested (file = the file)
      ├── EmptyFileError
      │    └── NoTextLayerError
      ├── BinaryFileError
      ├── EncodingError
      ├── FileTooLargeError
      ├── UnsupportedFormatError
      ├── NoStructureError
      ├── ManifestError
      ├── LimitExceededError  pages, clauses, unpacked size, paragraphs, memory or time over a parse limit
      ├── DocumentIdClashError  two files whose names give the same document id
      └── ParserCrashError    the parser failed in a way no check anticipated

`message` is what the CLI prints and the API returns; str() gives an English line for logs.
"""

from __future__ import annotations

from pathlib import PurePath


class HtxError(Exception):
    """Anything the project reports to a user instead of crashing: bad input, bad file, bad configuration.

    `code` is stable (API clients and tests rely on it), `message` is Vietnamese and never echoes raw input that
    may not encode, `field` names the offending input field or setting and `file` the offending file. `status` is
    the HTTP status the API answers with; the CLI prints `message` and exits 1.
    """

    code = "error"
    status = 400

    def __init__(self, message: str, *, field: str | None = None, file: str | None = None,
                 log: str | None = None) -> None:
        self.message = message
        self.field = field
        self.file = file
        super().__init__(log or message)


class LexiconError(HtxError):
    """A lexicon file is missing, is not valid TOML, or lacks a table: the installation is broken."""

    code = "bad_lexicon"
    status = 503

    def __init__(self, file: str, detail: str) -> None:
        super().__init__(f"Tệp từ vựng hỏng hoặc thiếu: {file} ({detail})", file=file, log=f"{file}: {detail}")


class IngestError(HtxError):
    code = "ingest_error"
    status = 422
    reason = "cannot be ingested"
    message_vi = "Không thể nạp tệp"

    def __init__(self, file: str, detail: str = "") -> None:
        self.detail = detail
        super().__init__(
            f"{self.message_vi}: {file}{' (' + detail + ')' if detail else ''}",
            file=file,
            log=f"{file}: {self.reason}{': ' + detail if detail else ''}",
        )


class EmptyFileError(IngestError):
    code = "empty_file"
    reason = "file is empty"
    message_vi = "Tệp rỗng"


class NoTextLayerError(EmptyFileError):
    code = "no_text_layer"
    reason = "PDF has no text layer"
    message_vi = "Tệp PDF không có lớp văn bản (bản quét?)"


class BinaryFileError(IngestError):
    code = "binary_file"
    reason = "file is binary, not text"
    message_vi = "Tệp nhị phân, không phải văn bản"


class EncodingError(IngestError):
    code = "bad_encoding"
    reason = "file is not valid UTF-8 text"
    message_vi = "Tệp không phải văn bản UTF-8 hợp lệ"


class FileTooLargeError(IngestError):
    code = "file_too_large"
    reason = "file exceeds the size limit"
    message_vi = "Tệp vượt quá giới hạn kích thước"


class UnsupportedFormatError(IngestError):
    code = "unsupported_format"
    reason = "unsupported file format"
    message_vi = "Định dạng tệp không được hỗ trợ"


class NoStructureError(IngestError):
    code = "no_structure"
    reason = "no recognisable document structure"
    message_vi = "Không nhận ra cấu trúc văn bản"


class ManifestError(IngestError):
    code = "bad_manifest"
    reason = "invalid corpus manifest"
    message_vi = "Tệp manifest.json không hợp lệ"


class LimitExceededError(IngestError):
    """A document that would cost too much to parse or index; `detail_vi` says which limit, in Vietnamese."""

    code = "limit_exceeded"
    reason = "file exceeds a processing limit"
    message_vi = "Tệp vượt quá giới hạn xử lý"

    def __init__(self, file: str, detail: str, detail_vi: str) -> None:
        super().__init__(file, detail)
        self.detail_vi = detail_vi
        self.message = f"{self.message_vi}: {file}: {detail_vi}"


class DocumentIdClashError(IngestError):
    code = "document_id_clash"
    reason = "document id already used by another file"
    message_vi = "Trùng mã văn bản"

    def __init__(self, file: str, document_id: str, other_file: str) -> None:
        super().__init__(file, f"id {document_id} already used by {other_file}")
        self.document_id = document_id
        self.other_file = other_file
        self.message = (f"{self.message_vi}: tệp “{file}” cho mã văn bản “{document_id}”, trùng với tệp "
                        f"“{other_file}” đã có trong kho; hãy đổi tên một trong hai tệp.")


class ParserCrashError(IngestError):
    """The parser failed in a way no check anticipated (a bug, or a library choking on a damaged file)."""

    code = "parser_crash"
    reason = "unexpected parser error"
    message_vi = "Không thể nạp tệp"

    def __init__(self, file: str, detail: str = "") -> None:
        super().__init__(file, detail)
        # The exception's own text may quote the file's bytes: users get its kind only.
        kind = detail.split(":", 1)[0]
        self.message = f"{self.message_vi} {PurePath(file).name}: lỗi khi phân tích văn bản ({kind})."
