"""Our Token Status List codec against @sd-jwt/jwt-status-list 0.19.0 (status_list.mjs).

Random lists are drawn from fixed seeds (so a failure repeats) and sent in batches, one Node.js
process per test.
"""

from __future__ import annotations

import random
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric import ec

from legitka.credentials import jose
from legitka.credentials.status_list import (
    StatusList,
    StatusValue,
    read_status_list_claims,
    status_list_claims,
)
from tests.interop.node import run_node

URI = "https://uczelnia.example/status-lists/7"
NOW = 1_795_000_000
SIZES = [1, 2, 3, 4, 5, 7, 8, 9, 15, 16, 17, 31, 33, 100, 1000, 4097]


def random_entries(rng: random.Random, size: int, bits: int) -> dict[int, int]:
    """A few non-zero statuses: with 2 bits, mostly revoked (1) and suspended (2)."""
    if bits == 2:
        values = [StatusValue.INVALID, StatusValue.SUSPENDED, 3]
        weights = [5, 4, 1]
    else:
        values = list(range(1, 1 << bits))
        weights = [1] * len(values)
    count = rng.randint(0, min(size, 40))
    indexes = rng.sample(range(size), count)
    if size > 1 and rng.random() < 0.5:
        indexes.append(size - 1)  # the last entry, next to the padding
    return {index: int(rng.choices(values, weights)[0]) for index in indexes}


def probe_indexes(rng: random.Random, size: int, entries: dict[int, int]) -> list[int]:
    """Every index we set, plus unset ones: the first, the last and some at random."""
    unset = {0, size - 1} | {rng.randrange(size) for _ in range(20)}
    return sorted(set(entries) | unset)


def random_cases(seed: int, bits: int, count: int = 30) -> list[tuple[int, dict[int, int]]]:
    rng = random.Random(seed)
    sizes = [*SIZES, *(rng.randint(1, 50_000) for _ in range(count - len(SIZES)))]
    return [(size, random_entries(rng, size, bits)) for size in sizes]


@pytest.mark.parametrize("bits", [1, 2, 4, 8])
def test_npm_decodes_our_lists(bits: int) -> None:
    rng = random.Random(1000 + bits)
    cases = random_cases(seed=bits, bits=bits)
    lists: list[dict[str, Any]] = []
    for size, entries in cases:
        encoded = StatusList.from_entries(size, entries.items(), bits=bits).encode()
        lists.append({**encoded, "indexes": probe_indexes(rng, size, entries)})
    answer = run_node("status_list", {"op": "decode", "lists": lists})
    for (size, entries), sent, result in zip(cases, lists, answer["results"], strict=True):
        assert result["bits"] == bits
        # Both sides read as many entries as the bytes hold: our size rounded up to a byte.
        assert result["size"] == StatusList.decode(sent).size >= size
        expected = [entries.get(index, 0) for index in sent["indexes"]]
        assert result["statuses"] == expected, (size, bits)


@pytest.mark.parametrize("bits", [1, 2, 4, 8])
def test_we_decode_npm_lists(bits: int) -> None:
    cases = random_cases(seed=100 + bits, bits=bits)
    lists = [
        {"size": size, "bits": bits, "entries": sorted(entries.items())} for size, entries in cases
    ]
    answer = run_node("status_list", {"op": "encode", "lists": lists})
    for (size, entries), result in zip(cases, answer["results"], strict=True):
        status_list = StatusList.decode(result["status_list"])
        assert status_list.bits == bits
        assert status_list.size == (size * bits + 7) // 8 * 8 // bits
        assert dict(status_list.nonzero()) == entries
        # The bytes are the same as ours; only the compressor may differ.
        ours = StatusList.from_entries(status_list.size, entries.items(), bits=bits)
        assert status_list.to_bytes() == ours.to_bytes()


def test_lists_of_production_size_both_ways() -> None:
    """100,000 entries (the default list size) with 1 % revoked or suspended."""
    rng = random.Random(7)
    size = 100_000
    entries = {
        index: int(rng.choice([StatusValue.INVALID, StatusValue.SUSPENDED]))
        for index in rng.sample(range(size), size // 100)
    }
    ours = StatusList.from_entries(size, entries.items())
    indexes = sorted(set(entries) | set(rng.sample(range(size), 500)))
    answer = run_node(
        "status_list",
        {
            "op": "decode",
            "lists": [{**ours.encode(), "indexes": indexes}],
        },
    )
    assert answer["results"][0]["statuses"] == [ours.get(i) for i in indexes]
    answer = run_node(
        "status_list",
        {"op": "encode", "lists": [{"size": size, "bits": 2, "entries": list(entries.items())}]},
    )
    assert StatusList.decode(answer["results"][0]["status_list"]) == ours


def signed_token(key: ec.EllipticCurvePrivateKey, status_list: StatusList) -> str:
    claims = status_list_claims(
        uri=URI, status_list=status_list, issued_at=NOW, expires_at=NOW + 86_400, ttl=300
    )
    return jose.sign(header={"typ": "statuslist+jwt"}, payload=claims, key=key)


def test_npm_reads_our_status_list_token() -> None:
    rng = random.Random(42)
    size = 20_000
    entries = {index: int(rng.choice([1, 2])) for index in rng.sample(range(size), 300)}
    status_list = StatusList.from_entries(size, entries.items())
    key = ec.generate_private_key(ec.SECP256R1())
    jwt = signed_token(key, status_list)
    indexes = sorted(set(entries) | set(rng.sample(range(size), 300)) | {0, size - 1})

    answer = run_node(
        "status_list",
        {"op": "read_token", "jwt": jwt, "jwk": jose.public_jwk(key), "indexes": indexes},
    )

    assert answer["signature_valid"] is True
    assert answer["header"] == {"alg": "ES256", "typ": "statuslist+jwt"}
    assert {k: answer["claims"][k] for k in ("sub", "iat", "exp", "ttl")} == {
        "sub": URI,
        "iat": NOW,
        "exp": NOW + 86_400,
        "ttl": 300,
    }
    assert answer["bits"] == 2
    assert answer["size"] == size
    assert answer["statuses"] == [entries.get(index, 0) for index in indexes]


def test_npm_rejects_our_token_with_another_key() -> None:
    status_list = StatusList.from_entries(16, [(3, StatusValue.SUSPENDED)])
    jwt = signed_token(ec.generate_private_key(ec.SECP256R1()), status_list)
    other = jose.public_jwk(ec.generate_private_key(ec.SECP256R1()))
    answer = run_node("status_list", {"op": "read_token", "jwt": jwt, "jwk": other, "indexes": [3]})
    assert answer["signature_valid"] is False
    assert answer["statuses"] == [StatusValue.SUSPENDED]


def test_we_read_a_status_list_token_signed_by_npm() -> None:
    entries = {0: 1, 5: 2, 77: 1, 999: 2}
    answer = run_node(
        "status_list",
        {
            "op": "sign_token",
            "size": 1000,
            "bits": 2,
            "entries": list(entries.items()),
            "sub": URI,
            "iat": NOW,
            "exp": NOW + 3600,
            "ttl": 300,
        },
    )
    header, claims = jose.verify_claims(answer["jwt"], jose.key_from_jwk(answer["jwk"]))
    assert header["typ"] == "statuslist+jwt"
    status_list = read_status_list_claims(claims, uri=URI, now=NOW + 60)
    assert dict(status_list.nonzero()) == entries
    assert status_list.get(999) == StatusValue.SUSPENDED
    assert status_list.get(998) == StatusValue.VALID
