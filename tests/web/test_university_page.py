"""A university's public page: its policy's conditions and the card fees, in Polish and English."""

from __future__ import annotations

from legitka.domain.eligibility import Policy
from tests.web.test_pages import add_university


def test_els_linked_university_lists_all_seven_conditions(runtime, client):
    add_university(runtime, "pd", "Politechnika Demo", "Demo University of Technology")

    page = client.get("/u/pd/?lang=en")

    assert page.status_code == 200
    html = page.text
    assert "<h1>Demo University of Technology</h1>" in html
    for condition in (
        "Active student status",
        "A PESEL number in the register",
        "An album number",
        "An approved photo",
        "A plastic student ID card (ELS)",
        "The plastic card renewed for the current semester",
        "Personal data unchanged since the plastic card was issued",
    ):
        assert f"<li>{condition}</li>" in html
    assert "22,00\u00a0zł" in html or "22,00 zł" in html
    assert "33,00" in html


def test_pesel_university_needs_no_plastic_card(runtime, client):
    add_university(runtime, "ua", "Uniwersytet Artystyczny", "University of Arts", Policy.PESEL)

    html = client.get("/u/ua/", headers={"Accept-Language": "pl"}).text

    assert "<h1>Uniwersytet Artystyczny</h1>" in html
    assert "Aktywny status studenta" in html
    assert "legitymacja plastikowa jest opcjonalna" in html
    assert "Legitymacja plastikowa (ELS)</li>" not in html


def test_unknown_university_is_a_404_page_naming_it(runtime, client):
    add_university(runtime, "pd", "Politechnika Demo", "Demo University of Technology")

    page = client.get("/u/nope/?lang=en")

    assert page.status_code == 404
    assert "text/html" in page.headers["content-type"]
    assert "nope" in page.text
    assert "unknown_university" in page.text


def test_unknown_university_is_explained_in_polish(runtime, client):
    add_university(runtime, "pd", "Politechnika Demo", "Demo University of Technology")

    page = client.get("/u/nope/", headers={"Accept-Language": "pl"})
    problem = client.get("/u/nope/", headers={"Accept": "application/json"}).json()

    assert page.status_code == 404
    assert "Nie ma uczelni „nope”. Znane uczelnie: pd." in page.text
    assert problem["code"] == "unknown_university"
    assert problem["field"] == "university"
