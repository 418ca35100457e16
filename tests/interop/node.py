"""Running the independent npm implementations from Python tests.

A test hands a JSON payload to a script in this folder and gets its JSON answer back::

    from tests.interop.node import run_node

    answer = run_node("status_list", {"op": "decode", "lists": [...]})

``run_node("x", payload)`` runs ``node tests/interop/x.mjs`` with ``payload`` on stdin and returns
the JSON object the script prints on stdout; a non-zero exit raises :class:`NodeScriptError` with
the script's stderr. Scripts use ``stdio.mjs`` to read the payload and dispatch on its ``op``.

The npm packages are pinned in ``package.json`` and ``package-lock.json`` and installed into
``node_modules`` by ``npm ci``: ``make test`` does it, and so does the ``interop`` session fixture
in ``conftest.py`` when ``node_modules`` is missing or older than ``package-lock.json``.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

INTEROP_DIR = Path(__file__).resolve().parent
LOCKFILE = INTEROP_DIR / "package-lock.json"
NODE_MODULES = INTEROP_DIR / "node_modules"
STAMP = NODE_MODULES / ".installed"  # the Makefile writes the same stamp
MIN_NODE_MAJOR = 20
NPM_CI = ("npm", "ci", "--no-audit", "--no-fund")


class NodeScriptError(RuntimeError):
    """A Node.js script (or ``npm ci``) failed; the message carries its stderr."""


def node_problem() -> str | None:
    """Why the npm implementations cannot run here, or None when Node.js and npm are usable."""
    for tool in ("node", "npm"):
        if shutil.which(tool) is None:
            return f"{tool} is not installed (Node.js {MIN_NODE_MAJOR} or newer with npm is needed)"
    try:
        version = subprocess.run(
            ["node", "--version"], capture_output=True, text=True, check=True, timeout=30
        ).stdout.strip()
    except (OSError, subprocess.SubprocessError) as exc:
        return f"node --version failed: {exc}"
    match = re.fullmatch(r"v(\d+)\..*", version)
    if match is None or int(match.group(1)) < MIN_NODE_MAJOR:
        return f"node {version} is too old; Node.js {MIN_NODE_MAJOR} or newer is needed"
    return None


def install_needed() -> bool:
    """True when ``node_modules`` is missing or older than ``package-lock.json``."""
    return not STAMP.exists() or STAMP.stat().st_mtime < LOCKFILE.stat().st_mtime


def npm_ci() -> None:
    """Install the pinned npm packages exactly as ``package-lock.json`` says."""
    result = subprocess.run(
        NPM_CI, cwd=INTEROP_DIR, capture_output=True, text=True, timeout=600, check=False
    )
    if result.returncode != 0:
        raise NodeScriptError(
            f"{' '.join(NPM_CI)} failed (exit {result.returncode}):\n"
            f"{result.stdout[-2000:]}\n{result.stderr[-4000:]}"
        )
    STAMP.touch()


def run_node(script: str, payload: dict[str, Any], *, timeout: float = 300) -> dict[str, Any]:
    """Run ``tests/interop/<script>.mjs`` with ``payload`` as JSON on stdin; return its JSON."""
    path = INTEROP_DIR / f"{script}.mjs"
    if not path.is_file():
        raise FileNotFoundError(path)
    env = {**os.environ, "NODE_NO_WARNINGS": "1"}
    result = subprocess.run(
        ["node", str(path)],
        input=json.dumps(payload),
        capture_output=True,
        text=True,
        cwd=INTEROP_DIR,
        env=env,
        timeout=timeout,
        check=False,
    )
    if result.returncode != 0:
        raise NodeScriptError(
            f"node {path.name} exited with {result.returncode}:\n{result.stderr.strip()}"
        )
    try:
        answer = json.loads(result.stdout)
    except ValueError:
        raise NodeScriptError(
            f"node {path.name} did not print JSON:\n{result.stdout[:2000]}\n{result.stderr}"
        ) from None
    if not isinstance(answer, dict):
        raise NodeScriptError(f"node {path.name} printed {type(answer).__name__}, not an object")
    return answer
