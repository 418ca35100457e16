"""Integer path parameters stay within the database's INTEGER range.

Every ``int`` path parameter of every route (the route table of ``create_app``, sub-dependencies
included) must have an upper bound no larger than ``INTEGER_MAX``: a larger number reaches the
database driver, which raises (``OverflowError`` on SQLite, ``DataError`` on PostgreSQL) instead
of finding nothing. ``huge_id_requests`` gives, for a path prefix, each such route with a number
far beyond the range in every ``int`` parameter; the office, portal and mobile API tests send
them signed in and expect 422 (or 404), never 500.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import annotated_types
import httpx
from fastapi import FastAPI
from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient

from legitka.web.params import INTEGER_MAX

HUGE = 2**63


def _routes(routes: Any) -> Iterator[APIRoute]:
    for route in routes:
        if hasattr(route, "effective_candidates"):  # an included router
            yield from _routes(route.effective_candidates())
            continue
        original = getattr(route, "original_route", route)
        if isinstance(original, APIRoute):
            yield original


def _path_params(dependant: Dependant) -> Iterator[Any]:
    yield from dependant.path_params
    for sub in dependant.dependencies:
        yield from _path_params(sub)


def int_path_params(app: FastAPI) -> Iterator[tuple[APIRoute, str, int | None]]:
    """``(route, name, upper bound or None)`` for every ``int`` path parameter."""
    for route in _routes(app.routes):
        for param in _path_params(route.dependant):
            if param.field_info.annotation is not int:
                continue
            bounds = [
                m.le for m in param.field_info.metadata if isinstance(m, annotated_types.Le)
            ] + [m.lt - 1 for m in param.field_info.metadata if isinstance(m, annotated_types.Lt)]
            yield route, param.name, min(bounds) if bounds else None


def huge_id_requests(app: FastAPI, prefix: str, slug: str) -> list[tuple[str, str]]:
    """``(method, path)`` of every route under ``prefix`` with an ``int`` path parameter, each
    such parameter ``HUGE`` and ``slug`` the university."""
    found: dict[tuple[str, str], None] = {}
    for route, _name, _bound in int_path_params(app):
        if not route.path.startswith(prefix):
            continue
        ints = {p.name for p in _path_params(route.dependant) if p.field_info.annotation is int}
        values = {name: str(HUGE) for name in ints} | {"slug": slug}
        path = route.path.format_map(_Default(values))
        for method in sorted(route.methods - {"HEAD"}):
            found[(method, path)] = None
    return list(found)


class _Default(dict[str, str]):
    def __missing__(self, key: str) -> str:
        return "x"  # any other path parameter (a card action, a reference)


def assert_refused(answer: httpx.Response) -> None:
    """A number out of range is invalid input (or not found), never a server error."""
    assert answer.status_code in (404, 422), (answer.request.url, answer.status_code, answer.text)
    if answer.status_code == 422:
        assert "invalid_request" in answer.text


def test_every_int_path_parameter_has_an_upper_bound_within_integer(app: FastAPI) -> None:
    found = list(int_path_params(app))
    assert len(found) >= 25  # the office, portal, mobile API and status list numbers
    unbounded = [
        f"{sorted(route.methods)} {route.path}: {name}"
        for route, name, bound in found
        if bound is None or bound > INTEGER_MAX
    ]
    assert not unbounded, "use legitka.web.params.DbId for: " + ", ".join(unbounded)


def test_a_status_list_number_out_of_range_is_invalid_input(client: TestClient) -> None:
    for number in (0, 2**31, HUGE):
        answer = client.get(f"/u/pd/status/{number}", headers={"Accept": "application/json"})
        assert answer.status_code == 422, answer.text
        assert answer.headers["content-type"].startswith("application/problem+json")
        assert answer.json()["field"] == "number"
