"""Domain errors of the assistant, each with a Vietnamese message for users and the offending field.

AssistantError
 ├── InvalidInputError   (400/422: empty or over-long question, bad filter value)
 ├── NotFoundError       (404: unknown session, clause, document)
 └── IndexMissingError   (503: no index built yet)

Ingest errors live in ingest/errors.py. The CLI prints `message` and exits 1; the API returns
{"error": {"code", "message", "field"}} with `status`.
"""

from __future__ import annotations


class AssistantError(Exception):
    status = 400
    code = "invalid"

    def __init__(self, field: str | None, message: str) -> None:
        self.field = field
        self.message = message
        super().__init__(f"{field}: {message}" if field else message)


class InvalidInputError(AssistantError):
    status = 422
    code = "invalid_input"


class NotFoundError(AssistantError):
    status = 404
    code = "not_found"


class IndexMissingError(AssistantError):
    status = 503
    code = "index_missing"
