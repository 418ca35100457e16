"""The dean's office's card rules: printed card data, renewal conditions, hologram rolls."""

from __future__ import annotations

import datetime as dt

import pytest

from legitka.domain.els import (
    ElsCardStatus,
    RenewalFacts,
    RenewalSkip,
    hologram_serials,
    renewal_skip,
    validate_card_number,
    validate_chip_serial,
    validate_edition,
)
from legitka.domain.errors import InvalidInput
from legitka.domain.semesters import renewal_choices

READY = RenewalFacts(True, True, ElsCardStatus.ACTIVE, frozenset({"2026Z"}), 0)


def test_card_data_formats() -> None:
    assert validate_card_number(" pd/100-1 ") == "PD/100-1"
    assert validate_chip_serial("04:a1:b2:c3") == "04A1B2C3"
    assert validate_edition("b") == "B"
    for bad in ("", "ab", "-123", "1?23", "X" * 21):
        with pytest.raises(InvalidInput) as caught:
            validate_card_number(bad)
        assert caught.value.code == "invalid_card_number"
    for bad in ("04A1B2", "04A1B2C", "ZZA1B2C3", "0" * 34):
        with pytest.raises(InvalidInput):
            validate_chip_serial(bad)
    for bad in ("", "AB", "1", "Ż"):
        with pytest.raises(InvalidInput):
            validate_edition(bad)


@pytest.mark.parametrize(
    ("facts", "expected"),
    [
        (READY, None),
        (RenewalFacts(False, True, None, frozenset(), 0), RenewalSkip.LEVEL_NOT_ELIGIBLE),
        (RenewalFacts(True, False, ElsCardStatus.ACTIVE, frozenset(), 0),
         RenewalSkip.INACTIVE_STATUS),
        (RenewalFacts(True, True, None, frozenset(), 0), RenewalSkip.NO_CARD),
        (RenewalFacts(True, True, ElsCardStatus.LOST, frozenset(), 0),
         RenewalSkip.CARD_NOT_ACTIVE),
        (RenewalFacts(True, True, ElsCardStatus.ACTIVE, frozenset(), 1), RenewalSkip.FEES_UNPAID),
        (RenewalFacts(True, True, ElsCardStatus.ACTIVE, frozenset({"2026L"}), 0),
         RenewalSkip.ALREADY_RENEWED),
    ],
)  # fmt: skip
def test_renewal_conditions(facts: RenewalFacts, expected: RenewalSkip | None) -> None:
    assert renewal_skip(facts, "2026L") is expected


def test_hologram_rolls() -> None:
    assert hologram_serials("12300098", "12300100", 3) == ["12300098", "12300099", "12300100"]
    assert hologram_serials("12300001", "12300009", 0) == []
    for first, last, needed, code in (
        ("12300001", "12300002", 3, "hologram_range_too_short"),
        ("12300005", "12300001", 1, "hologram_range_reversed"),
        ("12300001", "45600009", 1, "hologram_range_mixed"),
    ):
        with pytest.raises(InvalidInput) as caught:
            hologram_serials(first, last, needed)
        assert caught.value.code == code


def test_renewal_semesters() -> None:
    current, following = renewal_choices(dt.date(2026, 11, 22))
    assert (current.code, current.validity_end) == ("2026Z", dt.date(2027, 3, 31))
    assert (following.code, following.validity_end) == ("2026L", dt.date(2027, 10, 31))
    assert renewal_choices(dt.date(2027, 2, 15))[0].validity_end == dt.date(2027, 10, 31)
