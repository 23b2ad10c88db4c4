"""Vietnamese word segmentation (underthesea) that keeps identifiers whole, and the lexical tokens for BM25.

`lexical_tokens` is applied to clauses at index time and to questions at query time, so both sides get the
same treatment: segmented words, accent-folded forms, folded syllables and syllable pairs (so a question typed
without diacritics still matches), and abbreviations in both directions ("HTX" <-> "hợp tác xã").
"""

from __future__ import annotations

import importlib.util
import re
import sys
import threading
import types
from collections.abc import Callable
from functools import lru_cache

from ingest.textnorm import ABBREVIATIONS, IDENTIFIER_RE, abbreviations_in, fold_accents

_lock = threading.Lock()
_word_tokenize: Callable[..., list[str]] | None = None

_PUNCT_RE = re.compile(r"^[\W_]+$", re.UNICODE)


def _load_word_tokenize() -> Callable[..., list[str]]:
    """Import only underthesea's word segmenter.

    `import underthesea` runs its package __init__, which imports the translation pipeline and with it torch
    and transformers (~3.5 s); the one-shot `htx ask` cannot afford that. When underthesea is not imported
    yet, its package is registered without running __init__, the segmenter submodules are imported, and the
    placeholder is removed again so that a later plain `import underthesea` still initialises normally.
    """
    global _word_tokenize
    if _word_tokenize is not None:
        return _word_tokenize
    if "underthesea" in sys.modules:
        from underthesea.pipeline.word_tokenize import word_tokenize
    else:
        spec = importlib.util.find_spec("underthesea")
        if spec is None or spec.submodule_search_locations is None:
            raise ImportError("underthesea is not installed: pip install underthesea")
        placeholder = types.ModuleType("underthesea")
        placeholder.__path__ = list(spec.submodule_search_locations)
        placeholder.__spec__ = spec
        sys.modules["underthesea"] = placeholder
        try:
            # text_normalize first: it and word_tokenize import each other, in this order in underthesea.
            import underthesea.pipeline.text_normalize  # noqa: F401
            from underthesea.pipeline.word_tokenize import word_tokenize

            word_tokenize("khởi động")  # loads the CRF model, whose import also goes through the package
        finally:
            if sys.modules.get("underthesea") is placeholder:
                del sys.modules["underthesea"]
    _word_tokenize = word_tokenize
    return word_tokenize


def _tokenize_span(span: str) -> list[str]:
    if not span.strip():
        return []
    # underthesea keeps module-level regex state and a lazily loaded CRF model: loading and calling are both
    # serialised, or concurrent first requests race on the half-loaded model.
    with _lock:
        word_tokenize = _load_word_tokenize()
        # No token normalisation ("uỷ" -> "ủy"): segments must rejoin into the exact source text.
        return list(word_tokenize(span, use_token_normalize=False))


def segment(text: str) -> list[str]:
    """Words of `text` as underthesea segments them (multi-syllable words contain spaces).

    Identifiers (31/KH-UBND, 30/6/2017, 1,5-2%, II.2.5...) are cut out before segmentation and put back as
    single tokens, because underthesea would split them and could glue them to neighbouring words.
    """
    tokens: list[str] = []
    position = 0
    for match in IDENTIFIER_RE.finditer(text):
        tokens.extend(_tokenize_span(text[position : match.start()]))
        tokens.append(match.group(0))
        position = match.end()
    tokens.extend(_tokenize_span(text[position:]))
    return tokens


@lru_cache(maxsize=256)
def _expansion_tokens(abbreviation: str) -> tuple[str, ...]:
    return tuple(_word_tokens(segment(ABBREVIATIONS[abbreviation])))


def _word_tokens(words: list[str]) -> list[str]:
    return [w.lower().replace(" ", "_") for w in words if not _PUNCT_RE.match(w)]


def lexical_tokens(text: str) -> list[str]:
    """Tokens for BM25, the same for clauses and questions.

    - segmented words, lower-cased, syllables joined with "_" ("tài_chính"), and their folded form;
    - folded syllables and adjacent folded syllable pairs ("tai", "tai_chinh"), which is what an
      unaccented question yields, since underthesea cannot segment text without diacritics reliably;
    - for each abbreviation written or spelled out in the text, the acronym and its expansion's words.
    """
    tokens: list[str] = []
    syllables: list[str] = []  # folded syllables in order; "" marks a break (identifier)
    for word in _word_tokens(segment(text)):
        tokens.append(word)
        folded = fold_accents(word)
        if folded != word:
            tokens.append(folded)
        if IDENTIFIER_RE.fullmatch(word):
            syllables.append("")
            continue
        parts = folded.split("_")
        if len(parts) > 1:
            tokens.extend(parts)
        syllables.extend(parts)
    tokens.extend(f"{a}_{b}" for a, b in zip(syllables, syllables[1:], strict=False) if a and b)
    for abbreviation in abbreviations_in(text):
        tokens.append(fold_accents(abbreviation))
        for expansion_word in _expansion_tokens(abbreviation):
            tokens.append(expansion_word)
            tokens.append(fold_accents(expansion_word))
    return tokens
