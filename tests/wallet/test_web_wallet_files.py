"""How the web wallet's files are served: the app shell, its manifest, service worker, config."""

from __future__ import annotations

import json
import re
from pathlib import Path

from legitka.wallet.web import STATIC
from tests.issuer.conftest import Issuer, shared_issuer

__all__ = ["shared_issuer"]  # the module-wide server of the issuer tests


def test_the_shell_is_served_with_a_strict_content_security_policy(shared_issuer: Issuer) -> None:
    response = shared_issuer.http.get(f"{shared_issuer.base}/wallet/")
    assert response.status_code == 200
    assert '<script type="module" src="/wallet/app/main.js">' in response.text
    policy = response.headers["content-security-policy"]
    assert "script-src 'self'" in policy and "frame-ancestors 'none'" in policy
    assert "unsafe-inline" not in policy
    assert response.headers["cache-control"] == "no-cache"
    assert response.headers["referrer-policy"] == "no-referrer"


def test_an_offer_link_without_the_slash_keeps_its_offer(shared_issuer: Issuer) -> None:
    response = shared_issuer.http.get(
        f"{shared_issuer.base}/wallet?credential_offer_uri=x", follow_redirects=False
    )
    assert response.status_code == 308
    assert response.headers["location"] == "/wallet/?credential_offer_uri=x"


def test_manifest_and_config(shared_issuer: Issuer) -> None:
    manifest = shared_issuer.http.get(f"{shared_issuer.base}/wallet/manifest.webmanifest")
    assert manifest.headers["content-type"] == "application/manifest+json"
    assert manifest.json()["start_url"] == "/wallet/"
    config = shared_issuer.http.get(f"{shared_issuer.base}/wallet/config.json").json()
    assert config == {
        "base_url": shared_issuer.base,
        "trust_list": f"{shared_issuer.base}/trust/list.json",
        "verifier_codes": f"{shared_issuer.base}/verifier/codes/",
        "vct": f"{shared_issuer.base}/credentials/student-id/1",
    }


def test_the_service_worker_keeps_every_file_the_app_loads(shared_issuer: Issuer) -> None:
    """A module missing from the cache list would break the wallet offline."""
    worker = shared_issuer.http.get(f"{shared_issuer.base}/wallet/sw.js").text
    cached = set(re.findall(r'"(/wallet/[^"]*)"', worker))
    files = {f"/wallet/{p.relative_to(STATIC)}" for p in STATIC.rglob("*.js") if p.name != "sw.js"}
    files |= {f"/wallet/{p.relative_to(STATIC)}" for p in STATIC.rglob("*.mjs")}
    assert files <= cached, files - cached
    for path in cached:
        assert shared_issuer.http.get(f"{shared_issuer.base}{path}").status_code == 200, path


def test_every_vendored_library_has_its_licence_beside_it() -> None:
    vendor = STATIC / "vendor"
    for library in [*vendor.glob("*.js"), *vendor.glob("*.mjs")]:
        stem = library.name.removesuffix(".js").removesuffix(".mjs")
        assert re.search(r"-\d+\.\d+\.\d+$", stem), f"{library.name} has no version in its name"
        assert list(vendor.glob(f"{stem}.LICENSE*")), f"{library.name} has no licence beside it"


def test_both_languages_have_every_text() -> None:
    source = Path(STATIC / "app" / "i18n.js").read_text()
    table = source.split("const STRINGS = {", 1)[1].split("\n};\n", 1)[0]
    blocks = re.split(r"\n  (pl|en): \{\n", table)
    keys = {blocks[i]: set(re.findall(r"^    (\w+):", blocks[i + 1], re.M)) for i in (1, 3)}
    assert keys["pl"] == keys["en"]
    used = set()
    for script in (STATIC / "app").glob("*.js"):
        used |= set(re.findall(r'\bt\("(\w+)"', script.read_text()))
    used |= set(re.findall(r'data-i18n="(\w+)"', (STATIC / "index.html").read_text()))
    assert used <= keys["en"], used - keys["en"]
    assert json.dumps(sorted(keys["en"]))  # the keys are plain names
