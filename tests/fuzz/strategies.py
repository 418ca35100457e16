"""Hypothesis strategies for outside input: garbage, structured-but-wrong tokens, and mutations
of valid tokens that the project's own issuer and verifier made."""

from __future__ import annotations

from typing import Any

import orjson
from hypothesis import strategies as st

from legitka.credentials.jose import b64url_encode

json_scalars = (
    st.none()
    | st.booleans()
    | st.integers(-(2**63), 2**63 - 1)  # JSON numbers as orjson writes them
    | st.floats(allow_nan=False, allow_infinity=False)  # JSON has neither
    | st.text()
)
json_values = st.recursive(
    json_scalars,
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=12,
)
json_objects = st.dictionaries(st.text(max_size=10), json_values, max_size=6)

# text with the separators of the formats (".", "~", "=", "&", ":") more likely than at random
separators = st.sampled_from([".", "~", "=", "&", "?", ":", "/", "%", "[", "]", "\x00", " "])
garbage = st.one_of(
    st.text(max_size=200),
    st.lists(st.one_of(separators, st.text(max_size=12)), max_size=20).map("".join),
    st.binary(max_size=120).map(lambda b: b.decode("latin-1")),
)


def b64_json(values: st.SearchStrategy[Any] = json_values) -> st.SearchStrategy[str]:
    """Valid base64url of JSON: the wrong JSON in the right wrapping."""
    return values.map(lambda v: b64url_encode(orjson.dumps(v)))


b64_garbage = st.binary(max_size=80).map(b64url_encode)
segments = st.one_of(b64_json(), b64_json(json_objects), b64_garbage, st.text(max_size=30))

ALGS = ["ES256", "none", "HS256", "RS256", "ES384", "EdDSA", "", 256, None]
TYPS = [
    "openid4vci-proof+jwt",
    "dc+sd-jwt",
    "kb+jwt",
    "statuslist+jwt",
    "oauth-authz-req+jwt",
    "JWT",
    "",
    None,
    1,
]


def headers(extra: dict[str, st.SearchStrategy[Any]] | None = None) -> st.SearchStrategy[dict]:
    """JOSE headers with every member possibly wrong: alg, typ, jwk, x5c, crit, b64."""
    members: dict[str, st.SearchStrategy[Any]] = {
        "alg": st.sampled_from(ALGS),
        "typ": st.sampled_from(TYPS),
        "jwk": st.one_of(json_values, jwks()),
        "x5c": st.one_of(json_values, st.lists(st.one_of(b64_garbage, st.text()), max_size=3)),
        "crit": json_values,
        "b64": json_values,
        "kid": json_values,
    }
    members.update(extra or {})
    return st.fixed_dictionaries({}, optional=members)


def jwks() -> st.SearchStrategy[dict]:
    coordinate = st.one_of(
        b64_garbage, st.binary(min_size=32, max_size=32).map(b64url_encode), json_scalars
    )
    return st.fixed_dictionaries(
        {},
        optional={
            "kty": st.sampled_from(["EC", "RSA", "OKP", "", 1]),
            "crv": st.sampled_from(["P-256", "P-384", "Ed25519", None]),
            "x": coordinate,
            "y": coordinate,
            "d": coordinate,
            "alg": st.sampled_from(["ECDH-ES", "ES256", None]),
        },
    )


def jwt_like(
    header: st.SearchStrategy[dict] | None = None,
    payload: st.SearchStrategy[Any] | None = None,
) -> st.SearchStrategy[str]:
    """Three dot-separated parts: JSON headers and payloads (often wrong), any signature."""
    head = b64_json(header if header is not None else headers()) | segments
    body = b64_json(payload if payload is not None else json_objects) | segments
    signature = st.one_of(
        b64_garbage, st.binary(min_size=64, max_size=64).map(b64url_encode), st.just("")
    )
    return st.tuples(head, body, signature).map(".".join)


@st.composite
def mutated(draw: st.DrawFn, valid: str) -> str:
    """``valid`` with a few edits: characters replaced, inserted or cut, parts between "." or
    "~" swapped, dropped or repeated, the end cut off."""
    text = valid
    for _ in range(draw(st.integers(1, 3))):
        kind = draw(st.sampled_from(["replace", "insert", "cut", "parts", "truncate"]))
        at = draw(st.integers(0, max(len(text) - 1, 0)))
        if kind == "replace" and text:
            text = text[:at] + draw(st.characters()) + text[at + 1 :]
        elif kind == "insert":
            text = text[:at] + draw(st.text(max_size=4) | separators) + text[at:]
        elif kind == "cut":
            text = text[:at] + text[at + draw(st.integers(1, 40)) :]
        elif kind == "truncate":
            text = text[:at]
        else:
            sep = draw(st.sampled_from(["~", "."]))
            parts = text.split(sep)
            parts = draw(st.permutations(parts)) if draw(st.booleans()) else parts
            index = draw(st.integers(0, len(parts) - 1))
            if draw(st.booleans()):
                parts.insert(index, parts[index])
            else:
                del parts[index]
            text = sep.join(parts)
    return text
