"""The Token Status List codec: the specification's test vectors, properties, every error code."""

from __future__ import annotations

import base64
import json
import zlib
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from legitka.credentials.status_list import (
    StatusList,
    StatusListError,
    StatusValue,
    read_status_list_claims,
    status_list_claims,
)

VECTORS = json.loads((Path(__file__).parent / "status_list_vectors.json").read_text())["vectors"]
URI = "https://uczelnia.example/status-lists/1"
NOW = 1_795_000_000


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def error_code(excinfo: pytest.ExceptionInfo[StatusListError]) -> str:
    return excinfo.value.code


# -- the specification's test vectors -----------------------------------------------------------


@pytest.mark.parametrize("vector", VECTORS, ids=[v["name"] for v in VECTORS])
def test_vector_decodes_to_the_listed_statuses(vector: dict[str, Any]) -> None:
    status_list = StatusList.decode({"bits": vector["bits"], "lst": vector["lst"]})
    assert status_list.bits == vector["bits"]
    assert status_list.size == vector["size"]
    expected = {index: value for index, value in vector["statuses"]}
    for index, value in expected.items():
        assert status_list.get(index) == value, index
    assert dict(status_list.nonzero()) == {i: v for i, v in expected.items() if v}
    # Indexes the vector does not list are VALID, up to the last one.
    for index in (1, 2, 100, 1000, vector["size"] - 1):
        if index < vector["size"] and index not in expected:
            assert status_list.get(index) == 0


@pytest.mark.parametrize("vector", VECTORS, ids=[v["name"] for v in VECTORS])
def test_vector_encodes_to_the_published_lst(vector: dict[str, Any]) -> None:
    status_list = StatusList.from_entries(
        vector["size"], [tuple(pair) for pair in vector["statuses"]], bits=vector["bits"]
    )
    assert status_list.encode() == {"bits": vector["bits"], "lst": vector["lst"]}
    if "bytes_hex" in vector:
        assert status_list.to_bytes().hex() == vector["bytes_hex"]


def test_packing_is_least_significant_bit_first() -> None:
    two = StatusList(8, bits=2)
    two.set(0, StatusValue.INVALID)
    two.set(3, StatusValue.SUSPENDED)
    two.set(4, 3)
    assert two.to_bytes() == bytes([0b10_00_00_01, 0b00_00_00_11])
    assert StatusList(3, bits=2).to_bytes() == b"\x00"  # 6 bits round up to one byte
    eight = StatusList.from_entries(3, [(1, 200)], bits=8)
    assert eight.to_bytes() == bytes([0, 200, 0])


def test_compress_is_zlib_at_the_highest_level() -> None:
    status_list = StatusList.from_entries(1000, [(7, 1), (999, 2)])
    compressed = status_list.compress()
    assert compressed[:2] == b"\x78\xda"  # RFC 1950 header: DEFLATE, 32K window, level 9
    assert zlib.decompress(compressed) == status_list.to_bytes()


def test_status_values() -> None:
    assert [int(v) for v in StatusValue] == [0, 1, 2]
    status_list = StatusList.from_entries(10, [(4, StatusValue.SUSPENDED)])
    assert status_list.get(4) == StatusValue.SUSPENDED
    status_list.set(4, StatusValue.VALID)
    assert list(status_list.nonzero()) == []


def test_two_million_entries_fit_in_a_few_tens_of_kilobytes() -> None:
    step = 97  # about 1 % of the entries, spread over the whole list
    status_list = StatusList.from_entries(
        2_000_000, ((i, 1 + i % 2) for i in range(0, 2_000_000, step))
    )
    assert status_list.count_nonzero() == len(range(0, 2_000_000, step))
    assert len(status_list.encode()["lst"]) < 64_000


# -- properties ---------------------------------------------------------------------------------


@st.composite
def lists(draw: st.DrawFn) -> tuple[StatusList, dict[int, int]]:
    bits = draw(st.sampled_from([1, 2, 4, 8]))
    size = draw(st.integers(min_value=0, max_value=3000))
    entries: dict[int, int] = {}
    if size:
        entries = draw(
            st.dictionaries(
                st.integers(min_value=0, max_value=size - 1),
                st.integers(min_value=0, max_value=(1 << bits) - 1),
                max_size=60,
            )
        )
    return StatusList.from_entries(size, entries.items(), bits=bits), entries


@given(lists())
def test_encode_decode_round_trip(case: tuple[StatusList, dict[int, int]]) -> None:
    status_list, entries = case
    decoded = StatusList.decode(status_list.encode())
    assert decoded.bits == status_list.bits
    # The decoded list is as long as its bytes hold: the sender's size rounded up to a byte.
    assert decoded.size == len(status_list.to_bytes()) * 8 // status_list.bits
    assert decoded.size >= status_list.size
    assert decoded.to_bytes() == status_list.to_bytes()
    for index in range(status_list.size):
        assert decoded.get(index) == entries.get(index, 0)


@given(
    st.sampled_from([1, 2, 4, 8]).flatmap(
        lambda bits: st.tuples(
            st.just(bits),
            st.lists(
                st.tuples(
                    st.integers(min_value=0, max_value=499),
                    st.integers(min_value=0, max_value=(1 << bits) - 1),
                ),
                max_size=80,
            ),
        )
    )
)
def test_from_entries_equals_setting_one_by_one(case: tuple[int, list[tuple[int, int]]]) -> None:
    bits, entries = case
    one_by_one = StatusList(500, bits)
    for index, value in entries:
        one_by_one.set(index, value)
    assert StatusList.from_entries(500, entries, bits=bits) == one_by_one


@given(lists())
def test_nonzero_yields_exactly_what_was_set(case: tuple[StatusList, dict[int, int]]) -> None:
    status_list, entries = case
    assert list(status_list.nonzero()) == sorted((i, v) for i, v in entries.items() if v)


@settings(max_examples=50)
@given(st.integers(min_value=1, max_value=64), st.data())
def test_set_touches_only_its_own_entry(size: int, data: st.DataObject) -> None:
    bits = data.draw(st.sampled_from([1, 2, 4, 8]))
    full = (1 << bits) - 1
    status_list = StatusList.from_entries(size, [(i, full) for i in range(size)], bits=bits)
    index = data.draw(st.integers(min_value=0, max_value=size - 1))
    status_list.set(index, 0)
    expected = [0 if i == index else full for i in range(size)]
    assert [status_list.get(i) for i in range(size)] == expected


# -- errors -------------------------------------------------------------------------------------


@pytest.mark.parametrize("bits", [0, 3, 16, -2, "2", 2.0, True, None])
def test_bad_bits(bits: Any) -> None:
    with pytest.raises(StatusListError) as excinfo:
        StatusList.decode({"bits": bits, "lst": "eNo76fITAAPfAgc"})
    assert error_code(excinfo) == "bad_bits"
    with pytest.raises(StatusListError) as excinfo:
        StatusList(16, bits)
    assert error_code(excinfo) == "bad_bits"


@pytest.mark.parametrize(
    "lst",
    [
        "eNo76fITAAPfAgc=",  # padding
        "eNo76fITAAPfAgc+",  # standard alphabet
        "eNo7/fITAAPfAgc",
        "eNo 76fITAAPfAgc",
        "eNo76",  # 5 characters cannot be base64
        5,
        None,
        ["eNo76fITAAPfAgc"],
    ],
)
def test_lst_not_base64url(lst: Any) -> None:
    with pytest.raises(StatusListError) as excinfo:
        StatusList.decode({"bits": 2, "lst": lst})
    assert error_code(excinfo) == "bad_lst"


@pytest.mark.parametrize(
    "compressed",
    [
        b"not zlib at all",
        zlib.compress(b"\x01\x02")[:-3],  # truncated stream
        zlib.compress(b"\x01\x02") + b"trailing",
        zlib.compress(b"\x01\x02", wbits=-15),  # raw DEFLATE without the RFC 1950 wrapper
        zlib.compress(b"\x01\x02", wbits=31),  # gzip
        b"",
    ],
    ids=["garbage", "truncated", "trailing", "raw-deflate", "gzip", "empty"],
)
def test_lst_not_zlib(compressed: bytes) -> None:
    with pytest.raises(StatusListError) as excinfo:
        StatusList.decode({"bits": 2, "lst": b64url(compressed)})
    assert error_code(excinfo) == "bad_lst"


def test_decompression_bomb_is_refused() -> None:
    bomb = zlib.compress(bytes(50_000_000), 9)  # 50 MB of zeros in about 50 kB
    assert len(bomb) < 100_000
    with pytest.raises(StatusListError) as excinfo:
        StatusList.decode({"bits": 8, "lst": b64url(bomb)})  # 50 M entries > 16 M
    assert error_code(excinfo) == "too_large"
    with pytest.raises(StatusListError) as excinfo:
        StatusList.decode({"bits": 1, "lst": b64url(bomb)})  # 400 M entries
    assert error_code(excinfo) == "too_large"


def test_max_entries_is_exact() -> None:
    encoded = StatusList(4000, bits=2).encode()  # 1000 bytes
    assert StatusList.decode(encoded, max_entries=4000).size == 4000
    for max_entries in (3999, 3996, 0):
        with pytest.raises(StatusListError) as excinfo:
            StatusList.decode(encoded, max_entries=max_entries)
        assert error_code(excinfo) == "too_large"


@pytest.mark.parametrize(
    "obj",
    [
        None,
        "eNo76fITAAPfAgc",
        ["bits", "lst"],
        {"lst": "eNo76fITAAPfAgc"},
        {"bits": 2},
        {"bits": 2, "lst": "eNo76fITAAPfAgc", "aggregation_uri": 7},
    ],
)
def test_malformed_status_list_object(obj: Any) -> None:
    with pytest.raises(StatusListError) as excinfo:
        StatusList.decode(obj)
    assert error_code(excinfo) == "malformed"


def test_aggregation_uri_is_accepted() -> None:
    obj = {"bits": 2, "lst": "eNo76fITAAPfAgc", "aggregation_uri": "https://u.example/agg"}
    assert StatusList.decode(obj).get(1) == StatusValue.SUSPENDED


@pytest.mark.parametrize("index", [-1, 12, 10**9, True, "1", 1.0])
def test_index_out_of_range(index: Any) -> None:
    status_list = StatusList.decode({"bits": 2, "lst": "eNo76fITAAPfAgc"})
    with pytest.raises(StatusListError) as excinfo:
        status_list.get(index)
    assert error_code(excinfo) == "index_out_of_range"
    with pytest.raises(StatusListError) as excinfo:
        status_list.set(index, 1)
    assert error_code(excinfo) == "index_out_of_range"
    with pytest.raises(StatusListError) as excinfo:
        StatusList.from_entries(12, [(index, 1)])
    assert error_code(excinfo) == "index_out_of_range"


@pytest.mark.parametrize(("bits", "value"), [(1, 2), (2, 4), (4, 16), (8, 256), (2, -1), (2, True)])
def test_value_that_does_not_fit(bits: int, value: Any) -> None:
    with pytest.raises(StatusListError) as excinfo:
        StatusList(8, bits).set(0, value)
    assert error_code(excinfo) == "bad_value"
    with pytest.raises(StatusListError) as excinfo:
        StatusList.from_entries(8, [(0, value)], bits=bits)
    assert error_code(excinfo) == "bad_value"


def test_constructor_checks_size_and_data() -> None:
    assert StatusList(12, 2, b"\xc9\x44\xf9").get(1) == 2
    for size, data in [(-1, None), (12, b"\x00\x00"), (12, b"\x00" * 4)]:
        with pytest.raises(StatusListError) as excinfo:
            StatusList(size, 2, data)
        assert error_code(excinfo) == "malformed"


# -- Status List Token claims ---------------------------------------------------------------------


def token_claims(**overrides: Any) -> dict[str, Any]:
    status_list = StatusList.from_entries(100, [(3, StatusValue.INVALID), (5, 2)])
    claims = status_list_claims(
        uri=URI, status_list=status_list, issued_at=NOW - 60, expires_at=NOW + 3600, ttl=300
    )
    claims.update(overrides)
    return {k: v for k, v in claims.items() if v is not None}


def test_status_list_claims() -> None:
    status_list = StatusList.from_entries(100, [(3, 1)])
    claims = status_list_claims(
        uri=URI, status_list=status_list, issued_at=NOW, expires_at=NOW + 86400, ttl=300
    )
    assert claims == {
        "sub": URI,
        "iat": NOW,
        "exp": NOW + 86400,
        "ttl": 300,
        "status_list": status_list.encode(),
    }
    read = read_status_list_claims(claims, uri=URI, now=NOW + 10)
    assert read.get(3) == StatusValue.INVALID
    assert read.get(4) == StatusValue.VALID


@pytest.mark.parametrize(
    "arguments",
    [{"ttl": 0}, {"ttl": -5}, {"expires_at": NOW}, {"uri": ""}],
)
def test_status_list_claims_refuses_nonsense(arguments: dict[str, Any]) -> None:
    values: dict[str, Any] = {
        "uri": URI,
        "status_list": StatusList(8),
        "issued_at": NOW,
        "expires_at": NOW + 60,
        "ttl": 30,
    } | arguments
    with pytest.raises(ValueError):
        status_list_claims(**values)


def test_token_read_without_optional_claims() -> None:
    claims = token_claims()
    del claims["ttl"]
    assert read_status_list_claims(claims, uri=URI, now=NOW).get(5) == 2


def test_wrong_subject() -> None:
    with pytest.raises(StatusListError) as excinfo:
        read_status_list_claims(token_claims(), uri=URI + "0", now=NOW)
    assert error_code(excinfo) == "wrong_subject"


@pytest.mark.parametrize("now", [NOW + 3600, NOW + 3601, NOW + 10**6])
def test_expired(now: int) -> None:
    with pytest.raises(StatusListError) as excinfo:
        read_status_list_claims(token_claims(), uri=URI, now=now)
    assert error_code(excinfo) == "expired"


def test_not_yet_valid() -> None:
    with pytest.raises(StatusListError) as excinfo:
        read_status_list_claims(token_claims(nbf=NOW + 5), uri=URI, now=NOW)
    assert error_code(excinfo) == "not_yet_valid"
    assert read_status_list_claims(token_claims(nbf=NOW), uri=URI, now=NOW).size >= 100


@pytest.mark.parametrize("missing", ["sub", "iat", "exp", "status_list"])
def test_missing_claims(missing: str) -> None:
    claims = token_claims()
    del claims[missing]
    with pytest.raises(StatusListError) as excinfo:
        read_status_list_claims(claims, uri=URI, now=NOW)
    assert error_code(excinfo) == "malformed"


@pytest.mark.parametrize(
    "overrides",
    [
        {"sub": 5},
        {"iat": "1795000000"},
        {"exp": "soon"},
        {"exp": True},
        {"nbf": "now"},
        {"ttl": 0},
        {"ttl": -1},
        {"ttl": "300"},
        {"status_list": "eNo76fITAAPfAgc"},
    ],
)
def test_malformed_claims(overrides: dict[str, Any]) -> None:
    with pytest.raises(StatusListError) as excinfo:
        read_status_list_claims(token_claims(**overrides), uri=URI, now=NOW)
    assert error_code(excinfo) == "malformed"


def test_claims_must_be_an_object() -> None:
    with pytest.raises(StatusListError) as excinfo:
        read_status_list_claims([token_claims()], uri=URI, now=NOW)
    assert error_code(excinfo) == "malformed"


def test_status_list_errors_inside_the_token_keep_their_code() -> None:
    bad = token_claims(status_list={"bits": 3, "lst": "eNo76fITAAPfAgc"})
    with pytest.raises(StatusListError) as excinfo:
        read_status_list_claims(bad, uri=URI, now=NOW)
    assert error_code(excinfo) == "bad_bits"
    big = token_claims(status_list=StatusList(1000, bits=8).encode())
    with pytest.raises(StatusListError) as excinfo:
        read_status_list_claims(big, uri=URI, now=NOW, max_entries=999)
    assert error_code(excinfo) == "too_large"
