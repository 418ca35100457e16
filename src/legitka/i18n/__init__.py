"""Polish and English for every surface.

English is the source language: messages are English msgids marked with ``N_`` or ``_``. The Polish
catalog lives in ``locales/pl/LC_MESSAGES/messages.po`` and is compiled in memory when first used,
so there is no build step. ``pybabel extract -F babel.cfg`` finds new msgids.
"""

from __future__ import annotations

import functools
import io
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import NullTranslations, Translations

LOCALES = ("pl", "en")
DEFAULT_LOCALE = "pl"
CATALOG_DIR = Path(__file__).parent / "locales"


def catalog_path(locale: str) -> Path:
    return CATALOG_DIR / locale / "LC_MESSAGES" / "messages.po"


@functools.cache
def translations(locale: str) -> NullTranslations:
    """The gettext translations for ``locale`` ('pl' or 'en'); English needs none."""
    path = catalog_path(locale)
    if locale == "en" or not path.exists():
        return NullTranslations()
    with path.open("rb") as po_file:
        catalog = read_po(po_file, locale=locale)
    buffer = io.BytesIO()
    write_mo(buffer, catalog)
    buffer.seek(0)
    return Translations(buffer)


def normalize_locale(value: str | None) -> str:
    if not value:
        return DEFAULT_LOCALE
    short = value.strip().lower()[:2]
    return short if short in LOCALES else DEFAULT_LOCALE


def translate(message: str, locale: str, params: Mapping[str, Any] | None = None) -> str:
    """Translate an English msgid and fill in its ``{placeholders}``."""
    text = translations(normalize_locale(locale)).gettext(message)
    return text.format(**params) if params else text
