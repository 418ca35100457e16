"""A number beyond the database's INTEGER range in any of the console's paths is invalid input
(422, the field named), with staff signed in, on SQLite and PostgreSQL: never a 500."""

from __future__ import annotations

from legitka.web import create_app
from tests.office.conftest import Office
from tests.web.test_params import HUGE, assert_refused, huge_id_requests


def test_a_huge_id_in_a_console_path_is_invalid_input(office: Office) -> None:
    requests = huge_id_requests(create_app(office.runtime), "/office/", "pd")
    assert len(requests) >= 15
    client = office.sign_in("dziekanat.pd")
    for method, path in requests:
        answer = client.request(method, path)
        assert_refused(answer)
    page = client.get(f"/office/u/pd/students/{HUGE}")
    assert page.status_code == 422
    assert page.headers["content-type"].startswith("text/html")
    assert "study_id" in page.text and "invalid_request" in page.text
    assert client.get(f"/office/u/pd/students/{2**31 - 1}").status_code == 404
    client.close()
