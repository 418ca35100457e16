"""``legitka orders`` and ``legitka worker``: order, follow and cancel from the command line,
and a running ``legitka serve`` whose own worker prepares an order placed elsewhere."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import httpx
import pytest
from typer.testing import CliRunner

from legitka.cli import app
from tests.live import free_port

runner = CliRunner()


@pytest.fixture
def demo_dir(tmp_path: Path) -> Path:
    folder = tmp_path / "demo"
    result = runner.invoke(app, ["demo", "create", "--data-dir", str(folder)])
    assert result.exit_code == 0, result.output
    return folder


def invoke(demo_dir: Path, *args: str, env: dict[str, str] | None = None) -> Any:
    result = runner.invoke(app, [*args, "--data-dir", str(demo_dir), "--demo"], env=env)
    return result


def test_create_show_and_cancel(demo_dir: Path) -> None:
    created = invoke(demo_dir, "orders", "create", "-u", "pd", "-a", "100001", "--json")
    assert created.exit_code == 0, created.output
    order = json.loads(created.output)
    assert order["status"] == "ready"
    offer = order["offer"]
    assert set(offer) >= {"credential_offer_uri", "qr_uri", "activation_code", "expires_at"}
    assert offer["qr_uri"].startswith("openid-credential-offer://")

    again = json.loads(invoke(demo_dir, "orders", "create", "-u", "pd", "-a", "100001",
                              "--json").output)  # fmt: skip
    assert again["id"] == order["id"]  # a double submit makes one order

    shown = invoke(demo_dir, "orders", "show", str(order["id"]))
    assert shown.exit_code == 0 and offer["activation_code"] in shown.output

    cancelled = json.loads(invoke(demo_dir, "orders", "cancel", str(order["id"]), "--json").output)
    assert cancelled["status"] == "cancelled" and cancelled["offer"] is None
    listed = json.loads(invoke(demo_dir, "orders", "list", "-u", "pd", "-a", "100001",
                               "--json").output)  # fmt: skip
    assert [o["status"] for o in listed] == ["cancelled"]


def test_errors_are_one_coded_line(demo_dir: Path) -> None:
    refused = invoke(demo_dir, "orders", "create", "-u", "pd", "-a", "100003")
    assert refused.exit_code == 2
    assert "error[not_eligible]" in refused.output and "no_approved_photo" in refused.output
    assert "Traceback" not in refused.output
    missing = invoke(demo_dir, "orders", "show", "999")
    assert missing.exit_code == 2 and "error[unknown_order]" in missing.output
    closed = invoke(demo_dir, "orders", "cancel", "999")
    assert "error[unknown_order]" in closed.output


def test_without_the_in_process_worker_the_order_waits(demo_dir: Path) -> None:
    env = {"LEGITKA_WORKER": "false"}
    order = json.loads(invoke(demo_dir, "orders", "create", "-u", "uw", "-a", "200001", "--json",
                              env=env).output)  # fmt: skip
    assert order["status"] == "pending" and order["offer"] is None
    done = invoke(demo_dir, "worker", "--once")
    assert done.exit_code == 0 and "orders processed: 1" in done.output
    shown = json.loads(invoke(demo_dir, "orders", "show", str(order["id"]), "--json").output)
    assert shown["status"] == "ready"


def test_a_running_server_processes_orders_in_the_background(demo_dir: Path) -> None:
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("LEGITKA_")}
    server = subprocess.Popen(
        [sys.executable, "-m", "legitka", "serve", "--demo", "--data-dir", str(demo_dir),
         "--port", str(port)],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )  # fmt: skip
    try:
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                if httpx.get(f"{base}/healthz", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(0.2)
        env_cli = {"LEGITKA_WORKER": "false", "LEGITKA_PORT": str(port)}
        order = json.loads(invoke(demo_dir, "orders", "create", "-u", "pd", "-a", "100001",
                                  "--json", env=env_cli).output)  # fmt: skip
        view = order
        while view["status"] != "ready" and time.monotonic() < deadline:
            time.sleep(0.2)
            view = json.loads(invoke(demo_dir, "orders", "show", str(order["id"]), "--json",
                                     env=env_cli).output)  # fmt: skip
        assert view["status"] == "ready"
        document = httpx.get(view["offer"]["credential_offer_uri"], timeout=5).json()
        assert document["credential_issuer"] == f"{base}/u/pd"
        status_list = httpx.get(f"{base}/.well-known/openid-credential-issuer/u/pd", timeout=5)
        assert status_list.json()["credential_endpoint"] == f"{base}/u/pd/credential"
    finally:
        server.terminate()
        output, _ = server.communicate(timeout=30)
    assert "Traceback" not in output


def test_qr_code_images(demo_dir: Path, tmp_path: Path) -> None:
    import zxingcpp
    from PIL import Image

    order = json.loads(invoke(demo_dir, "orders", "create", "-u", "pd", "-a", "100001",
                              "--json").output)  # fmt: skip
    png = tmp_path / "offer.png"
    written = invoke(demo_dir, "orders", "qr", str(order["id"]), "--out", str(png))
    assert written.exit_code == 0, written.output
    decoded = zxingcpp.read_barcodes(Image.open(png))
    assert decoded[0].text == order["offer"]["qr_uri"]
    drawn = invoke(demo_dir, "orders", "qr", str(order["id"]))
    assert order["offer"]["activation_code"] in drawn.output
    wrong = invoke(demo_dir, "orders", "qr", str(order["id"]), "--out", str(tmp_path / "x.gif"))
    assert wrong.exit_code == 2 and "error[unknown_image_format]" in wrong.output
