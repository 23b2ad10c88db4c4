"""Errors raised while reading and parsing source documents.

IngestError
 ├── EmptyFileError
 │    └── NoTextLayerError
 ├── BinaryFileError
 ├── EncodingError
 ├── FileTooLargeError
 ├── UnsupportedFormatError
 ├── NoStructureError
 ├── LimitExceededError      (pages, clauses, unpacked size, paragraphs, memory, time)
 └── DocumentIdClashError    (two files whose names give the same document id)

Each carries the file and a Vietnamese message for users; str() gives an English line for logs.
"""

from __future__ import annotations


class IngestError(Exception):
    reason = "cannot be ingested"
    message_vi = "Không thể nạp tệp"

    def __init__(self, file: str, detail: str = "") -> None:
        self.file = file
        self.detail = detail
        super().__init__(f"{file}: {self.reason}{': ' + detail if detail else ''}")

    @property
    def user_message(self) -> str:
        return f"{self.message_vi}: {self.file}{' (' + self.detail + ')' if self.detail else ''}"


class EmptyFileError(IngestError):
    reason = "file is empty"
    message_vi = "Tệp rỗng"


class BinaryFileError(IngestError):
    reason = "file is binary, not text"
    message_vi = "Tệp nhị phân, không phải văn bản"


class EncodingError(IngestError):
    reason = "file is not valid UTF-8 text"
    message_vi = "Tệp không phải văn bản UTF-8 hợp lệ"


class FileTooLargeError(IngestError):
    reason = "file exceeds the size limit"
    message_vi = "Tệp vượt quá giới hạn kích thước"


class UnsupportedFormatError(IngestError):
    reason = "unsupported file format"
    message_vi = "Định dạng tệp không được hỗ trợ"


class NoStructureError(IngestError):
    reason = "no recognisable document structure"
    message_vi = "Không nhận ra cấu trúc văn bản"


class NoTextLayerError(EmptyFileError):
    reason = "PDF has no text layer"
    message_vi = "Tệp PDF không có lớp văn bản (bản quét?)"


class LimitExceededError(IngestError):
    """A document that would cost too much to parse or index; `detail_vi` says which limit, in Vietnamese."""

    reason = "file exceeds a processing limit"
    message_vi = "Tệp vượt quá giới hạn xử lý"

    def __init__(self, file: str, detail: str, detail_vi: str) -> None:
        super().__init__(file, detail)
        self.detail_vi = detail_vi

    @property
    def user_message(self) -> str:
        return f"{self.message_vi}: {self.file}: {self.detail_vi}"


class DocumentIdClashError(IngestError):
    reason = "document id already used by another file"
    message_vi = "Trùng mã văn bản"

    def __init__(self, file: str, document_id: str, other_file: str) -> None:
        super().__init__(file, f"id {document_id} already used by {other_file}")
        self.document_id = document_id
        self.other_file = other_file

    @property
    def user_message(self) -> str:
        return (f"{self.message_vi}: tệp “{self.file}” cho mã văn bản “{self.document_id}”, trùng với tệp "
                f"“{self.other_file}” đã có trong kho; hãy đổi tên một trong hai tệp.")
