"""Browser tests: Debian's headless Chromium, driven by Playwright, against a served demo.

Every test in this folder is marked ``browser``. One Chromium (``/usr/bin/chromium``, Debian's
package ``chromium``; Playwright never downloads a browser here) runs for the whole session; each
test gets its own server on loopback with the demo on a fresh SQLite file (``demo``), and a fresh
browser context sized like a phone (``page``; parametrize ``browser_locale`` for Polish or
English, ``new_page`` opens more contexts, e.g. a second student). Without Chromium or Playwright
the group is skipped and the summary says ``SKIPPED GROUP browser``; with
``LEGITKA_TEST_REQUIRE=browser`` (set by CI) it fails instead. ``make test`` installs Chromium
where it can (``tests/browser/install-chromium.sh``).

``pg_demo`` and ``pg_new_page`` are ``demo`` and ``new_page`` on PostgreSQL; a test that takes
``pg_demo`` is marked ``postgresql`` as well, so that it belongs to both groups.

Background work (the worker preparing an order) is done by the test with ``demo.work()`` — the
runtime's worker thread is off — and the test then waits for what the page shows, never sleeps.

Helpers for the tests: ``sign_in``, ``axe_check`` (no serious or critical accessibility
violation, by axe-core) and ``decode_qr`` (a QR code read from a screenshot by zxing-cpp).
"""

from __future__ import annotations

import io
import re
import shutil
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
import zxingcpp
from axe_playwright_python.sync_playwright import Axe
from PIL import Image
from playwright.sync_api import Browser, Error, Page, Playwright, ViewportSize, sync_playwright

from legitka.clock import FixedClock
from legitka.demo import ensure_demo
from legitka.i18n import translate
from tests.conftest import NOW, empty_postgres, skip_group
from tests.live import issuer_runtime, serving
from tests.portal.conftest import Portal, demo_password

BROWSER_DIR = Path(__file__).resolve().parent
CHROMIUM = Path("/usr/bin/chromium")
# The machine's network is closed: without these Chromium stalls on refused background requests.
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
PHONE = {"width": 390, "height": 844}
TIMEOUT_MS = 15_000
BLOCKING_IMPACTS = ("serious", "critical")

NewPage = Callable[..., Page]


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if BROWSER_DIR in Path(item.path).resolve().parents:
            item.add_marker(pytest.mark.browser)
            if "pg_demo" in getattr(item, "fixturenames", ()):
                item.add_marker(pytest.mark.postgresql)


@pytest.fixture(scope="session")
def playwright() -> Iterator[Playwright]:
    if not CHROMIUM.exists():
        skip_group(
            "browser",
            f"no {CHROMIUM} (Debian's package chromium; make test installs it as root or with "
            "sudo without a password)",
        )
    with sync_playwright() as driver:
        yield driver


@pytest.fixture(scope="session")
def browser(playwright: Playwright) -> Iterator[Browser]:
    """One headless Chromium for the whole session."""
    try:
        chromium = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, timeout=60_000
        )
    except Error as exc:
        skip_group("browser", f"{CHROMIUM} does not start: {exc.message.splitlines()[0]}")
    yield chromium
    chromium.close()


@pytest.fixture(scope="session")
def demo_template(sqlite_template: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A migrated SQLite file with the demo universities and students, made once per session."""
    folder = tmp_path_factory.mktemp("browser-demo")
    path = folder / "demo.sqlite3"
    shutil.copyfile(sqlite_template, path)
    runtime = issuer_runtime(f"sqlite:///{path}", FixedClock(NOW), folder / "data", demo=False)
    ensure_demo(runtime)
    runtime.close()
    return path


@pytest.fixture
def demo(demo_template: Path, clock: FixedClock, tmp_path: Path) -> Iterator[Portal]:
    """The demo, as ``make demo`` serves it, on a free port with its own SQLite file and keys.

    The database is a copy of ``demo_template`` (the demo made at the same fixed time), so only
    the keys are made per test.
    """
    path = tmp_path / "legitka.sqlite3"
    shutil.copyfile(demo_template, path)
    runtime = issuer_runtime(f"sqlite:///{path}", clock, tmp_path / "data")
    runtime.settings.demo = True  # the sign-in page lists the demo accounts
    with serving(runtime) as base:
        yield Portal(runtime, base, clock)
    runtime.close()


@pytest.fixture
def pg_demo(postgres_database: str, clock: FixedClock, tmp_path: Path) -> Iterator[Portal]:
    """The demo served from PostgreSQL, as a deployment runs it: the session's database emptied,
    the demo made in it (at the fixed time) and the application on a free port.

    A test that takes it is marked ``postgresql`` too: without a server it is skipped with that
    group, and fails where CI requires it.
    """
    empty_postgres(postgres_database)
    runtime = issuer_runtime(postgres_database, clock, tmp_path / "data")
    runtime.settings.demo = True
    with serving(runtime) as base:
        yield Portal(runtime, base, clock)
    runtime.close()


@pytest.fixture
def browser_locale() -> str:
    """The browser's language; parametrize it (``["pl", "en"]``) to run a test in both."""
    return "en"


@contextmanager
def page_opener(browser: Browser, base: str, default_locale: str) -> Iterator[NewPage]:
    """Open pages of ``base``, each in a fresh browser context; all closed at the end."""
    contexts = []

    def open_page(locale: str | None = None, viewport: ViewportSize | None = None) -> Page:
        context = browser.new_context(
            base_url=base, locale=locale or default_locale, viewport=viewport or PHONE
        )
        context.set_default_timeout(TIMEOUT_MS)
        contexts.append(context)
        return context.new_page()

    try:
        yield open_page
    finally:
        for context in contexts:
            context.close()


@pytest.fixture
def new_page(browser: Browser, demo: Portal, browser_locale: str) -> Iterator[NewPage]:
    """Opens a page in a fresh browser context (its own cookies): a phone by default."""
    with page_opener(browser, demo.base, browser_locale) as open_page:
        yield open_page


@pytest.fixture
def pg_new_page(browser: Browser, pg_demo: Portal, browser_locale: str) -> Iterator[NewPage]:
    """``new_page`` for the demo served from PostgreSQL (``pg_demo``)."""
    with page_opener(browser, pg_demo.base, browser_locale) as open_page:
        yield open_page


@pytest.fixture
def page(new_page: NewPage) -> Page:
    return new_page()


def text(message: str, locale: str, **params: Any) -> str:
    """A message as the page shows it in ``locale`` (the portal's own catalog)."""
    return translate(message, locale, params or None)


def sign_in(page: Page, slug: str, login: str, password: str | None = None) -> None:
    """Open the university's sign-in page and sign in through the real form."""
    page.goto(f"/u/{slug}/login")
    submit_sign_in(page, login, password)


def submit_sign_in(page: Page, login: str, password: str | None = None) -> None:
    """Fill in and send the sign-in form the page shows; waits until the portal opens."""
    form = page.locator("form[action$='/login']")
    form.locator("input[name=login]").fill(login)
    form.locator("input[name=password]").fill(password or demo_password(login))
    form.locator("button[type=submit]").click()
    page.wait_for_url(re.compile(r"/student/"))


def axe_check(page: Page) -> None:
    """Fail with a readable list when axe-core finds a serious or critical violation."""
    results = Axe().run(page)
    problems = [v for v in results.response["violations"] if v["impact"] in BLOCKING_IMPACTS]
    if not problems:
        return
    lines = [f"{len(problems)} serious or critical accessibility violations on {page.url}:"]
    for violation in problems:
        lines.append(f"- {violation['id']} ({violation['impact']}): {violation['help']}")
        lines.append(f"  {violation['helpUrl']}")
        for node in violation["nodes"]:
            lines.append(f"  * {' '.join(map(str, node['target']))}: {node['html'][:160]}")
            for summary in (node.get("failureSummary") or "").splitlines()[1:]:
                lines.append(f"      {summary.strip()}")
    pytest.fail("\n".join(lines), pytrace=False)


def decode_qr(page: Page, selector: str) -> str:
    """The text of the QR code that ``selector`` shows, read from a screenshot of it."""
    png = page.locator(selector).screenshot(animations="disabled")
    results = zxingcpp.read_barcodes(Image.open(io.BytesIO(png)))
    codes = [r for r in results if r.format == zxingcpp.BarcodeFormat.QRCode]
    assert len(codes) == 1, f"expected one QR code in {selector}, found {len(codes)}"
    decoded: str = codes[0].text
    return decoded
