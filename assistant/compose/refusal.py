"""Not found: the reason, the clauses that came closest (cited as related, not as an answer) and what the
documents cover, so the reader knows where the answer is not."""

from __future__ import annotations

from assistant.compose.builder import citation
from assistant.compose.corpus import Corpus, Evidence
from assistant.labels import citation_label
from assistant.models import Answer, QueryAnalysis


def not_found(corpus: Corpus, analysis: QueryAnalysis, message: str, evidence: list[Evidence],
              confidence: float = 0.0) -> Answer:
    related = [citation(i + 1, ev) for i, ev in enumerate(evidence[:3])]
    text = message
    if related:
        text += " Các điều khoản có thể liên quan: " + "; ".join(
            citation_label(ev.document, ev.clause) for ev in evidence[:3]
        ) + "."
    if corpus.coverage:
        text += " " + corpus.coverage
    return Answer(question=analysis.question, answer=text, found=False, intent=analysis.intent, related=related,
                  confidence=confidence)
