"""The start page and the health check, through HTTP on both databases."""

from __future__ import annotations

import datetime as dt
import re

from fastapi.testclient import TestClient

from legitka import __version__
from legitka.config import Settings
from legitka.domain.eligibility import Policy
from legitka.registry.db import make_engine, session_factory, transaction
from legitka.registry.models import University
from legitka.runtime import Runtime
from legitka.web import create_app


def add_university(runtime, slug, name_pl, name_en, policy=Policy.ELS_LINKED):
    with transaction(runtime.sessions) as session:
        session.add(
            University(
                slug=slug, name_pl=name_pl, name_en=name_en, policy=policy, hologram_code="123",
                account_prefix="109010140000",
                created_at=dt.datetime(2026, 11, 1, 9, 0, tzinfo=dt.UTC),
            )
        )


def test_start_page_lists_universities_with_links(runtime, client):
    add_university(runtime, "pd", "Politechnika Demo", "Demo University of Technology")
    add_university(runtime, "ua", "Uniwersytet Artystyczny", "University of Arts", Policy.PESEL)

    page = client.get("/", headers={"Accept-Language": "pl"})

    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    assert page.headers["content-language"] == "pl"
    html = page.text
    assert '<html lang="pl">' in html
    assert '<a href="/u/pd/">Politechnika Demo</a>' in html
    assert '<a href="/u/ua/">Uniwersytet Artystyczny</a>' in html
    assert html.index("Politechnika Demo") < html.index("Uniwersytet Artystyczny")
    assert "Uczelnie" in html
    assert "mLegitymacja dla każdego studenta z numerem PESEL" in html


def test_start_page_in_english(runtime, client):
    add_university(runtime, "pd", "Politechnika Demo", "Demo University of Technology")

    html = client.get("/?lang=en").text

    assert '<html lang="en">' in html
    assert '<a href="/u/pd/">Demo University of Technology</a>' in html
    assert "Universities" in html
    assert "Mobile ID linked to the plastic card (ELS)" in html


def test_start_page_without_universities(client):
    html = client.get("/", headers={"Accept-Language": "en"}).text
    assert "No university is served here yet." in html


def test_start_page_is_accessible_skeleton(client):
    html = client.get("/").text
    assert re.search(r'<html lang="(pl|en)">', html)
    assert '<meta name="viewport"' in html
    assert "<header" in html and "<main" in html and "<footer" in html
    assert 'href="#main"' in html  # skip link
    assert 'aria-current="true"' in html  # the current language is marked
    assert 'href="/?lang=en" hreflang="en" lang="en"' in html
    assert 'href="/?lang=pl" hreflang="pl" lang="pl"' in html


def test_language_switch_is_remembered(client):
    first = client.get("/?lang=en")
    assert first.cookies.get("lang") == "en"
    again = client.get("/")
    assert '<html lang="en">' in again.text


def test_stylesheet_is_served(client):
    css = client.get("/static/legitka.css")
    assert css.status_code == 200
    assert css.headers["content-type"].startswith("text/css")


def test_healthz_answers_ok(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "version": __version__}


def test_healthz_reports_a_database_that_does_not_answer(tmp_path):
    # A directory is no SQLite file: every connection fails.
    url = f"sqlite:///{tmp_path}"
    engine = make_engine(url)
    settings = Settings(database_url=url, data_dir=tmp_path)
    runtime = Runtime(settings, engine, session_factory(engine))
    with TestClient(create_app(runtime), raise_server_exceptions=False) as client:
        response = client.get("/healthz", headers={"Accept-Language": "en"})
    runtime.close()

    assert response.status_code == 503
    assert response.headers["content-type"] == "application/problem+json"
    body = response.json()
    assert body["code"] == "database_unavailable"
    assert body["status"] == 503
    assert body["detail"] == "The database does not answer; please try again later."
    assert str(tmp_path) not in response.text
