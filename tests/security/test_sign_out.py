"""Sign-out with two session cookies of the same name: one planted by someone else (set for a
parent domain or path, e.g. from a sibling subdomain) and the real one. The server reads one
value of a cookie name; sign-out must end every session the request carries, whichever of them
the page was shown with, and delete the cookie."""

from __future__ import annotations

import httpx
import pytest

from tests.security.conftest import Site, form_csrf

PORTAL = ("legitka_session", "/u/pd/student/", "/u/pd/logout", "/")
OFFICE = ("legitka_office", "/office/u/pd/students", "/office/logout", "/office")


def _signed_in(site: Site, where: tuple[str, ...], login: str) -> tuple[httpx.Client, str]:
    """A browser of ``login`` and its session token."""
    client = site.student("pd", login) if where is PORTAL else site.staff(login)
    return client, client.cookies[where[0]]


@pytest.mark.parametrize("planted_last", [True, False], ids=["planted-last", "planted-first"])
@pytest.mark.parametrize(
    ("where", "victim", "attacker"),
    [(PORTAL, "anna.nowak", "olena.kovalenko"), (OFFICE, "dziekanat.pd", "admin.pd")],
    ids=["portal", "office"],
)
def test_sign_out_ends_every_session_the_browser_sent(
    site: Site, where: tuple[str, ...], victim: str, attacker: str, planted_last: bool
) -> None:
    cookie, home, logout, path = where
    real_browser, real = _signed_in(site, where, victim)
    planted_browser, planted = _signed_in(site, where, attacker)  # a live session of another
    values = [real, planted] if planted_last else [planted, real]
    both = {"Cookie": "; ".join(f"{cookie}={value}" for value in values)}
    with site.browser() as browser:
        page = browser.get(home, headers=both)
        assert page.status_code == 200
        out = browser.post(logout, data={"csrf_token": form_csrf(page.text)}, headers=both)
    assert out.status_code == 303, out.text
    deleted = [h for h in out.headers.get_list("set-cookie") if h.startswith(f"{cookie}=")]
    assert deleted and all("max-age=0" in h.lower() for h in deleted), deleted
    assert any(f"path={path};" in f"{h.lower()};" for h in deleted), deleted
    for browser in (real_browser, planted_browser):  # neither session lives on the server
        again = browser.get(home)
        assert again.status_code == 303 and "/login" in again.headers["location"]
        browser.close()
