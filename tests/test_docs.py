"""The documentation keeps up with the code: every setting and web error code is documented."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from legitka.config import Settings
from legitka.web.errors import HTTP_CODES

ROOT = Path(__file__).resolve().parent.parent
CONFIGURATION = ROOT / "docs" / "configuration.md"
ERRORS = ROOT / "docs" / "errors.md"
README = ROOT / "README.md"


def settings_rows() -> dict[str, str]:
    """The rows of the settings table in docs/configuration.md, by setting name."""
    rows = {}
    for line in CONFIGURATION.read_text(encoding="utf-8").splitlines():
        match = re.match(r"^\| `([a-z_]+)` \|", line)
        if match:
            rows[match.group(1)] = line
    return rows


@pytest.mark.parametrize("name", sorted(Settings.model_fields))
def test_every_setting_is_documented(name):
    rows = settings_rows()
    assert name in rows, f"setting '{name}' is missing from docs/configuration.md"
    cells = [cell.strip() for cell in rows[name].strip("|").split("|")]
    assert len(cells) == 4, rows[name]
    assert cells[1] == f"`LEGITKA_{name.upper()}`", rows[name]
    assert cells[2], f"setting '{name}' has no documented default"
    assert len(cells[3]) > 20, f"setting '{name}' needs a real explanation"


def test_no_documented_setting_is_gone():
    gone = set(settings_rows()) - set(Settings.model_fields)
    assert not gone, f"docs/configuration.md documents settings that do not exist: {gone}"


def test_every_web_error_code_is_documented():
    text = ERRORS.read_text(encoding="utf-8")
    codes = {*HTTP_CODES.values(), "invalid_request", "internal_error", "database_unavailable"}
    missing = {code for code in codes if f"`{code}`" not in text}
    assert not missing, f"docs/errors.md does not document: {sorted(missing)}"


def test_readme_links_point_to_files():
    text = README.read_text(encoding="utf-8")
    links = re.findall(r"\]\(((?:docs|src|tests)/[^)#]*)", text)
    assert links
    for link in links:
        assert (ROOT / link).exists(), f"README links to a missing file: {link}"


def test_readme_lists_every_demo_account():
    from legitka.demo.cases import CASES

    text = README.read_text(encoding="utf-8")
    for case in CASES:
        row = f"| {case.university} | `{case.login}` | `{case.password}` | {case.album or '–'} |"
        assert row in text, f"README's demo table lacks or misstates {case.login}"
        assert case.summary_en in text, f"README's demo table lacks the situation of {case.login}"
