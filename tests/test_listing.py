"""A list answer read from a real index: every item of the list shows what it is."""

from __future__ import annotations

import re

import pytest


@pytest.mark.slow
def test_each_item_of_a_listed_answer_is_shown_from_its_opening(plans_and_law_assistant) -> None:  # noqa: ANN001
    answer = plans_and_law_assistant.ask("Hợp tác xã có những khoản tài sản chung không chia nào theo luật?")
    assert answer.found, answer.answer
    listed = answer.answer.split("Xem thêm:")[0]  # the related clauses after it are not items of the list
    items = [line.removeprefix("• ") for line in listed.split("\n") if line.startswith("• ")]
    assert len(items) >= 4, answer.answer
    # The items other than the best one start with their point letter, not with an elided middle ("… được …").
    assert all(re.match(r"[a-zđ]\) \w", item) for item in items[1:]), items
    assert any(item.startswith("a) Quyền sử dụng đất do Nhà nước giao đất không thu tiền") for item in items), items
