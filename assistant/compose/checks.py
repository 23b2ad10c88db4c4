"""The extractive guarantee, checked: a reworded answer is kept only if this finds nothing."""

from __future__ import annotations

import re

from assistant.models import Answer

_NUMBER_RE = re.compile(r"\d+(?:[.,]\d+)*")


def check_extractive(answer: Answer) -> list[str]:
    """Numbers in the answer's own sentences that no cited clause contains (should be empty)."""
    body = answer.answer.split("\n\nTrích dẫn:")[0]
    body = re.sub(r"\[\d+\]", " ", body)
    cited = " ".join(c.text + " " + " ".join(c.headings) + " " + (c.document_number or "") + " " + c.path
                     + " " + (c.document_title or "") for c in answer.citations)
    cited_numbers = set(_NUMBER_RE.findall(cited))
    return [n for n in _NUMBER_RE.findall(body) if n not in cited_numbers]
