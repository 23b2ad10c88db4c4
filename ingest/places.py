"""Province names from the lexicon (ingest/lexicon/places.toml), under the names the parsers import."""

from __future__ import annotations

from ingest.lexicon import lexicon

_PLACES = lexicon().places
PROVINCES: tuple[str, ...] = _PLACES.provinces
# Spellings that differ only in tone-mark placement ("Hoà Bình") or the old y/i ("Thanh Hoá").
ALIASES: dict[str, str] = _PLACES.aliases


def canonical_province(name: str) -> str:
    return _PLACES.canonical(name)


# One spelling per province, for parsers that name a document's province.
CANONICAL_PROVINCES: tuple[str, ...] = _PLACES.canonical_provinces
