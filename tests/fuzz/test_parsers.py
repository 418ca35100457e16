"""Every parser of outside input, called directly with garbage, structured-but-wrong input and
mutations of valid tokens from the project's own issuer and verifier: each returns or raises
its own coded error, never another exception."""

from __future__ import annotations

import contextlib
import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from legitka.credentials import jose, sd_jwt, status_list
from legitka.credentials.jose import JoseError
from legitka.credentials.sd_jwt import SdJwtError
from legitka.credentials.status_list import StatusList, StatusListError
from legitka.domain.errors import InvalidInput
from legitka.issuer import proofs
from legitka.issuer.errors import OAuthError
from legitka.registry.services.student_import_rows import Register, check_file
from legitka.registry.statements import parse_statement
from legitka.verifier import presets
from legitka.verifier.status import CachedStatusSource, StatusTokenError, check_token
from legitka.verifier.validation import Expected, validate
from legitka.verifier.web import context, trust_state
from legitka.wallet import presentation
from legitka.wallet.holder import Holder, HolderError, offer_reference
from tests.fuzz.conftest import FUZZ, Seeds
from tests.fuzz.strategies import (
    b64_json,
    garbage,
    headers,
    json_objects,
    json_values,
    jwt_like,
    mutated,
)

# -- offer URIs (the Python holder) ------------------------------------------------------------

offer_queries = st.lists(
    st.tuples(st.sampled_from(["credential_offer", "credential_offer_uri", "x"]), garbage),
    max_size=3,
).map(lambda pairs: "&".join(f"{k}={v}" for k, v in pairs))
offer_texts = st.one_of(
    garbage,
    st.tuples(
        st.sampled_from(["openid-credential-offer://", "haip-vci://", "https://", "http://", ""]),
        garbage,
        offer_queries,
    ).map(lambda t: f"{t[0]}{t[1]}?{t[2]}"),
)


@FUZZ
@given(text=offer_texts)
def test_offer_reference(text: str) -> None:
    with contextlib.suppress(HolderError):
        offer_reference(text)


def offer_by_value(document: Any) -> str:
    from urllib.parse import quote

    import orjson

    return "openid-credential-offer://?credential_offer=" + quote(orjson.dumps(document))


offers = st.fixed_dictionaries(
    {"credential_issuer": json_values},
    optional={
        "credential_configuration_ids": json_values,
        "grants": st.one_of(
            json_values,
            st.fixed_dictionaries(
                {"urn:ietf:params:oauth:grant-type:pre-authorized_code": json_values}
            ),
        ),
    },
)


@FUZZ
@given(
    text=st.one_of(
        offers.map(offer_by_value),
        json_values.map(offer_by_value),
        garbage.map(lambda g: "openid-credential-offer://?credential_offer=" + g),
    )
)
def test_offer_by_value(text: str, seeds: Seeds) -> None:
    with contextlib.suppress(HolderError):
        Holder(seeds.http).resolve_offer(text)


# -- SD-JWTs -----------------------------------------------------------------------------------

sd_jwt_texts = st.one_of(
    garbage,
    st.lists(st.one_of(jwt_like(), b64_json(), garbage), min_size=1, max_size=5).map("~".join),
)


def parse_all(text: str) -> None:
    try:
        parsed, _, _, _ = sd_jwt.parse_with_headers(text)
        parsed.claims()
    except SdJwtError:
        pass


@FUZZ
@given(text=sd_jwt_texts)
def test_sd_jwt_garbage(text: str) -> None:
    parse_all(text)


@FUZZ
@given(data=st.data())
def test_sd_jwt_mutations(data: st.DataObject, seeds: Seeds) -> None:
    parse_all(data.draw(mutated(seeds.presentation)))


@FUZZ
@given(payload=json_objects, disclosures=st.lists(b64_json(), max_size=3))
def test_sd_jwt_with_any_payload(payload: dict[str, Any], disclosures: list[str]) -> None:
    """An issuer-signed JWT whose payload has wrong ``_sd``/``_sd_alg`` members."""
    extra = payload.get("x")  # any JSON values beside the digests, when the payload has a list
    digests = [sd_jwt.digest(d) for d in disclosures]
    payload = {**payload, "_sd": [*digests, *(extra if isinstance(extra, list) else [])]}
    head = jose.b64url_encode(b'{"alg":"ES256","typ":"dc+sd-jwt"}')
    body = jose.b64url_encode(jose.json_bytes(payload))
    parse_all("~".join([f"{head}.{body}.sig", *disclosures, ""]))


@FUZZ
@given(sd=st.one_of(json_values, st.lists(json_values, max_size=4)), alg=json_values)
def test_disclosed_claims(sd: Any, alg: Any) -> None:
    try:
        sd_jwt.disclosed_claims({"_sd": sd, "_sd_alg": alg}, [])
        sd_jwt.disclosed_claims({"_sd": sd}, [])
    except SdJwtError:
        pass


@pytest.fixture(scope="module")
def checking(seeds: Seeds) -> tuple[Any, Any, Expected]:
    runtime = seeds.served.runtime
    state = trust_state(runtime, seeds.http)
    source = CachedStatusSource(runtime.sessions, state.trust, seeds.http)
    expected = Expected(
        nonce=seeds.request.nonce,
        audience=seeds.client_id,
        vct_values=context(runtime).vct_values or (seeds.stored.claims["vct"],),
        claims=presets.claims_of("student_status"),
    )
    return state.trust, source, expected


def test_the_seed_presentation_is_valid(seeds: Seeds, checking: tuple[Any, Any, Expected]) -> None:
    trust, source, expected = checking
    outcome = validate(
        seeds.presentation, expected, trust=trust, status=source, now=seeds.served.clock.now()
    )
    assert outcome.verdict.value == "valid", outcome.reasons


@FUZZ
@given(data=st.data())
def test_verifier_validation(
    data: st.DataObject, seeds: Seeds, checking: tuple[Any, Any, Expected]
) -> None:
    trust, source, expected = checking
    text = data.draw(st.one_of(mutated(seeds.presentation), sd_jwt_texts, json_values))
    outcome = validate(text, expected, trust=trust, status=source, now=seeds.served.clock.now())
    assert outcome.verdict.value != "valid" or text == seeds.presentation


# -- key proofs --------------------------------------------------------------------------------

AUDIENCE = "http://127.0.0.1/u/pd"
NOW_S = 1_795_000_000


def check_proof(proof: Any) -> None:
    try:
        proofs.check(proof, audience=AUDIENCE, now=NOW_S, max_age=300, skew=60)
    except OAuthError as exc:
        error = exc.error
        assert error == "invalid_proof"


@FUZZ
@given(proof=st.one_of(jwt_like(headers()), garbage, json_values))
def test_key_proof_garbage(proof: Any) -> None:
    check_proof(proof)


@FUZZ
@given(data=st.data())
def test_key_proof_mutations(data: st.DataObject, seeds: Seeds) -> None:
    check_proof(data.draw(mutated(seeds.holder.proof(AUDIENCE, "n"))))


@FUZZ
@given(
    claims=st.fixed_dictionaries(
        {},
        optional={
            "aud": st.sampled_from([AUDIENCE, "x"]) | json_values,
            "iat": st.just(NOW_S) | json_values,
            "nonce": json_values,
        },
    ),
    extra=headers({"alg": st.just("ES256")}),
)
def test_key_proof_signed_with_wrong_claims(
    claims: dict[str, Any], extra: dict[str, Any], seeds: Seeds
) -> None:
    """Properly signed proofs whose header members and claims are wrong."""
    header = {"typ": proofs.PROOF_TYP, "jwk": jose.public_jwk(seeds.holder.key), **extra}
    try:
        token = jose.sign(header, claims, seeds.holder.key)
    except (JoseError, ValueError, TypeError, Exception):
        assume(False)
    check_proof(token)


# -- status lists ------------------------------------------------------------------------------

status_lists = st.fixed_dictionaries(
    {},
    optional={
        "bits": st.sampled_from([1, 2, 4, 8, 0, 3, -1, "1", None, 1.0, True]),
        "lst": st.one_of(
            json_values,
            st.binary(max_size=40).map(jose.b64url_encode),
            st.binary(max_size=40).map(
                lambda b: jose.b64url_encode(__import__("zlib").compress(b))
            ),
        ),
        "aggregation_uri": json_values,
    },
)


@FUZZ
@given(obj=st.one_of(status_lists, json_values))
def test_status_list_decode(obj: Any) -> None:
    with contextlib.suppress(StatusListError):
        StatusList.decode(obj, max_entries=10_000)


@FUZZ
@given(
    claims=st.one_of(
        json_values,
        st.fixed_dictionaries(
            {},
            optional={
                "sub": st.just("u") | json_values,
                "iat": json_values,
                "exp": st.just(NOW_S + 9) | json_values,
                "nbf": json_values,
                "ttl": json_values,
                "status_list": status_lists,
            },
        ),
    )
)
def test_status_list_claims(claims: Any) -> None:
    with contextlib.suppress(StatusListError):
        status_list.read_status_list_claims(claims, uri="u", now=NOW_S, max_entries=10_000)


@FUZZ
@given(data=st.data())
def test_status_list_token(data: st.DataObject, seeds: Seeds) -> None:
    token = data.draw(
        st.one_of(mutated(seeds.status_token), jwt_like(headers(), json_objects), garbage)
    )
    trust = trust_state(seeds.served.runtime, None).trust
    with contextlib.suppress(StatusTokenError):
        check_token(
            token,
            uri=seeds.status_uri,
            issuer=seeds.stored.issuer,
            trust=trust,
            now=seeds.served.clock.now(),
        )


# -- verifier request objects (the wallet's side) ----------------------------------------------


def parse_request(token: Any, seeds: Seeds) -> None:
    roots = [seeds.served.runtime.pki.root_certificate()]
    with contextlib.suppress(HolderError):
        presentation.parse_request(token, seeds.client_id, roots, seeds.served.clock.now())


@FUZZ
@given(data=st.data())
def test_request_object_mutations(data: st.DataObject, seeds: Seeds) -> None:
    token = data.draw(st.one_of(mutated(seeds.request_object), jwt_like(), garbage))
    parse_request(token, seeds)


@FUZZ
@given(
    changes=st.dictionaries(
        st.sampled_from(
            [
                "client_id",
                "response_type",
                "response_mode",
                "exp",
                "response_uri",
                "client_metadata",
                "dcql_query",
                "nonce",
                "state",
            ]
        ),
        st.one_of(
            json_values,
            st.fixed_dictionaries(
                {},
                optional={
                    "jwks": st.one_of(json_values, st.fixed_dictionaries({"keys": json_values})),
                    "encrypted_response_enc_values_supported": json_values,
                    "credentials": json_values,
                },
            ),
        ),
        max_size=3,
    )
)
def test_request_object_signed_with_wrong_claims(changes: dict[str, Any], seeds: Seeds) -> None:
    """Request objects signed by the verifier's own key whose claims are wrong."""
    runtime = seeds.served.runtime
    claims = {**jose.unverified_claims(seeds.request_object), **changes}
    token = context(runtime).signer.sign_jwt({"typ": presentation.REQUEST_TYP}, claims)
    parse_request(token, seeds)


@FUZZ
@given(text=st.one_of(garbage, offer_texts.map(lambda t: "openid4vp" + t.partition(":")[2])))
def test_verification_uri(text: str, seeds: Seeds) -> None:
    with contextlib.suppress(HolderError):
        presentation.resolve(text, seeds.http, "http://127.0.0.1:9")


# -- student CSV and bank statements -----------------------------------------------------------

DATA = Path(__file__).parent.parent / "data"
STUDENTS = (DATA / "students" / "good.csv").read_text(encoding="utf-8")
STATEMENTS = [
    (DATA / "statements" / name).read_bytes().decode("latin-1")
    for name in ("export_2026-11-21.csv", "pko_tilde_2026-11-20.sta", "ing_angle_2026-11-21.sta")
]
REGISTER = Register(
    albums=frozenset({"300001"}),
    people={},
    intakes=frozenset({"2026Z"}),
    today=dt.date(2026, 11, 22),
)
csv_cells = st.one_of(
    garbage,
    st.sampled_from(
        ["", "yes", "no", "2026-10-01", "05231412341", "first-cycle", "active", "2026Z", '"', ";"]
    ),
)


def csv_rows(header: str) -> st.SearchStrategy[str]:
    width = header.count(",") + 1
    row = st.lists(csv_cells, min_size=0, max_size=width + 2).map(",".join)
    return st.lists(row, max_size=4).map(lambda rows: "\n".join([header, *rows]))


def check_students(data: bytes) -> None:
    _rows, errors = check_file(data, REGISTER)
    for error in errors:
        error.message("pl")
        error.as_dict("en")


@FUZZ
@given(
    text=st.one_of(csv_rows(STUDENTS.splitlines()[0]), garbage),
    encoding=st.sampled_from(["utf-8", "utf-8-sig", "cp1250", "latin-1"]),
)
def test_student_csv(text: str, encoding: str) -> None:
    check_students(text.encode(encoding, errors="replace"))


@FUZZ
@given(data=st.data())
def test_student_csv_mutations(data: st.DataObject) -> None:
    check_students(data.draw(mutated(STUDENTS)).encode("utf-8", errors="replace"))


def check_statement(data: bytes) -> None:
    try:
        statement = parse_statement(data, "wyciag.sta", account_prefix="109010140000")
    except InvalidInput as exc:
        code, message = exc.code, exc.message
        assert code and message
    else:
        assert statement is not None


mt940_lines = st.lists(
    st.tuples(
        st.sampled_from([":20:", ":25:", ":28C:", ":60F:", ":61:", ":86:", ":62F:", ""]), garbage
    ).map("".join),
    max_size=8,
).map(
    lambda lines: "\n".join(["{1:F01BPKOPLPWAXXX0000000000}{2:I940BPKOPLPWXXXXN}{4:", *lines, "-}"])
)


@FUZZ
@given(
    text=st.one_of(mt940_lines, csv_rows("booked_on,amount,account,title,counterparty"), garbage)
)
def test_statement(text: str) -> None:
    check_statement(text.encode("utf-8", errors="replace"))


@FUZZ
@given(data=st.data(), which=st.integers(0, len(STATEMENTS) - 1))
def test_statement_mutations(data: st.DataObject, which: int) -> None:
    text = data.draw(mutated(STATEMENTS[which]))
    check_statement(text.encode("latin-1", errors="replace"))
