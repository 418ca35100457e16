"""Marking of user-facing text.

``N_`` marks an English message for translation without translating it: the domain stays free of
any i18n backend, and the surfaces (web, CLI, API) translate the text into Polish or English with
the catalogs in ``legitka.i18n``. Placeholders use ``str.format`` names: ``{deadline}``.
"""

from __future__ import annotations


def N_(message: str) -> str:
    return message
