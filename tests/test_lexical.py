"""BM25 arrays written from token ids streamed row by row (assistant/index/lexical.py) score every clause exactly as
bm25s does when it indexes the token strings themselves."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from assistant.index import lexical
from assistant.index.build import is_indexed, lexical_text
from ingest.pipeline import parse_file
from ingest.segment import lexical_tokens
from tests.conftest import SEED_FILES

QUERIES = ("Sở Tài chính bố trí kinh phí", "thành lập mới hợp tác xã năm 2020", "báo cáo kết quả trước ngày",
           "Liên minh HTX tỉnh", "không có từ nào như thế này")


@pytest.fixture(scope="module")
def token_lists() -> list[list[str]]:
    parsed = parse_file(SEED_FILES[0])
    tokens = [lexical_tokens(lexical_text(c)) for c in parsed.clauses if is_indexed(c)]
    return [*tokens, []]  # and a clause without a token, which keeps its row


def test_streamed_ids_score_as_bm25s_scores_the_tokens(token_lists: list[list[str]], tmp_path: Path) -> None:
    import bm25s

    lexical.write(tmp_path / "bm25", iter(token_lists))
    arrays = lexical.Bm25Arrays(tmp_path / "bm25", len(token_lists))
    reference = bm25s.BM25()
    reference.index([t or [lexical.EMPTY_TOKEN] for t in token_lists], show_progress=False)
    assert set(arrays.vocab) == set(reference.vocab_dict)
    matched = 0
    for query in QUERIES:
        tokens = lexical_tokens(query)
        rows, scores = arrays.scores(arrays.token_ids(tokens))
        ours = np.zeros(len(token_lists), dtype=np.float32)
        ours[rows] = scores
        known = [t for t in tokens if t in reference.vocab_dict]
        expected = reference.get_scores(known) if known else np.zeros(len(token_lists), dtype=np.float32)
        assert np.array_equal(ours, expected), query
        matched += bool(ours.any())
    assert matched >= 3  # the queries do reach clauses: equal arrays of zeros would prove nothing
