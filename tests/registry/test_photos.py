from __future__ import annotations

import pytest

from legitka.domain.eligibility import PhotoStatus
from legitka.domain.errors import Conflict, InvalidInput
from legitka.registry.db import transaction
from legitka.registry.models import Person
from legitka.registry.services import photos
from tests import builders


@pytest.mark.parametrize(
    ("data", "code"),
    [
        (b"not an image", "photo_unreadable"),
        (builders.photo_bytes(353, 496), "photo_too_small"),
        (builders.photo_bytes(354, 454), "photo_too_small"),  # below 35 × 45 mm
        (builders.photo_bytes(fmt="GIF"), "photo_wrong_format"),
        (b"\xff" * (5 * 1024 * 1024 + 1), "photo_too_large"),
    ],
)
def test_bad_photos_are_refused_with_a_reason(data, code):
    with pytest.raises(InvalidInput) as err:
        photos.check_image(data)
    assert err.value.code == code
    assert err.value.field == "photo"


def test_png_and_jpeg_are_accepted():
    assert photos.check_image(builders.photo_bytes(fmt="PNG"))[0] == "image/png"
    assert photos.check_image(builders.photo_bytes(400, 600)) == ("image/jpeg", 400, 600)


def test_photo_approval_and_rejection(sessions, clock):
    with transaction(sessions) as s:
        uni = builders.university(s, clock)
        person = s.get(Person, builders.student(s, clock, uni).person_id)
        assert photos.photo_state(s, person) == (None, None)
        first = photos.submit_photo(s, clock, person, builders.photo_bytes(), actor="student")
        assert photos.photo_state(s, person) == (PhotoStatus.PENDING, None)
        with pytest.raises(InvalidInput):
            photos.decide_photo(s, clock, first, approve=False, reason=" ", actor="staff")
        photos.decide_photo(s, clock, first, approve=False, reason="background", actor="staff")
        assert photos.photo_state(s, person) == (PhotoStatus.REJECTED, "background")
        with pytest.raises(Conflict):
            photos.decide_photo(s, clock, first, approve=True, actor="staff")
        second = photos.submit_photo(s, clock, person, builders.photo_bytes(), actor="student")
        photos.decide_photo(s, clock, second, approve=True, actor="staff")
        photos.submit_photo(s, clock, person, builders.photo_bytes(), actor="student")
        # A newer pending photo does not take away the approved one.
        assert photos.photo_state(s, person) == (PhotoStatus.APPROVED, None)
        assert photos.approved_photo(s, person).id == second.id
