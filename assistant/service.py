"""The application object: one `Assistant` holds settings, the opened index and the models.

`htx ask` and `POST /ask` both call `Assistant.ask`; nothing else composes answers.
"""

from __future__ import annotations

from assistant.models import Answer, Filters
from assistant.settings import Settings


class Assistant:
    def __init__(self, settings: Settings) -> None:
        self.settings = settings

    def ask(self, question: str, filters: Filters | None = None) -> Answer:  # pragma: no cover - being built
        raise NotImplementedError
