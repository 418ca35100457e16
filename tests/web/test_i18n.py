"""Choosing the language of a request: query, cookie, Accept-Language, default."""

from __future__ import annotations

import pytest
from starlette.requests import Request

from legitka.web.i18n import choose_locale, parse_accept_language


def request(query: str = "", cookie: str | None = None, accept: str | None = None) -> Request:
    headers = []
    if cookie is not None:
        headers.append((b"cookie", f"lang={cookie}".encode()))
    if accept is not None:
        headers.append((b"accept-language", accept.encode()))
    return Request({"type": "http", "method": "GET", "path": "/", "query_string": query.encode(),
                    "headers": headers})


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("pl-PL,pl;q=0.9,en;q=0.8", "pl"),
        ("en-GB,en;q=0.9,pl;q=0.8", "en"),
        ("de-DE,de;q=0.9,en;q=0.5", "en"),
        ("en;q=0.3, pl;q=0.7", "pl"),
        ("pl;q=0, en", "en"),
        ("de, fr", None),
        ("", None),
        ("en;q=abc, pl;q=0.1", "pl"),
    ],
)
def test_accept_language(header, expected):
    assert parse_accept_language(header) == expected


def test_query_wins_over_cookie_and_header():
    assert choose_locale(request("lang=en", cookie="pl", accept="pl"), "pl") == "en"


def test_cookie_wins_over_header():
    assert choose_locale(request(cookie="en", accept="pl"), "pl") == "en"


def test_header_wins_over_default():
    assert choose_locale(request(accept="en-US"), "pl") == "en"


def test_default_when_nothing_fits():
    assert choose_locale(request("lang=de", cookie="fr", accept="de"), "en") == "en"
    assert choose_locale(request(), "pl") == "pl"
