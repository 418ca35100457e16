"""``legitka serve``: a real server process on a free port, and its settings."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
from typer.testing import CliRunner

from legitka import __version__
from legitka.cli import app
from legitka.config import DEMO_DATA_DIR, load_settings
from tests.conftest import empty_postgres

runner = CliRunner()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def test_serve_answers_healthz(tmp_path):
    port = free_port()
    database = tmp_path / "served.sqlite3"
    env = {k: v for k, v in os.environ.items() if not k.startswith("LEGITKA_")}
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "legitka",
            "serve",
            "--port",
            str(port),
            "--database-url",
            f"sqlite:///{database}",
        ],
        cwd=tmp_path,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        deadline = time.monotonic() + 60
        response = None
        while time.monotonic() < deadline and process.poll() is None:
            try:
                response = httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=2)
                break
            except httpx.TransportError:
                time.sleep(0.2)
        assert response is not None, f"the server never answered: {process.poll()}"
        assert response.status_code == 200
        assert response.json() == {"status": "ok", "database": "ok", "version": __version__}
        page = httpx.get(f"http://127.0.0.1:{port}/", timeout=5)
        assert page.status_code == 200
        assert database.is_file()  # migrated before serving
    finally:
        process.terminate()
        output, _ = process.communicate(timeout=30)
    assert f"serving http://127.0.0.1:{port}" in output
    assert "Traceback" not in output


def test_demo_data_dir_defaults_to_data_demo(monkeypatch):
    monkeypatch.delenv("LEGITKA_DATA_DIR", raising=False)
    assert load_settings(demo=True).data_dir == DEMO_DATA_DIR
    assert load_settings().data_dir == Path("data")


def test_demo_keeps_a_chosen_data_dir(monkeypatch, tmp_path):
    assert load_settings(demo=True, data_dir=tmp_path).data_dir == tmp_path
    monkeypatch.setenv("LEGITKA_DATA_DIR", str(tmp_path / "env"))
    assert load_settings(demo=True).data_dir == tmp_path / "env"


def test_bad_setting_is_a_coded_error(tmp_path):
    result = runner.invoke(app, ["serve", "--config", str(tmp_path / "missing.toml")])
    assert result.exit_code == 2
    assert result.stderr.startswith("error[config_not_found] config: ")


def test_bad_log_level_is_a_coded_error(monkeypatch, tmp_path):
    monkeypatch.setenv("LEGITKA_LOG_LEVEL", "loud")
    result = runner.invoke(app, ["serve", "--database-url", f"sqlite:///{tmp_path / 'x.sqlite3'}"])
    assert result.exit_code == 2
    assert result.stderr.startswith("error[invalid_setting] log_level: ")


def children_of(pid: int) -> list[int]:
    """The processes whose parent is ``pid`` (from /proc)."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                found.append(int(entry.name))
    return found


def alive(pid: int) -> bool:
    """Whether process ``pid`` still runs (a zombie waiting for its parent does not)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] != "Z"


@pytest.mark.postgresql
def test_serve_with_two_app_processes_on_postgresql(tmp_path, postgres_database):
    empty_postgres(postgres_database)
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("LEGITKA_")}
    env["LEGITKA_WORKER"] = "false"
    process = subprocess.Popen(
        [sys.executable, "-m", "legitka", "serve", "--port", str(port), "--workers", "2",
         "--database-url", postgres_database, "--data-dir", str(tmp_path / "data")],
        cwd=tmp_path, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 60
        answers = 0
        while time.monotonic() < deadline and process.poll() is None and answers < 20:
            try:
                response = httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=2)
                assert response.status_code == 200
                answers += 1
            except httpx.TransportError:
                time.sleep(0.2)
        assert answers == 20, f"the server never answered: {process.poll()}"
        app_processes = [
            pid for pid in children_of(process.pid)
            if "legitka" in Path(f"/proc/{pid}/cmdline").read_text(errors="replace")
            or "multiprocessing" in Path(f"/proc/{pid}/cmdline").read_text(errors="replace")
        ]  # fmt: skip
        assert len(app_processes) >= 2
    finally:
        process.terminate()
        output, _ = process.communicate(timeout=30)
    assert "2 app processes" in output
    assert "Traceback" not in output
    deadline = time.monotonic() + 30  # the app processes end after the parent has answered
    while time.monotonic() < deadline and any(alive(pid) for pid in app_processes):
        time.sleep(0.1)
    assert not any(alive(pid) for pid in app_processes)


def test_workers_is_a_checked_setting(tmp_path):
    result = runner.invoke(app, ["serve", "--workers", "0", "--data-dir", str(tmp_path)])
    assert result.exit_code == 2
    assert "--workers" in result.output
