"""Errors raised while reading and parsing source documents.

IngestError
 ├── EmptyFileError
 ├── BinaryFileError
 ├── EncodingError
 ├── FileTooLargeError
 ├── UnsupportedFormatError
 └── NoStructureError

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
