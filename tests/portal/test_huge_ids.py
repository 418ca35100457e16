"""A number beyond the database's INTEGER range in a path of the portal or the mobile API is
invalid input (422, the field named), signed in, on SQLite and PostgreSQL: never a 500."""

from __future__ import annotations

from legitka.web import create_app
from tests.portal.conftest import Portal
from tests.web.test_params import HUGE, assert_refused, huge_id_requests


def test_a_huge_id_in_a_portal_path_is_invalid_input(portal: Portal) -> None:
    app = create_app(portal.runtime)
    requests = huge_id_requests(app, "/u/{slug}/student/", "pd")
    assert requests
    browser = portal.sign_in("pd", "anna.nowak")
    for method, path in requests:
        assert_refused(browser.request(method, path))
    assert browser.get(f"/u/pd/student/photo/{2**31 - 1}").status_code == 404
    browser.close()


def test_a_huge_id_in_a_mobile_api_path_is_invalid_input(portal: Portal) -> None:
    app = create_app(portal.runtime)
    requests = huge_id_requests(app, "/u/{slug}/api/", "pd")
    assert requests
    api = portal.api("pd", "anna.nowak")
    for method, path in requests:
        answer = api.request(method, path.removeprefix("/u/pd/api/v1"))
        assert_refused(answer)
        assert answer.status_code == 422
        assert answer.headers["content-type"].startswith("application/problem+json")
        assert answer.json()["field"] == "photo_id"
    assert api.get(f"/photo/{2**31 - 1}").status_code == 404
    assert api.get(f"/photo/{HUGE}").json()["errors"][0]["in"] == "path"
    api.close()
