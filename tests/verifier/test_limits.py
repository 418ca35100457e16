"""The public page's rate limit: counted in the database by a keyed hash of the address."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from legitka.domain.errors import TooManyRequests
from legitka.registry.models import PublicRequestMark
from legitka.verifier import limits
from legitka.web.errors import coded_headers, coded_problem, problem_response

NOW = dt.datetime(2026, 11, 29, 10, 0, tzinfo=dt.UTC)


def test_a_client_is_refused_past_the_limit_and_let_in_after_the_window(sessions):
    client = limits.client_key("secret", "203.0.113.7")
    other = limits.client_key("secret", "203.0.113.8")
    with sessions() as session:
        for second in range(3):
            limits.check_public(session, client, NOW + dt.timedelta(seconds=second), per_minute=3)
        with pytest.raises(TooManyRequests) as refused:
            limits.check_public(session, client, NOW + dt.timedelta(seconds=10), per_minute=3)
        assert refused.value.code == "too_many_requests"
        assert refused.value.status == 429
        assert refused.value.retry_after == 50  # the first one leaves the window at NOW + 60 s
        limits.check_public(session, other, NOW + dt.timedelta(seconds=10), per_minute=3)
        limits.check_public(session, client, NOW + dt.timedelta(seconds=61), per_minute=3)
        session.commit()
        stored = set(session.scalars(select(PublicRequestMark.client_hash)))
    assert stored == {client, other}
    assert "203.0.113.7" not in str(stored)


def test_the_count_is_shared_by_every_session(sessions):
    client = limits.client_key("secret", "198.51.100.1")
    for _ in range(2):
        with sessions() as session:
            limits.check_public(session, client, NOW, per_minute=2)
            session.commit()
    with sessions() as session, pytest.raises(TooManyRequests):
        limits.check_public(session, client, NOW, per_minute=2)


def test_old_marks_are_purged(sessions):
    client = limits.client_key("secret", "198.51.100.2")
    with sessions() as session:
        limits.check_public(session, client, NOW)
        limits.check_public(session, client, NOW + dt.timedelta(seconds=30))
        assert limits.purge(session, NOW + dt.timedelta(seconds=61)) == 1


def test_a_raw_address_is_never_stored(sessions):
    with sessions() as session, pytest.raises(ValueError):
        limits.check_public(session, "203.0.113.7", NOW)


def test_the_refusal_is_problem_json_with_retry_after():
    exc = TooManyRequests("too_many_requests", "wait {seconds} s", retry_after=12, seconds=12)
    response = problem_response(coded_problem(exc, "en"), coded_headers(exc))
    assert response.status_code == 429
    assert response.headers["retry-after"] == "12"
    assert response.media_type == "application/problem+json"
    assert b'"code":"too_many_requests"' in response.body
