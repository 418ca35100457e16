"""Who may call what: every route of the application, for every kind of caller.

The actors: anonymous; students Anna and Piotr of ``pd``, Maria of ``uw`` (browser sessions and
the mobile app's bearer tokens); the dean's offices of ``pd`` and ``uw``. Each route is called by
each wrong actor with the *other* actor's objects in its path (Anna's photo with Piotr's session,
a ``uw`` student's study with ``pd``'s office), with the caller's own CSRF token so that only
authorization can refuse it. A wrong actor gets a sign-in redirect, 401, 403 or 404, never a 500
and never the other student's album number or PESEL; the right actor gets the page.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

import httpx
import pytest

from legitka.web import create_app
from tests.security.conftest import MISSING, Site, Victim
from tests.security.routes import KINDS, Kind, route_table

GUESS = "A" * 43  # a capability nobody was given


@dataclass(frozen=True)
class Call:
    actor: str
    method: str
    path: str
    expect: str  # "ok", "sign_in", "denied", "signed_in" or "answered"
    hidden: tuple[str, ...] = ()  # texts the answer must not contain


def fill(template: str, slug: str, victim: Victim) -> str:
    values = {
        "slug": slug, "study_id": victim.study_id, "photo_id": victim.photo_id,
        "mobile_id": victim.mobile_id, "payment_id": victim.payment_id,
        "charge_id": victim.charge_id, "job_id": MISSING, "action": "cancel", "number": 1,
        "reference": GUESS, "ref": GUESS, "request_id": GUESS, "code": "123456",
    }  # fmt: skip
    return re.sub(r"\{(\w+)\}", lambda m: str(values[m.group(1)]), template)


@pytest.fixture(scope="module")
def people(site: Site) -> dict[str, Victim]:
    return {
        "anna": site.victim("pd", "anna.nowak"),
        "piotr": site.victim("pd", "piotr.kowalski"),
        "maria": site.victim("uw", "maria.zajac"),
    }


@pytest.fixture(scope="module")
def clients(site: Site) -> Iterator[dict[str, httpx.Client]]:
    made = {
        "anonymous": site.browser(),
        "anna": site.student("pd", "anna.nowak"),
        "piotr": site.student("pd", "piotr.kowalski"),
        "maria": site.student("uw", "maria.zajac"),
        "anna_app": site.api("pd", "anna.nowak"),
        "piotr_app": site.api("pd", "piotr.kowalski"),
        "maria_app": site.api("uw", "maria.zajac"),
        "office_pd": site.staff("dziekanat.pd"),
        "office_uw": site.staff("dziekanat.uw"),
    }
    yield made
    for client in made.values():
        client.close()


def calls(kind: Kind, method: str, template: str, people: dict[str, Victim]) -> list[Call]:
    """The requests that show ``kind``'s rule on one route."""
    anna, piotr, maria = people["anna"], people["piotr"], people["maria"]
    everyone = (*anna.markers, *piotr.markers, *maria.markers)
    pd = fill(template, "pd", anna)
    own_ids = "photo_id" in template
    if kind in (Kind.PUBLIC, Kind.SIGN_IN, Kind.PROTOCOL, Kind.CAPABILITY, Kind.PUBLIC_FORM):
        return [
            Call(actor, method, pd, "answered", everyone)
            for actor in ("anonymous", "maria", "office_uw", "anna_app")
        ]
    if kind == Kind.VERIFIER_API:
        return [
            Call(actor, method, pd, "denied", everyone)
            for actor in ("anonymous", "anna", "anna_app", "office_pd")
        ]
    if kind == Kind.STUDENT_PAGE:
        result = [
            Call("anonymous", method, pd, "sign_in", everyone),
            Call("office_pd", method, pd, "sign_in", everyone),
            Call("anna_app", method, pd, "sign_in", everyone),  # a bearer token is no cookie
            Call("maria", method, pd, "sign_in", everyone),  # another university's session
        ]
        if own_ids:  # Piotr's session with Anna's photo
            result.append(Call("piotr", method, pd, "denied", anna.markers))
        if method == "GET":
            result.append(Call("anna", method, pd, "ok"))
        return result
    if kind == Kind.STUDENT_API:
        result = [
            Call("anonymous", method, pd, "denied", everyone),
            Call("anna", method, pd, "denied", everyone),  # a cookie is no bearer token
            Call("office_pd", method, pd, "denied", everyone),
            Call("maria_app", method, pd, "denied", everyone),
        ]
        if own_ids:
            result.append(Call("piotr_app", method, pd, "denied", anna.markers))
        if method == "GET":
            result.append(Call("anna_app", method, pd, "ok"))
        return result
    if kind == Kind.OFFICE_ANY:
        result = [
            Call("anonymous", method, pd, "sign_in", everyone),
            Call("anna", method, pd, "sign_in", everyone),
        ]
        if method == "GET":  # a page of every role, or refused to the office's (403)
            result.append(Call("office_pd", method, pd, "signed_in"))
        return result
    assert kind == Kind.OFFICE
    crossed = fill(template, "pd", maria)  # a uw student under pd's address
    result = [
        Call("anonymous", method, pd, "sign_in", everyone),
        Call("anna", method, pd, "sign_in", everyone),
        Call("anna_app", method, pd, "sign_in", everyone),
        Call("office_uw", method, pd, "denied", (*anna.markers, *piotr.markers)),
    ]
    if crossed != pd:  # the route names a student's objects
        result.append(Call("office_pd", method, crossed, "denied", maria.markers))
        result.append(Call("office_uw", method, fill(template, "uw", anna), "denied", anna.markers))
    if method == "GET" and str(MISSING) not in pd:
        result.append(Call("office_pd", method, pd, "ok"))
    return result


def test_every_route_is_classified(site: Site) -> None:
    table = set(route_table(create_app(site.runtime)))
    assert table - set(KINDS) == set(), "routes without a kind: add them to tests/security/routes"
    assert set(KINDS) - table == set(), "classified routes the application no longer has"


def outcome(call: Call, answer: httpx.Response) -> str | None:
    """What is wrong with ``answer`` to ``call``, or ``None``."""
    status = answer.status_code
    if status >= 500:
        return f"server error {status}"
    location = answer.headers.get("location", "")
    to_sign_in = status == 303 and re.match(r"^/(u/\w+|office)/login(\?|$)", location) is not None
    signed_out = to_sign_in or status == 401
    if call.expect == "sign_in" and not signed_out:
        return f"expected a sign-in, got {status} {location}"
    if call.expect == "denied" and not (signed_out or status in (403, 404)):
        return f"expected a refusal, got {status} {location}"
    if call.expect == "signed_in" and signed_out:
        return f"expected to stay signed in, got {status} {location}"
    if call.expect == "ok" and (signed_out or status not in (200, 303)):
        return f"expected the page, got {status} {location}"
    for hidden in call.hidden:
        if hidden in answer.text:
            return f"leaks {hidden!r}"
    return None


def test_the_matrix(
    site: Site, clients: dict[str, httpx.Client], people: dict[str, Victim]
) -> None:
    assert people["anna"].photo_id != MISSING and people["maria"].photo_id != MISSING
    failures: list[str] = []
    count = 0
    for (method, template), kind in sorted(KINDS.items(), key=lambda item: item[0][1]):
        if template == "/static":
            template = "/static/legitka.css"
        for call in calls(kind, method, template, people):
            client = clients[call.actor]
            if method == "GET":
                answer = client.get(call.path)
            else:
                answer = client.request(method, call.path, data={"note": "x"})
            count += 1
            problem = outcome(call, answer)
            if problem:
                failures.append(f"{call.actor} {method} {call.path}: {problem}")
    assert not failures, "\n".join(failures)
    assert count > 300


def test_office_uw_sees_its_own_student_but_not_pd_s(
    clients: dict[str, httpx.Client], people: dict[str, Victim]
) -> None:
    maria, anna = people["maria"], people["anna"]
    own = clients["office_uw"].get(f"/office/u/uw/students/{maria.study_id}")
    assert own.status_code == 200 and maria.album in own.text
    other = clients["office_uw"].get(f"/office/u/uw/students/{anna.study_id}")
    assert other.status_code == 404 and anna.album not in other.text
