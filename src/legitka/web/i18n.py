"""The language of a web request, and Jinja2 environments that speak it.

The locale is chosen in this order: the ``?lang=pl|en`` query parameter (the language switch), the
``lang`` cookie (the switch remembered), the ``Accept-Language`` header, then
``Settings.default_locale``. Each locale has its own Jinja2 environment with the gettext
translations of :mod:`legitka.i18n` installed, so concurrent requests never share a language.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import jinja2
from babel.dates import format_date, format_datetime
from starlette.requests import Request
from starlette.responses import HTMLResponse

from legitka import __version__
from legitka.clock import WARSAW
from legitka.i18n import LOCALES, translate, translations
from legitka.web.headers import weighted_items

LANG_PARAM = "lang"
LANG_COOKIE = "lang"
LANG_COOKIE_MAX_AGE = 365 * 24 * 3600
TEMPLATES = Path(__file__).parent / "templates"


def _known(value: str | None) -> str | None:
    if not value:
        return None
    short = value.strip().lower().split("-", 1)[0].split("_", 1)[0]
    return short if short in LOCALES else None


def parse_accept_language(header: str | None) -> str | None:
    """The best of our locales in an ``Accept-Language`` header, or None when none fits."""
    best: tuple[float, int, str] | None = None
    for tag, quality, position in weighted_items(header):
        locale = _known(tag)
        if locale is None or quality <= 0:
            continue
        candidate = (quality, -position, locale)
        if best is None or candidate > best:
            best = candidate
    return best[2] if best else None


def query_locale(request: Request) -> str | None:
    """The locale asked for with ``?lang=``, when it is one we speak."""
    return _known(request.query_params.get(LANG_PARAM))


def choose_locale(request: Request, default: str) -> str:
    """The locale for ``request``: query, cookie, Accept-Language, then ``default``."""
    return (
        query_locale(request)
        or _known(request.cookies.get(LANG_COOKIE))
        or parse_accept_language(request.headers.get("accept-language"))
        or _known(default)
        or LOCALES[0]
    )


@functools.cache
def environment(locale: str) -> jinja2.Environment:
    """The Jinja2 environment for ``locale``: autoescaping, gettext, and ``t()`` for {params}."""
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES),
        autoescape=jinja2.select_autoescape(("html", "xml")),
        extensions=["jinja2.ext.i18n"],
        trim_blocks=True,
        lstrip_blocks=True,
        undefined=jinja2.StrictUndefined,
    )
    env.install_gettext_translations(translations(locale), newstyle=True)  # type: ignore[attr-defined]

    def t(message: str, **params: Any) -> str:
        return translate(message, locale, params or None)

    env.globals["t"] = t
    env.filters["localdate"] = lambda value: local_date(value, locale)
    env.filters["localdatetime"] = lambda value: local_datetime(value, locale)
    env.globals["locale"] = locale
    env.globals["locales"] = LOCALES
    env.globals["version"] = __version__
    return env


def local_date(value: dt.date | str | None, locale: str) -> str:
    """A date as people write it in ``locale`` (27 listopada 2026 / 27 November 2026)."""
    if value is None or value == "":
        return ""
    day = dt.date.fromisoformat(value) if isinstance(value, str) else value
    return format_date(day, format="long", locale=locale)


def local_datetime(value: dt.datetime | str | None, locale: str) -> str:
    """A moment in Warsaw time, as people write it in ``locale``."""
    if value is None or value == "":
        return ""
    moment = dt.datetime.fromisoformat(value) if isinstance(value, str) else value
    return format_datetime(moment, format="medium", tzinfo=WARSAW, locale=locale)


def render_template(name: str, locale: str, context: Mapping[str, Any]) -> str:
    return environment(locale).get_template(name).render(**context)


def request_locale(request: Request) -> str:
    """The locale of ``request``, with the deployment's default from the app's runtime."""
    runtime = getattr(request.app.state, "runtime", None) if "app" in request.scope else None
    default = runtime.settings.default_locale if runtime is not None else LOCALES[0]
    return choose_locale(request, default)


def render(
    request: Request,
    name: str,
    context: Mapping[str, Any] | None = None,
    *,
    status_code: int = 200,
    headers: Mapping[str, str] | None = None,
) -> HTMLResponse:
    """Render template ``name`` in the request's language.

    The page gets ``request`` and ``lang_url(code)`` (this page in another language); a language
    chosen with ``?lang=`` is remembered in the ``lang`` cookie.
    """
    locale = request_locale(request)

    def lang_url(code: str) -> str:
        url = request.url.include_query_params(**{LANG_PARAM: code})
        return f"{url.path}?{url.query}"

    html = render_template(
        name, locale, {"request": request, "lang_url": lang_url, **(context or {})}
    )
    response = HTMLResponse(html, status_code=status_code, headers=dict(headers or {}))
    response.headers["Content-Language"] = locale
    chosen = query_locale(request)
    if chosen is not None and request.cookies.get(LANG_COOKIE) != chosen:
        response.set_cookie(
            LANG_COOKIE,
            chosen,
            max_age=LANG_COOKIE_MAX_AGE,
            httponly=True,
            samesite="lax",
            secure=request.url.scheme == "https",
        )
    return response
