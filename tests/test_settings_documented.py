"""Every setting has a help text and a row in the README's settings table."""

from __future__ import annotations

from pathlib import Path

from assistant.settings import Settings

README = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")


def test_every_setting_is_documented() -> None:
    for name, field in Settings.model_fields.items():
        assert field.description, f"setting {name} has no description"
        assert f"`HTX_{name.upper()}`" in README, f"HTX_{name.upper()} missing from the README"
