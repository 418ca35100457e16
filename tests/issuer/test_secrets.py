"""The codes of an offer: derived from a salt and the secret key, never stored in the clear."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from legitka.issuer import secrets

KEY = "test-secret"


@given(st.text(min_size=8, max_size=40))
def test_codes_are_stable_and_distinct(salt: str) -> None:
    first = secrets.offer_codes(KEY, salt)
    assert secrets.offer_codes(KEY, salt) == first
    assert len({first.reference, first.pre_authorized_code}) == 2
    assert first.activation_code.isdigit()
    assert len(first.activation_code) == secrets.ACTIVATION_CODE_LENGTH


def test_another_secret_key_gives_other_codes() -> None:
    assert secrets.offer_codes(KEY, "salt") != secrets.offer_codes("other", "salt")


def test_activation_code_mac_matches_only_the_right_code() -> None:
    code = secrets.offer_codes(KEY, "salt").activation_code
    mac = secrets.activation_code_mac(KEY, "salt", code)
    assert code not in mac
    assert secrets.activation_code_matches(KEY, "salt", code, mac)
    wrong = str((int(code) + 1) % 10**8).zfill(8)
    assert not secrets.activation_code_matches(KEY, "salt", wrong, mac)
    assert not secrets.activation_code_matches(KEY, "other-salt", code, mac)


def test_token_hash_hides_the_token() -> None:
    token = secrets.random_token()
    assert len(token) >= 43
    assert secrets.token_hash(token) != token and len(secrets.token_hash(token)) == 64
