"""What the dialogue needs of the application: `Assistant` provides it.

Written as a protocol so the dialogue modules depend on these few operations, not on the application object
that in turn calls them (`Assistant.answer` asks `grouped_answer` for questions across documents).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from assistant.models import Answer, Filters, Hit, QueryAnalysis
    from assistant.query import Catalog
    from assistant.relevance import TermWeights
    from assistant.settings import Settings


class AnswerSource(Protocol):
    settings: Settings

    @property
    def store(self) -> Any: ...  # assistant.store.Store

    @property
    def catalog(self) -> Catalog: ...

    @property
    def ranker(self) -> Any: ...  # assistant.answering.ranker.Ranker

    @property
    def term_weights(self) -> TermWeights: ...

    def analyze(self, question: str, filters: Filters | None = None) -> QueryAnalysis: ...

    def retrieve(self, analysis: QueryAnalysis, k: int | None = None) -> list[Hit]: ...

    def retrieve_among(self, analysis: QueryAnalysis, clause_ids: list[str], k: int | None = None) -> list[Hit]: ...

    def answer(self, analysis: QueryAnalysis, hits: list[Hit] | None = None,
               threshold: float | None = None, rivals: list[Hit] | None = None,
               answerability_bar: float | None = None) -> Answer: ...
