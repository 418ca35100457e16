"""Who may open which console page: every route, every role, and the university scope.

Staff of one university get 404 for another university's address and for its students under
their own university's address (never 403: they do not learn the student exists); a system
administrator may open everything; without a session every page goes to the sign-in page.
"""

from __future__ import annotations

from urllib.parse import quote

import httpx
import pytest
from sqlalchemy import select

from legitka.registry.models import Photo, Study
from tests.office.conftest import Office


def _photo_of(office: Office, study_id: int) -> int:
    with office.runtime.sessions() as session:
        study = session.get(Study, study_id)
        assert study is not None
        photo_id = session.scalar(select(Photo.id).where(Photo.person_id == study.person_id))
    assert photo_id is not None
    return int(photo_id)


def routes(office: Office, slug: str, album: str) -> list[str]:
    """Every GET route of a university's console, with one of its students."""
    study = office.study_id(slug, album)
    photo = _photo_of(office, study)
    return [
        f"/office/u/{slug}/",
        f"/office/u/{slug}/students",
        f"/office/u/{slug}/students/{study}",
        f"/office/u/{slug}/students/{study}/photos/{photo}",
        f"/office/u/{slug}/audit",
        f"/office/u/{slug}/audit?student={study}",
        f"/office/u/{slug}/audit.csv",
        f"/office/u/{slug}/reports",
    ]


def crossed(office: Office, slug: str, other: str, other_album: str) -> list[str]:
    """Another university's student under ``slug``'s address."""
    study = office.study_id(other, other_album)
    photo = _photo_of(office, study)
    return [
        f"/office/u/{slug}/students/{study}",
        f"/office/u/{slug}/students/{study}/photos/{photo}",
        f"/office/u/{slug}/audit?student={study}",
        f"/office/u/{slug}/audit.csv?student={study}",
    ]


def search(client: httpx.Client, office: Office, slug: str, csrf_from: str) -> httpx.Response:
    token = office.csrf(client, csrf_from)
    return client.post(f"/office/u/{slug}/students", data={"q": "a", "csrf_token": token})


def assert_ok(client: httpx.Client, paths: list[str]) -> None:
    for path in paths:
        response = client.get(path)
        assert response.status_code in (200, 303), (path, response.status_code)
        if response.status_code == 303:
            assert not response.headers["location"].startswith("/office/login"), path


def assert_not_found(client: httpx.Client, paths: list[str]) -> None:
    for path in paths:
        response = client.get(path)
        assert response.status_code == 404, (path, response.status_code)


def test_anonymous_goes_to_sign_in_everywhere(office: Office) -> None:
    client = office.browser()
    paths = [
        "/office/",
        "/office/reports",
        *routes(office, "pd", "100001"),
        *routes(office, "uw", "200001"),
    ]
    for path in paths:
        response = client.get(path)
        assert response.status_code == 303, path
        assert response.headers["location"] == f"/office/login?next={quote(path, safe='')}"
    response = client.post("/office/u/pd/students", data={"q": "nowak"})
    assert response.status_code == 303
    assert response.headers["location"].startswith("/office/login?next=")
    assert client.post("/office/logout").status_code == 303


@pytest.mark.parametrize(
    ("login", "own", "album", "other", "other_album"),
    [
        ("dziekanat.pd", "pd", "100001", "uw", "200001"),
        ("admin.pd", "pd", "100001", "uw", "200001"),
        ("dziekanat.uw", "uw", "200001", "pd", "100001"),
    ],
)
def test_university_staff_see_only_their_university(
    office: Office, login: str, own: str, album: str, other: str, other_album: str
) -> None:
    client = office.sign_in(login)
    assert_ok(client, routes(office, own, album))
    assert search(client, office, own, f"/office/u/{own}/students").status_code == 200
    # another university: its address, and its students under the own address
    assert_not_found(client, routes(office, other, other_album))
    assert_not_found(client, crossed(office, own, other, other_album))
    assert search(client, office, other, f"/office/u/{own}/students").status_code == 404
    assert_not_found(client, ["/office/u/nowhere/students", f"/office/u/{own}/students/999999"])
    # the every-university report is the system administrator's
    assert client.get("/office/reports").status_code == 403


def test_system_admin_sees_every_university(office: Office) -> None:
    client = office.sign_in("admin")
    assert_ok(client, ["/office/", "/office/reports"])
    assert_ok(client, routes(office, "pd", "100001"))
    assert_ok(client, routes(office, "uw", "200001"))
    assert search(client, office, "uw", "/office/u/pd/students").status_code == 200
    # but a student is still shown only under their own university's address
    assert_not_found(client, crossed(office, "pd", "uw", "200001"))
    assert_not_found(client, ["/office/u/nowhere/students"])


def test_a_page_out_of_scope_changes_nothing_and_leaks_nothing(office: Office) -> None:
    client = office.sign_in("dziekanat.pd")
    study = office.study_id("uw", "200001")
    response = client.get(f"/office/u/pd/students/{study}")
    unknown = client.get("/office/u/pd/students/999999")
    assert response.status_code == unknown.status_code == 404
    assert response.text.replace(str(study), "") == unknown.text.replace("999999", "")
