"""Documents a conversation names by kind and number ("Thông tư 12/2019/TT-BXD"), in its messages or in the
clauses that answered them, whether or not the corpus holds them.

"Thông tư đó còn hiệu lực không?" points at the last such document of that kind, not at the document the
thread's answers came from (a plan that was issued "căn cứ Thông tư …"): a plan is no circular. The kinds are
the document types of the lexicon (documents.toml)."""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache

from ingest.lexicon import fold_words, lexicon

# Groups of mentions kept in a dialogue state (a message or an answer each), latest first: a few turns back.
KEPT_MENTIONS = 8


@lru_cache(maxsize=1)
def _mention_re() -> re.Pattern[str]:
    kinds = sorted(lexicon().documents.all, key=len, reverse=True)
    kind = "|".join(re.escape(k) for k in kinds)
    return re.compile(rf"(?<!\w)({kind})\s+(?:số\s+)?(\d{{1,5}}/\d{{4}}(?:/[A-ZĐ][A-ZĐ0-9-]*)?)", re.IGNORECASE)


def document_mentions(texts: Iterable[str]) -> list[str]:
    """Documents named by kind and number in `texts`, in order, each once ("Thông tư số 340/2016/TT-BTC"); a
    shorter writing of one already named ("Thông tư 340/2016") is the same document."""
    found: dict[str, str] = {}
    for text in texts:
        for match in _mention_re().finditer(text):
            kind = lexicon().documents.type_words.get(fold_words(match.group(1)), match.group(1))
            number = match.group(2)
            key = fold_words(kind) + " " + "/".join(number.split("/")[:2])
            name = f"{kind[0].upper()}{kind[1:]} số {number}"
            if key not in found or len(name) > len(found[key]):
                found[key] = name
    return list(found.values())


def kind_of_reference(reference: str) -> str | None:
    """The document type a reference names ("thông tư đó" -> "Thông tư"); None for a word any document is
    ("văn bản đó") or no document word."""
    noun = fold_words(" ".join(reference.split()[:-1]))
    return lexicon().documents.type_words.get(noun)


def is_of_kind(name: str, kind: str) -> bool:
    return fold_words(name).startswith(fold_words(kind))


def mentioned(kind: str, groups: Iterable[Iterable[str]]) -> str | None:
    """The one document of `kind` named in the first group that names any (the message itself, then the
    thread's mentions, latest first); None when that group names several (which one is meant is not known) or
    none does."""
    for group in groups:
        of_kind = [m for m in group if is_of_kind(m, kind)]
        if of_kind:
            return of_kind[0] if len(of_kind) == 1 else None
    return None
