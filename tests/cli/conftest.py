"""What the command-line tests share: a migrated SQLite file and a wide English terminal."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from legitka.cli.common import console, err_console


@pytest.fixture
def sqlite_url(tmp_path: Path, sqlite_template: Path) -> str:
    """A fresh, migrated SQLite database file for one test."""
    path = tmp_path / "legitka.sqlite3"
    shutil.copyfile(sqlite_template, path)
    return f"sqlite:///{path}"


@pytest.fixture(autouse=True)
def wide_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    """Rich output without wrapping, and English messages unless a test asks for Polish."""
    monkeypatch.setattr(console, "width", 200)
    monkeypatch.setattr(err_console, "width", 200)
    monkeypatch.setenv("LANG", "en_GB.UTF-8")
    monkeypatch.delenv("LC_ALL", raising=False)
    monkeypatch.delenv("LC_MESSAGES", raising=False)
