"""In a real headless Chromium over a real server: a conversation the server dropped (expired, or pushed out by a
flood of newer ones) goes on in a new one, and the page says so."""

from __future__ import annotations

import os
import shutil
import sqlite3
from pathlib import Path

import pytest

from assistant.settings import Settings
from tests.test_web_e2e import CHROMIUM, CHROMIUM_ARGS, FAIR

pytestmark = pytest.mark.slow


def test_page_starts_a_new_conversation_when_the_server_dropped_it(live_server: str,
                                                                   minilm_settings: Settings) -> None:
    if not Path(CHROMIUM).exists() and not shutil.which("chromium"):
        if os.environ.get("CI") == "true":
            pytest.fail(f"{CHROMIUM} is missing")
        pytest.skip(f"{CHROMIUM} is missing (apt-get install chromium)")
    from playwright.sync_api import expect, sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page(locale="vi-VN")
        errors: list[str] = []
        page.on("pageerror", lambda error: errors.append(str(error)))
        page.goto(live_server + "/")
        question = page.get_by_label("Câu hỏi", exact=True)
        question.fill(FAIR)
        question.press("Enter")
        expect(page.locator(".turn").last.locator(".answer")).to_be_visible(timeout=120_000)
        assert page.locator(".notice").count() == 0

        # What eviction or expiry does to the server's record of this conversation.
        with sqlite3.connect(minilm_settings.sessions_db) as db:
            db.execute("DELETE FROM sessions")

        question.fill("Còn ở Quảng Ninh thì sao?")
        question.press("Enter")
        notice = page.locator(".notice")
        expect(notice).to_have_count(1, timeout=120_000)
        expect(notice).to_contain_text("cuộc trò chuyện mới")
        expect(notice).to_have_attribute("role", "status")
        second = page.locator(".turn").nth(1)
        expect(second.locator(".answer")).to_be_visible(timeout=120_000)
        assert second.locator(".error").count() == 0

        # The new conversation continues normally: no second notice.
        question.fill("Hạn chót là khi nào?")
        question.press("Enter")
        expect(page.locator(".turn").nth(2).locator(".answer")).to_be_visible(timeout=120_000)
        assert page.locator(".notice").count() == 1
        browser.close()
    assert not errors, errors
