"""Token Status List: the compressed bit array, its JSON object and the Status List Token claims.

A pure codec (no database, web or keys), used by the issuer to publish lists and by verifiers to
read them. legitka uses 2 bits per entry (:class:`StatusValue`), but any ``bits`` the
specification allows (1, 2, 4, 8) can be encoded and decoded.

Entries are packed into bytes from the least significant bit: with ``bits`` = 2, entry 0 is bits
0-1 of byte 0, entry 3 is bits 6-7 of byte 0, entry 4 is bits 0-1 of byte 1. The byte array is
compressed with zlib (RFC 1950) at the highest level and base64url-encoded without padding.

Every failure to read a list raises :class:`StatusListError` with a stable ``code``:

``malformed``           the JSON object or the token claims are not shaped as the specification says
``bad_bits``            ``bits`` is not 1, 2, 4 or 8
``bad_lst``             ``lst`` is not unpadded base64url of one complete zlib stream
``too_large``           the list inflates to more than ``max_entries`` entries (decompression bomb)
``index_out_of_range``  an index outside the list: no statement about that token can be made
``bad_value``           a status that does not fit in ``bits``
``wrong_subject``       the token's ``sub`` is not the URI the referenced token points to
``expired``             the token's ``exp`` has passed
``not_yet_valid``       the token's ``nbf`` is still in the future
"""

from __future__ import annotations

import base64
import binascii
import re
import zlib
from collections.abc import Iterable, Iterator
from enum import IntEnum
from typing import Any

__all__ = [
    "ALLOWED_BITS",
    "DEFAULT_MAX_ENTRIES",
    "StatusList",
    "StatusListError",
    "StatusValue",
    "read_status_list_claims",
    "status_list_claims",
]

ALLOWED_BITS = (1, 2, 4, 8)
DEFAULT_MAX_ENTRIES = 16_000_000
COMPRESSION_LEVEL = 9
_BASE64URL = re.compile(r"[A-Za-z0-9_-]*")
_NONZERO_BYTE = re.compile(rb"[^\x00]")


class StatusValue(IntEnum):
    """The statuses legitka gives a credential (3 is reserved by the specification)."""

    VALID = 0
    INVALID = 1
    SUSPENDED = 2


class StatusListError(Exception):
    """A status list or Status List Token that cannot be used, with the reason as a stable code."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message

    def __repr__(self) -> str:
        return f"StatusListError({self.code!r}, {self.message!r})"


def _byte_length(size: int, bits: int) -> int:
    return (size * bits + 7) // 8


def _check_bits(bits: Any) -> int:
    if isinstance(bits, bool) or not isinstance(bits, int) or bits not in ALLOWED_BITS:
        raise StatusListError("bad_bits", f"bits must be one of 1, 2, 4 or 8, not {bits!r}")
    return bits


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


class StatusList:
    """``size`` statuses of ``bits`` bits each, in the specification's packed byte layout."""

    __slots__ = ("_data", "bits", "size")

    def __init__(self, size: int, bits: int = 2, data: bytes | bytearray | None = None) -> None:
        self.bits = _check_bits(bits)
        if isinstance(size, bool) or not isinstance(size, int) or size < 0:
            raise StatusListError("malformed", f"size must be a non-negative integer, not {size!r}")
        self.size = size
        length = _byte_length(size, bits)
        if data is None:
            self._data = bytearray(length)
        elif len(data) != length:
            raise StatusListError(
                "malformed", f"{size} entries of {bits} bits take {length} bytes, not {len(data)}"
            )
        else:
            self._data = bytearray(data)

    # -- entries --------------------------------------------------------------------------------

    def _locate(self, index: int) -> tuple[int, int]:
        if isinstance(index, bool) or not isinstance(index, int) or not 0 <= index < self.size:
            raise StatusListError(
                "index_out_of_range", f"index {index!r} is outside the list of {self.size} entries"
            )
        position = index * self.bits
        return position >> 3, position & 7

    def get(self, index: int) -> int:
        """The status at ``index``; an index outside the list raises ``index_out_of_range``."""
        byte, shift = self._locate(index)
        return (self._data[byte] >> shift) & ((1 << self.bits) - 1)

    def set(self, index: int, value: int) -> None:
        """Set the status at ``index`` to ``value`` (0 to 2**bits - 1)."""
        mask = (1 << self.bits) - 1
        if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= mask:
            raise StatusListError("bad_value", f"status {value!r} does not fit in {self.bits} bits")
        byte, shift = self._locate(index)
        self._data[byte] = (self._data[byte] & ~(mask << shift)) | (value << shift)

    @classmethod
    def from_entries(
        cls, size: int, entries: Iterable[tuple[int, int]], bits: int = 2
    ) -> StatusList:
        """A list of ``size`` entries, all 0 except the given ``(index, value)`` pairs.

        Only the pairs are visited, so building a list of millions of entries with a few
        thousand non-zero ones costs little more than allocating its bytes. A later pair for the
        same index wins, as with successive :meth:`set` calls.
        """
        status_list = cls(size, bits)
        data = status_list._data
        mask = (1 << bits) - 1
        for index, value in entries:
            if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= mask:
                raise StatusListError("bad_value", f"status {value!r} does not fit in {bits} bits")
            if isinstance(index, bool) or not isinstance(index, int) or not 0 <= index < size:
                raise StatusListError(
                    "index_out_of_range", f"index {index!r} is outside the list of {size} entries"
                )
            position = index * bits
            byte, shift = position >> 3, position & 7
            data[byte] = (data[byte] & ~(mask << shift)) | (value << shift)
        return status_list

    def nonzero(self) -> Iterator[tuple[int, int]]:
        """``(index, value)`` for every entry that is not 0, in index order."""
        bits, size = self.bits, self.size
        mask = (1 << bits) - 1
        per_byte = 8 // bits
        for match in _NONZERO_BYTE.finditer(self._data):
            byte_index = match.start()
            byte = self._data[byte_index]
            for slot in range(per_byte):
                value = (byte >> (slot * bits)) & mask
                if value:
                    index = byte_index * per_byte + slot
                    if index < size:
                        yield index, value

    def count_nonzero(self) -> int:
        return sum(1 for _ in self.nonzero())

    # -- encoding -------------------------------------------------------------------------------

    def to_bytes(self) -> bytes:
        """The uncompressed byte array."""
        return bytes(self._data)

    def compress(self) -> bytes:
        """The byte array compressed with zlib (RFC 1950) at the highest level."""
        return zlib.compress(self._data, COMPRESSION_LEVEL)

    def encode(self) -> dict[str, Any]:
        """The JSON ``StatusList`` object: ``{"bits": …, "lst": …}``."""
        lst = base64.urlsafe_b64encode(self.compress()).rstrip(b"=").decode("ascii")
        return {"bits": self.bits, "lst": lst}

    @classmethod
    def decode(cls, obj: Any, *, max_entries: int = DEFAULT_MAX_ENTRIES) -> StatusList:
        """Read a JSON ``StatusList`` object, refusing lists of more than ``max_entries`` entries.

        The list's size is what its byte array holds (``len * 8 / bits``); the decompressor never
        produces more than ``max_entries * bits / 8`` bytes, whatever ``lst`` holds.
        """
        if not isinstance(obj, dict):
            raise StatusListError("malformed", "a status list must be a JSON object")
        if "bits" not in obj or "lst" not in obj:
            raise StatusListError("malformed", "a status list needs 'bits' and 'lst'")
        bits = _check_bits(obj["bits"])
        aggregation_uri = obj.get("aggregation_uri")
        if aggregation_uri is not None and not isinstance(aggregation_uri, str):
            raise StatusListError("malformed", "'aggregation_uri' must be a string")
        lst = obj["lst"]
        if not isinstance(lst, str) or not _BASE64URL.fullmatch(lst) or len(lst) % 4 == 1:
            raise StatusListError("bad_lst", "'lst' must be base64url without padding")
        try:
            compressed = base64.urlsafe_b64decode(lst + "=" * (-len(lst) % 4))
        except (binascii.Error, ValueError):
            raise StatusListError("bad_lst", "'lst' must be base64url without padding") from None
        limit = max_entries * bits // 8
        inflater = zlib.decompressobj()
        try:
            data = inflater.decompress(compressed, limit + 1)
        except zlib.error:
            raise StatusListError("bad_lst", "'lst' is not a zlib (RFC 1950) stream") from None
        if len(data) > limit:
            raise StatusListError(
                "too_large", f"the status list holds more than {max_entries} entries"
            )
        if not inflater.eof:
            raise StatusListError("bad_lst", "'lst' is a truncated zlib stream")
        if inflater.unused_data:
            raise StatusListError("bad_lst", "'lst' has bytes after its zlib stream")
        return cls(len(data) * 8 // bits, bits, data)

    # -- value semantics ------------------------------------------------------------------------

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, StatusList):
            return NotImplemented
        return (self.size, self.bits, self._data) == (other.size, other.bits, other._data)

    __hash__ = None  # type: ignore[assignment]  # mutable

    def __len__(self) -> int:
        return self.size

    def __repr__(self) -> str:
        return f"StatusList(size={self.size}, bits={self.bits})"


def status_list_claims(
    *, uri: str, status_list: StatusList, issued_at: int, expires_at: int, ttl: int
) -> dict[str, Any]:
    """The JWT claims set of a Status List Token (sign it with header ``typ: statuslist+jwt``)."""
    if not uri:
        raise ValueError("a Status List Token needs the URI it is published at")
    if expires_at <= issued_at:
        raise ValueError("a Status List Token must expire after it is issued")
    if ttl <= 0:
        raise ValueError("ttl must be a positive number of seconds")
    return {
        "sub": uri,
        "iat": issued_at,
        "exp": expires_at,
        "ttl": ttl,
        "status_list": status_list.encode(),
    }


def read_status_list_claims(
    claims: Any, *, uri: str, now: int, max_entries: int = DEFAULT_MAX_ENTRIES
) -> StatusList:
    """The status list in the (signature-checked) claims of a Status List Token fetched from
    ``uri``, after the specification's checks of ``sub``, ``iat``, ``exp``, ``nbf`` and ``ttl``.

    legitka requires ``exp`` (the specification only recommends it): a verifier must never
    trust a list without an end.
    """
    if not isinstance(claims, dict):
        raise StatusListError("malformed", "the Status List Token claims must be a JSON object")
    for name in ("sub", "iat", "exp", "status_list"):
        if name not in claims:
            raise StatusListError("malformed", f"the Status List Token has no '{name}' claim")
    if not isinstance(claims["sub"], str):
        raise StatusListError("malformed", "'sub' must be a string")
    if claims["sub"] != uri:
        raise StatusListError(
            "wrong_subject", f"the Status List Token is for {claims['sub']!r}, not {uri!r}"
        )
    for name in ("iat", "exp"):
        if not _is_number(claims[name]):
            raise StatusListError("malformed", f"'{name}' must be a number")
    if "nbf" in claims and not _is_number(claims["nbf"]):
        raise StatusListError("malformed", "'nbf' must be a number")
    if "ttl" in claims and (not _is_number(claims["ttl"]) or claims["ttl"] <= 0):
        raise StatusListError("malformed", "'ttl' must be a positive number")
    if claims["exp"] <= now:
        raise StatusListError("expired", "the Status List Token has expired")
    if "nbf" in claims and claims["nbf"] > now:
        raise StatusListError("not_yet_valid", "the Status List Token is not valid yet")
    return StatusList.decode(claims["status_list"], max_entries=max_entries)
