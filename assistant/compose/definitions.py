"""The office a role named by the law is. A law says who acts by role ("cơ quan thẩm định giống cây"); a decree
defines the role as a named office ("… là Phòng Nông nghiệp thuộc Ủy ban nhân dân cấp huyện"). An answer that names
the role leaves the reader asking which office that is; the definition, quoted with its own citation, says it.

A definition is a clause of a law, decree or circular that opens "<role> là <body>", where the role starts with
a generic word for a body (lexicon: answers.role_heads) and the body is a named one. It glosses a body named in
an answer when they share their first words and the level the answer names ("cấp huyện") is in the definition too,
so the same role "cấp tỉnh" is not glossed with a district's office.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING

from assistant.answering.spans import find_spans
from assistant.query import is_legal_text
from ingest.lexicon import contains_phrase, fold_words, lexicon
from ingest.models import Clause, Document

if TYPE_CHECKING:
    from assistant.compose.corpus import EvidenceStore

# A definition opens with its role and "là", with no full stop, semicolon or colon before it; the role's name is
# its words before the first comma ("Cơ quan thẩm định giống cây, giống con … là …").
_DEFINITION_RE = re.compile(r"^\s*(?:\d+\.\s*)?(?P<role>[^.;:]{6,200}?)\s+là\s+(?P<body>\S)")
# The level an answer names after the role ("cấp huyện") must be the definition's.
_LEVEL_RE = re.compile(r"cap [a-z]+")
# Words a role and a body named in an answer must share, from the first: "cơ quan đăng ký" alone is not a role.
SHARED_WORDS = 4


@dataclass(frozen=True)
class Definition:
    role: str  # folded, up to its first comma ("co quan tham dinh giong cay")
    body: str  # as written, up to its first comma ("Phòng Nông nghiệp thuộc Ủy ban nhân dân huyện")
    clause: Clause
    document: Document


class Definitions:
    """Read from the store on first use (the first answer that names a body)."""

    def __init__(self, store: EvidenceStore) -> None:
        self._store = store

    @cached_property
    def _all(self) -> list[Definition]:
        heads = lexicon().answers.role_heads
        out: list[Definition] = []
        for document in filter(is_legal_text, self._store.list_documents()):
            for clause in self._store.clauses_of(document.id):
                m = _DEFINITION_RE.match(clause.text)
                if m is None:
                    continue
                role = fold_words(m.group("role").split(",")[0])
                if not any(role.startswith(h + " ") for h in heads):
                    continue
                body = clause.text[m.start("body"):]
                bodies = find_spans(body, "agency")
                # "… gọi chung là cơ quan thẩm định" names the role again, not a body
                if bodies and bodies[0].start == 0 and not any(fold_words(body).startswith(h + " ") for h in heads):
                    out.append(Definition(role, body.split(",")[0].strip(), clause, document))
        return out

    def of(self, body: str) -> Definition | None:
        """The definition of the role `body` names, if the documents define it."""
        words = fold_words(body).split()
        for definition in self._all:
            role = definition.role.split()
            shared = 0
            while shared < min(len(words), len(role)) and words[shared] == role[shared]:
                shared += 1
            level = _LEVEL_RE.match(" ".join(words[shared:]))
            if shared >= SHARED_WORDS and (level is None
                                           or contains_phrase(fold_words(definition.clause.text), level.group(0))):
                return definition
        return None
