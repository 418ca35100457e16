"""Interoperability tests against independent npm implementations (the ``interop`` group).

Every test in this folder is marked ``interop`` and gets the session fixture ``node_modules``
automatically: it checks that Node.js 20+ and npm are there and runs ``npm ci`` when
``node_modules`` is missing or older than ``package-lock.json``. Without Node.js the whole group
is skipped and the summary says ``SKIPPED GROUP interop``; with ``LEGITKA_TEST_REQUIRE=interop``
(set by CI) it fails instead.

To add a test: write ``tests/interop/<name>.mjs`` (see ``stdio.mjs``) and call it with
``tests.interop.node.run_node("<name>", payload)``.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import skip_group
from tests.interop.node import (
    INTEROP_DIR,
    NODE_MODULES,
    NodeScriptError,
    install_needed,
    node_problem,
    npm_ci,
)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if INTEROP_DIR in Path(item.path).resolve().parents:
            item.add_marker(pytest.mark.interop)


@pytest.fixture(scope="session", autouse=True)
def node_modules() -> Path:
    """The installed npm packages; skips (or, when required, fails) the group without Node.js."""
    problem = node_problem()
    if problem is not None:
        skip_group("interop", problem)
    if install_needed():
        try:
            npm_ci()
        except NodeScriptError as exc:
            skip_group("interop", str(exc))
    return NODE_MODULES
