"""Benchmark of credential issuance: raw ES256, legitka's issuance, the sd-jwt reference library
and Token Status Lists of millions of entries.

    .venv/bin/python benchmarks/issuance.py               # 5 000 issuances, 2 000 000 entries
    .venv/bin/python benchmarks/issuance.py --iterations 1000 --entries 100000 --out /tmp/i.md

Everything runs in one process on one machine, with the clock fixed at 2026-11-22 10:00 UTC: the
raw ES256 signatures and verifications of ``cryptography``, what the credential endpoint does
per request (minus the database) and the same work done with the ``sd-jwt`` reference library,
in interleaved rounds, then the status lists. The numbers are printed as a table; ``--out``
writes them as a Markdown report and ``--json`` prints them as JSON instead of the table.
``benchmarks/README.md`` explains each measurement.
"""

from __future__ import annotations

import argparse
import base64
import datetime as dt
import gc
import json
import os
import random
import statistics
import sys
import tempfile
import time
import zlib
from collections.abc import Callable, Iterator, Sequence
from dataclasses import asdict, dataclass, field
from importlib.metadata import version
from pathlib import Path
from typing import Any

from cryptography import x509
from cryptography.hazmat.backends.openssl import backend as openssl
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from jwcrypto.jwk import JWK
from jwcrypto.jws import JWS
from machine import describe
from pydantic import SecretStr
from rich.console import Console
from rich.table import Table
from sd_jwt.common import SDObj
from sd_jwt.issuer import SDJWTIssuer
from sd_jwt.verifier import SDJWTVerifier

from legitka.clock import WARSAW
from legitka.credentials import jose, sd_jwt
from legitka.credentials.keys import SigningKey
from legitka.credentials.pki import Pki, UniversityRef
from legitka.credentials.status_list import StatusList, read_status_list_claims, status_list_claims
from legitka.demo.cases import UNIVERSITIES
from legitka.demo.generate import make_pesel
from legitka.demo.photos import portrait
from legitka.issuer import claims, proofs, urls
from legitka.issuer.config import IssuerConfig
from legitka.issuer.issuance import end_of_validity
from legitka.registry.models import University

NOW = dt.datetime(2026, 11, 22, 10, 0, tzinfo=dt.UTC)
BASE_URL = "https://id.example.edu"
ROUNDS = 20  # timed rounds of every measurement; the median round counts
WARMUP_ROUNDS = 1  # rounds run first and not counted
STATUS_ROUNDS = 5  # rounds of each status list step (a 10 % list takes about a second)
RAW_FACTOR = 8  # raw ES256 rounds do this many times more operations than issuance rounds
MESSAGE_BYTES = 600  # what the raw signatures sign: about a JWT's signing input
REVOKED_FRACTIONS = (0.001, 0.01, 0.1)
SUSPENDED_SHARE = 5  # at 10 % revoked, one in this many is suspended (status 2) instead
STATUS_LIST_NUMBER = 1
TARGET_RATIO = 0.30  # legitka's issuance against the raw limit
TARGET_SPEEDUP = 1.5  # legitka's issuance against the reference library
TARGET_LIST_BYTES = 64_000  # the 1 % list, as compressed lst and as a whole token
LIBRARIES = ("cryptography", "joserfc", "jwcrypto", "sd-jwt")
SECTIONS = ("1. Raw ES256 (cryptography)", "2. legitka issuance",
            "3. sd-jwt reference library")  # fmt: skip


@dataclass
class Result:
    section: str
    step: str
    count: int  # operations per round
    seconds: float  # the median round's time
    unit: str  # what ``count`` counts
    rounds: int = ROUNDS
    notes: str = ""
    fastest: float = 0.0  # the fastest round's rate
    cpu_share: float | None = None  # process CPU time over wall time in the timed rounds
    derived: bool = False  # computed from other rows, not timed itself

    @property
    def rate(self) -> float:
        return self.count / self.seconds


@dataclass
class Measurement:
    """One kind of work timed in rounds: ``work`` runs over one round's items."""

    section: str
    step: str
    unit: str
    work: Callable[[Sequence[Any]], None]
    batches: list[Sequence[Any]]  # the warm-up rounds first
    notes: str = ""
    seconds: list[float] = field(default_factory=list)
    cpu: list[float] = field(default_factory=list)

    @property
    def timed(self) -> list[float]:
        return self.seconds[WARMUP_ROUNDS:]

    @property
    def timed_batches(self) -> list[Sequence[Any]]:
        return self.batches[WARMUP_ROUNDS:]

    def per_operation(self) -> list[float]:
        """Each timed round's time per operation."""
        return [t / len(b) for t, b in zip(self.timed, self.timed_batches, strict=True)]

    def result(self) -> Result:
        timed = self.timed
        count = len(self.batches[-1])
        return Result(
            self.section, self.step, count, statistics.median(timed), self.unit,
            rounds=len(timed), notes=self.notes, fastest=count / min(timed),
            cpu_share=sum(self.cpu[WARMUP_ROUNDS:]) / sum(timed),
        )  # fmt: skip


class BenchmarkError(Exception):
    """The benchmark cannot run, or the code measured did not do what it should have."""


def expect(condition: bool, message: str) -> None:
    if not condition:
        raise BenchmarkError(message)


def run_rounds(measurements: Sequence[Measurement]) -> None:
    """Round by round, every measurement once: a slower stretch of a busy machine then falls on
    all of them alike. The garbage collector is paused in each timed round, as ``timeit`` does."""
    for index in range(len(measurements[0].batches)):
        for m in measurements:
            batch = m.batches[index]
            gc.collect()
            gc.disable()
            try:
                cpu, start = time.process_time(), time.perf_counter()
                m.work(batch)
                end, cpu_end = time.perf_counter(), time.process_time()
            finally:
                gc.enable()
            m.seconds.append(end - start)
            m.cpu.append(cpu_end - cpu)


def median_time(work: Callable[[], Any], rounds: int) -> float:
    """The median time of ``work`` over ``rounds`` rounds after a warm-up round, without the
    garbage collector."""
    times = []
    for index in range(WARMUP_ROUNDS + rounds):
        gc.collect()
        gc.disable()
        try:
            start = time.perf_counter()
            work()
            seconds = time.perf_counter() - start
        finally:
            gc.enable()
        if index >= WARMUP_ROUNDS:
            times.append(seconds)
    return statistics.median(times)


# ---- the issuer and the student ----


@dataclass(frozen=True)
class Setup:
    signer: SigningKey
    config: IssuerConfig
    slug: str
    prepared: dict[str, Any]  # the worker's personal claims, as orders.claims holds them
    issued_on: dt.date
    valid_until: dt.date

    @property
    def audience(self) -> str:
        return self.config.issuer_id(self.slug)

    @property
    def now(self) -> int:
        return int(NOW.timestamp())

    def payload(self, index: int, holder_jwk: dict[str, Any] | None) -> dict[str, Any]:
        """The always visible claims, as ``issuance._sign`` builds them (``cnf`` only with a
        holder key: the reference library adds its own)."""
        iat = self.now
        payload = {
            "iss": self.audience,
            "iat": iat,
            "nbf": iat,
            "exp": int(end_of_validity(self.valid_until).timestamp()),
            "vct": self.config.vct,
            "cnf": {"jwk": holder_jwk},
            "status": {
                "status_list": {
                    "idx": index,
                    "uri": urls.status_list(self.config.base_url, self.slug, STATUS_LIST_NUMBER),
                }
            },
        }
        if holder_jwk is None:
            del payload["cnf"]
        return payload

    def disclosable(self) -> dict[str, Any]:
        today = NOW.astimezone(WARSAW).date()
        return claims.disclosable_claims(
            self.prepared, issued_on=self.issued_on, today=today, valid_until=self.valid_until
        )


def make_setup(directory: Path) -> Setup:
    """A demo PKI with the real issuer certificate of ``pd``, and one of its students."""
    demo = UNIVERSITIES[0]
    pki = Pki(directory, SecretStr("bench"))
    pki.init(base_url=BASE_URL, universities=[UniversityRef(demo.slug, demo.name_pl,
             demo.name_en)], now=NOW, demo=True)  # fmt: skip
    signer = pki.issuer_keyring(demo.slug).signing_key(NOW)
    birth = dt.date(2004, 3, 15)
    university = University(slug=demo.slug, name_pl=demo.name_pl, name_en=demo.name_en)
    prepared = {
        "given_name": "Zofia Maria",
        "family_name": "Wiśniewska-Żak",
        "birthdate": birth.isoformat(),
        "personal_administrative_number": make_pesel(birth, 1234, female=True),
        "student_id": "204512",
        "university": claims.university_claim(university),
        "picture": claims.credential_picture(portrait(1)),
    }
    return Setup(
        signer=signer, config=IssuerConfig(base_url=BASE_URL, secret_key="bench"),  # noqa: S106
        slug=demo.slug, prepared=prepared, issued_on=NOW.astimezone(WARSAW).date(),
        valid_until=dt.date(2027, 3, 31),
    )  # fmt: skip


def make_proofs(setup: Setup, count: int) -> list[tuple[int, str]]:
    """``count`` key proofs as phones send them, each with its own key and nonce."""
    made = []
    for index in range(count):
        holder = ec.generate_private_key(ec.SECP256R1())
        made.append((index, jose.sign(
            {"typ": proofs.PROOF_TYP, "jwk": jose.public_jwk(holder)},
            {"aud": setup.audience, "iat": setup.now, "nonce": base64.urlsafe_b64encode(
                os.urandom(24)).decode()},
            holder,
        )))  # fmt: skip
    return made


# ---- the work measured ----


def ours_check(setup: Setup, proof: str) -> proofs.KeyProof:
    return proofs.check(
        proof, audience=setup.audience, now=setup.now,
        max_age=setup.config.proof_max_age_seconds, skew=setup.config.clock_skew_seconds,
    )  # fmt: skip


def ours_sign(setup: Setup, index: int, key_proof: proofs.KeyProof) -> str:
    return sd_jwt.issue(
        setup.signer, header={"typ": sd_jwt.VC_TYP},
        claims=setup.payload(index, key_proof.jwk), disclosable=setup.disclosable(),
    )  # fmt: skip


def ours_issue(setup: Setup, index: int, proof: str) -> str:
    """What the credential endpoint does per request, minus the database."""
    return ours_sign(setup, index, ours_check(setup, proof))


def reference_check(setup: Setup, proof: str) -> JWK:
    """The key proof checked with jwcrypto as ``proofs.check`` does: the header, the key, the
    signature, then aud, iat and nonce."""
    token = JWS()
    token.deserialize(proof)
    header = token.jose_header
    expect(header.get("typ") == proofs.PROOF_TYP and header.get("alg") == "ES256"
           and "kid" not in header and "x5c" not in header, "bad proof header")  # fmt: skip
    holder = JWK(**header["jwk"])
    expect(not holder.has_private and holder.get("crv") == "P-256", "bad proof key")
    token.verify(holder, alg="ES256")
    body = json.loads(token.payload)
    iat = body.get("iat")
    expect(body.get("aud") == setup.audience, "bad proof aud")
    expect(isinstance(iat, int | float) and not isinstance(iat, bool), "bad proof iat")
    expect(setup.now - setup.config.proof_max_age_seconds <= iat
           <= setup.now + setup.config.clock_skew_seconds, "proof too old or too new")  # fmt: skip
    expect(isinstance(body.get("nonce"), str) and body["nonce"], "no proof nonce")
    return holder


def reference_sign(setup: Setup, index: int, holder: JWK, issuer_key: JWK) -> str:
    disclosable = {SDObj(name): value for name, value in setup.disclosable().items()}
    issuer = SDJWTIssuer(
        {**setup.payload(index, None), **disclosable}, issuer_key, holder_key=holder,
        sign_alg="ES256",
        extra_header_parameters={"typ": sd_jwt.VC_TYP, "x5c": setup.signer.x5c()},
    )  # fmt: skip
    text: str = issuer.sd_jwt_issuance
    return text


def reference_issue(setup: Setup, index: int, proof: str, issuer_key: JWK) -> str:
    return reference_sign(setup, index, reference_check(setup, proof), issuer_key)


# ---- the checks, outside the timing ----


def expected_claims(setup: Setup, index: int, holder_jwk: dict[str, Any]) -> dict[str, Any]:
    return {**setup.payload(index, holder_jwk), **setup.disclosable()}


def check_interop(setup: Setup, issuer_key: JWK, proof: tuple[int, str]) -> list[str]:
    """Our credential verifies with the reference library's ``SDJWTVerifier`` and the reference
    library's credential with ours, both with every claim as expected."""
    index, token = proof
    holder_jwk = jose.public_jwk(jose.key_from_jwk(jose.unverified_header(token)["jwk"]))
    expected = expected_claims(setup, index, holder_jwk)
    ours = ours_issue(setup, index, token)
    headers: list[dict[str, Any]] = []

    def issuer_key_of(issuer: str, header: dict[str, Any]) -> JWK:
        expect(issuer == setup.audience, f"SDJWTVerifier saw the issuer {issuer!r}")
        headers.append(header)
        certificate = x509.load_der_x509_certificate(base64.b64decode(header["x5c"][0]))
        expect(certificate == setup.signer.certificate, "x5c does not start with our issuer")
        return JWK.from_pyca(certificate.public_key())

    try:
        verified = SDJWTVerifier(ours, issuer_key_of).get_verified_payload()
    except Exception as exc:
        raise BenchmarkError(f"sd-jwt's SDJWTVerifier refuses our credential: {exc!r}") from exc
    expect(verified == expected, "sd-jwt's SDJWTVerifier reads other claims from our "
           f"credential: {sorted(set(verified) ^ set(expected))}")  # fmt: skip
    expect(headers[0]["typ"] == sd_jwt.VC_TYP and headers[0]["x5c"] == setup.signer.x5c(),
           f"unexpected header {headers[0]}")  # fmt: skip

    theirs = reference_issue(setup, index, token, issuer_key)
    parsed = sd_jwt.parse(theirs)
    try:
        header, _ = jose.verify(parsed.jwt, setup.signer.private_key.public_key())
    except jose.JoseError as exc:
        raise BenchmarkError(f"the reference library's credential: {exc.message}") from exc
    expect(header["typ"] == sd_jwt.VC_TYP, "the reference library's typ")
    expect(parsed.claims() == expected, "the reference library's credential has other claims")
    return [
        "legitka's credential verifies with sd-jwt's SDJWTVerifier (issuer key from x5c), "
        "with every claim as issued",
        "the sd-jwt library's credential verifies with legitka (sd_jwt.parse, jose.verify), "
        "with the same claims",
    ]


# ---- the measurements ----


def batches(items: Sequence[Any], per_round: int) -> list[Sequence[Any]]:
    return [items[n * per_round : (n + 1) * per_round] for n in range(WARMUP_ROUNDS + ROUNDS)]


def bench_issuance(setup: Setup, iterations: int, progress: Console) -> dict[str, Any]:
    per_round = max(1, iterations // ROUNDS)
    progress.log(f"making {per_round * (WARMUP_ROUNDS + ROUNDS) + 1:,} key proofs …")
    made = make_proofs(setup, per_round * (WARMUP_ROUNDS + ROUNDS) + 1)
    items, spare = made[:-1], made[-1]
    checked = [(index, ours_check(setup, token)) for index, token in items]
    issuer_key = JWK.from_pyca(setup.signer.private_key)
    checked_ref = [(index, reference_check(setup, token)) for index, token in items]
    checks = check_interop(setup, issuer_key, spare)

    private = setup.signer.private_key
    public = private.public_key()
    message = os.urandom(MESSAGE_BYTES)
    signature = private.sign(message, ec.ECDSA(hashes.SHA256()))
    raw_items = list(range(per_round * RAW_FACTOR * (WARMUP_ROUNDS + ROUNDS)))

    def sign(batch: Sequence[int]) -> None:
        for _ in batch:
            private.sign(message, ec.ECDSA(hashes.SHA256()))

    def verify(batch: Sequence[int]) -> None:
        for _ in batch:
            public.verify(signature, message, ec.ECDSA(hashes.SHA256()))

    def ours(batch: Sequence[tuple[int, str]]) -> None:
        for index, token in batch:
            ours_issue(setup, index, token)

    def ours_proof(batch: Sequence[tuple[int, str]]) -> None:
        for _, token in batch:
            ours_check(setup, token)

    def ours_credential(batch: Sequence[tuple[int, proofs.KeyProof]]) -> None:
        for index, key_proof in batch:
            ours_sign(setup, index, key_proof)

    def reference(batch: Sequence[tuple[int, str]]) -> None:
        for index, token in batch:
            reference_issue(setup, index, token, issuer_key)

    def reference_proof(batch: Sequence[tuple[int, str]]) -> None:
        for _, token in batch:
            reference_check(setup, token)

    def reference_credential(batch: Sequence[tuple[int, JWK]]) -> None:
        for index, holder in batch:
            reference_sign(setup, index, holder, issuer_key)

    raw, ours_s, ref_s = SECTIONS
    raw_per_round = per_round * RAW_FACTOR
    m_sign = Measurement(
        raw,
        "ES256 signature",
        "signatures",
        sign,
        batches(raw_items, raw_per_round),
        f"P-256, SHA-256, a {MESSAGE_BYTES}-byte message",
    )
    m_verify = Measurement(
        raw,
        "ES256 verification",
        "verifications",
        verify,
        batches(raw_items, raw_per_round),
        "the same signature each time",
    )
    m_ours = Measurement(
        ours_s,
        "credential issuance, proof verification included",
        "issuances",
        ours,
        batches(items, per_round),
        "proofs.check + claims.disclosable_claims + sd_jwt.issue",
    )
    m_ref = Measurement(
        ref_s,
        "credential issuance, proof verification included",
        "issuances",
        reference,
        batches(items, per_round),
        "jwcrypto proof check + disclosable_claims + SDJWTIssuer",
    )
    parts = [
        Measurement(ours_s, "of which the key proof", "proofs", ours_proof,
                    batches(items, per_round), "proofs.check alone"),
        Measurement(ref_s, "of which the key proof", "proofs", reference_proof,
                    batches(items, per_round), "jwcrypto JWS, JWK and the same claim checks"),
        Measurement(ours_s, "of which the credential", "credentials", ours_credential,
                    batches(checked, per_round),
                    "claims.disclosable_claims + sd_jwt.issue on checked proofs"),
        Measurement(ref_s, "of which the credential", "credentials", reference_credential,
                    batches(checked_ref, per_round),
                    "disclosable_claims + SDJWTIssuer on checked proofs"),
    ]  # fmt: skip
    progress.log(f"timing {WARMUP_ROUNDS} warm-up and {ROUNDS} timed rounds of "
                 f"{per_round:,} issuances ({raw_per_round:,} raw operations) …")  # fmt: skip
    # in each round the raw operations, then ours, then the reference library's: each
    # comparison is between measurements taken one right after the other
    run_rounds([m_sign, m_verify, m_ours, m_ref, *parts])
    sign_r, verify_r, ours_r, ref_r = (m.result() for m in (m_sign, m_verify, m_ours, m_ref))
    limit_seconds = 1 / sign_r.rate + 1 / verify_r.rate
    limit_fastest = 1 / (1 / sign_r.fastest + 1 / verify_r.fastest)
    limit_r = Result(
        raw, "raw limit for one issuance", 1, limit_seconds, "issuances", rounds=ROUNDS,
        notes="1 / (t_verify + t_sign): one proof verified, one credential signed",
        fastest=limit_fastest, derived=True,
    )  # fmt: skip
    limit_rounds = [s / len(b) + v / len(c) for s, v, b, c in zip(
        m_sign.timed, m_verify.timed, m_sign.timed_batches, m_verify.timed_batches,
        strict=True)]  # fmt: skip
    ours_rounds = m_ours.per_operation()
    ratio = statistics.median(lim / t for lim, t in zip(limit_rounds, ours_rounds, strict=True))
    speedup = statistics.median(
        r / t for r, t in zip(m_ref.per_operation(), ours_rounds, strict=True)
    )
    ratio_of_medians = ours_r.rate * limit_seconds
    speedup_of_medians = ours_r.rate / ref_r.rate
    ratio_fastest = ours_r.fastest / limit_fastest
    speedup_fastest = ours_r.fastest / ref_r.fastest
    ours_r.notes += (f"; {ratio:.1%} of the raw limit, round by round ({ratio_of_medians:.1%} "
                     f"from the medians, {ratio_fastest:.1%} from the fastest rounds)")  # fmt: skip
    ref_r.notes += (f"; legitka is {speedup:.2f}× faster, round by round "
                    f"({speedup_of_medians:.2f}× from the medians, {speedup_fastest:.2f}× from "
                    "the fastest rounds)")  # fmt: skip
    results = [sign_r, verify_r, limit_r, ours_r, *(m.result() for m in parts[::2]), ref_r,
               *(m.result() for m in parts[1::2])]  # fmt: skip
    sample = ours_issue(setup, 0, items[0][1])
    reference_sample = reference_issue(setup, 0, items[0][1], issuer_key)
    return {
        "rounds": ROUNDS,
        "warmup_rounds": WARMUP_ROUNDS,
        "per_round": per_round,
        "raw_per_round": raw_per_round,
        "results": [{**asdict(r), "rate": r.rate} for r in results],
        "raw_limit": 1 / limit_seconds,
        "ratio_to_raw_limit": ratio,
        "speedup_over_reference": speedup,
        "ratio_to_raw_limit_of_medians": ratio_of_medians,
        "speedup_over_reference_of_medians": speedup_of_medians,
        "ratio_to_raw_limit_fastest_rounds": ratio_fastest,
        "speedup_over_reference_fastest_rounds": speedup_fastest,
        "credential": {
            "picture_chars": len(setup.prepared["picture"]),
            "disclosures": len(setup.disclosable()),
            "legitka_chars": len(sample),
            "reference_chars": len(reference_sample),
        },
        "checks": checks,
    }


def bench_status_lists(setup: Setup, entries: int, progress: Console) -> list[dict[str, Any]]:
    rng = random.Random(20261122)  # noqa: S311 - which entries are revoked, the same every run
    uri = urls.status_list(BASE_URL, setup.slug, STATUS_LIST_NUMBER)
    public = setup.signer.private_key.public_key()
    rows = []
    for fraction in REVOKED_FRACTIONS:
        count = round(entries * fraction)
        progress.log(f"status list of {entries:,} entries, {count:,} revoked …")
        suspended = count // SUSPENDED_SHARE if fraction >= 0.1 else 0
        indexes = rng.sample(range(entries), count)
        pairs = [(index, 2 if n < suspended else 1) for n, index in enumerate(indexes)]
        status_list = StatusList.from_entries(entries, pairs)

        def build(pairs: list[tuple[int, int]] = pairs) -> None:
            StatusList.from_entries(entries, pairs)

        compressed = status_list.compress()
        token = ""

        def sign_token(status_list: StatusList = status_list) -> None:
            nonlocal token
            token = setup.signer.sign_jwt({"typ": "statuslist+jwt"}, status_list_claims(
                uri=uri, status_list=status_list, issued_at=setup.now,
                expires_at=setup.now + setup.config.status_list_lifetime,
                ttl=setup.config.status_list_ttl,
            ))  # fmt: skip

        row = {
            "revoked_fraction": fraction,
            "revoked": count - suspended,
            "suspended": suspended,
            "build_seconds": median_time(build, STATUS_ROUNDS),
            "encode_seconds": median_time(status_list.encode, STATUS_ROUNDS),
            "token_seconds": median_time(sign_token, STATUS_ROUNDS),
            "raw_bytes": len(status_list.to_bytes()),
            "lst_compressed_bytes": len(compressed),
            "lst_chars": len(status_list.encode()["lst"]),
            "token_bytes": len(token.encode("ascii")),
            "rounds": STATUS_ROUNDS,
        }
        _, token_claims = jose.verify_claims(token, public)
        back = read_status_list_claims(token_claims, uri=uri, now=setup.now,
                                       max_entries=entries + 8)  # fmt: skip
        expect(back.size >= entries and dict(back.nonzero()) == dict(pairs),
               "the signed status list does not read back as built")  # fmt: skip
        rows.append(row)
    return rows


def targets(report: dict[str, Any]) -> list[dict[str, Any]]:
    ratio = report["issuance"]["ratio_to_raw_limit"]
    speedup = report["issuance"]["speedup_over_reference"]
    rows = [
        {"target": "legitka issuance against the raw ES256 limit", "value": ratio,
         "goal": TARGET_RATIO, "shown": f"{ratio:.1%}", "goal_shown": f"≥ {TARGET_RATIO:.0%}"},
        {"target": "legitka issuance against the sd-jwt reference library", "value": speedup,
         "goal": TARGET_SPEEDUP, "shown": f"{speedup:.2f}×", "goal_shown": f"≥ {TARGET_SPEEDUP}×"},
    ]  # fmt: skip
    one = next((r for r in report["status_lists"] if r["revoked_fraction"] == 0.01), None)
    if one is not None:
        for key, what in (("lst_compressed_bytes", "compressed lst"),
                          ("token_bytes", "whole Status List Token")):  # fmt: skip
            rows.append({
                "target": f"1 % revoked of {report['entries']:,}: {what}",
                "value": one[key], "goal": TARGET_LIST_BYTES, "shown": f"{one[key]:,} bytes",
                "goal_shown": f"< {TARGET_LIST_BYTES:,} bytes",
            })  # fmt: skip
    for row in rows:
        less = isinstance(row["value"], int)
        row["met"] = row["value"] < row["goal"] if less else row["value"] >= row["goal"]
    return rows


def run_benchmark(iterations: int, entries: int, progress: Console) -> dict[str, Any]:
    started = dt.datetime.now(dt.UTC).replace(microsecond=0)
    load = os.getloadavg()
    with tempfile.TemporaryDirectory(prefix="legitka-bench-") as tmp:
        progress.log("creating the demo PKI …")
        setup = make_setup(Path(tmp))
    report: dict[str, Any] = {
        "iterations": iterations,
        "entries": entries,
        "started_at": started.isoformat(),
        "clock": NOW.isoformat(),
        "machine": machine(),
        "load_before": [round(x, 2) for x in load],
    }
    report["issuance"] = bench_issuance(setup, iterations, progress)
    report["status_lists"] = bench_status_lists(setup, entries, progress)
    report["load_after"] = [round(x, 2) for x in os.getloadavg()]
    report["targets"] = targets(report)
    return report


# ---- reporting ----


def machine() -> dict[str, str]:
    return describe(
        OpenSSL=openssl.openssl_version_text(),
        zlib=zlib.ZLIB_RUNTIME_VERSION,
        Libraries=", ".join(f"{name} {version(name)}" for name in LIBRARIES),
    )


def per_operation(seconds: float) -> str:
    if seconds >= 1:
        return f"{seconds:.2f} s"
    if seconds >= 1e-3:
        return f"{seconds * 1e3:.1f} ms" if seconds < 0.1 else f"{seconds * 1e3:.0f} ms"
    return f"{seconds * 1e6:.1f} µs"


def kib(size: int) -> str:
    return f"{size:,} B ({size / 1024:.1f} KiB)"


def issuance_rows(report: dict[str, Any], heading: str) -> Iterator[list[str]]:
    for section in SECTIONS:
        yield [heading.format(section), "", "", "", ""]
        for r in report["issuance"]["results"]:
            if r["section"] != section:
                continue
            notes = r["notes"]
            if not r["derived"]:
                notes += (f" (fastest round {r['fastest']:,.0f}/s, CPU share "
                          f"{r['cpu_share']:.0%})")  # fmt: skip
            else:
                notes += f" (from the fastest rounds {r['fastest']:,.0f}/s)"
            rounds = "derived" if r["derived"] else f"{r['rounds']} × {r['count']:,}"
            yield [r["step"], rounds, per_operation(r["seconds"] / r["count"]),
                   f"{r['rate']:,.0f} {r['unit']}/s", notes]  # fmt: skip


def status_rows(report: dict[str, Any]) -> Iterator[list[str]]:
    for r in report["status_lists"]:
        revoked = f"{r['revoked_fraction']:.1%}: {r['revoked'] + r['suspended']:,}"
        if r["suspended"]:
            revoked += f" ({r['suspended']:,} suspended)"
        yield [revoked, per_operation(r["build_seconds"]), per_operation(r["encode_seconds"]),
               per_operation(r["token_seconds"]), kib(r["lst_compressed_bytes"]),
               kib(r["lst_chars"]), kib(r["token_bytes"])]  # fmt: skip


ISSUANCE_COLUMNS = ("Step", "Rounds × count", "Per operation", "Rate", "Notes")
STATUS_COLUMNS = ("Revoked", "Build", "Compress + encode", "Token (claims + sign)",
                  "lst compressed", "lst base64url", "Status List Token")  # fmt: skip
TARGET_COLUMNS = ("Target", "Measured", "Goal", "Met")


def title(report: dict[str, Any]) -> str:
    return (f"Issuance benchmark: {report['iterations']:,} issuances, status lists of "
            f"{report['entries']:,} entries")  # fmt: skip


def target_rows(report: dict[str, Any]) -> Iterator[list[str]]:
    for t in report["targets"]:
        yield [t["target"], t["shown"], t["goal_shown"], "yes" if t["met"] else "**no**"]


def print_table(report: dict[str, Any], console: Console) -> None:
    tables = [
        (Table(title=title(report)), ISSUANCE_COLUMNS, issuance_rows(report, "[bold]{}[/bold]")),
        (Table(title=f"Status lists of {report['entries']:,} entries (2 bits each)"),
         STATUS_COLUMNS, status_rows(report)),
        (Table(title="Targets"), TARGET_COLUMNS, target_rows(report)),
    ]  # fmt: skip
    for table, columns, rows in tables:
        for n, name in enumerate(columns):
            table.add_column(name, justify="left" if n == 0 or name == "Notes" else "right")
        for row in rows:
            table.add_row(*(cell.replace("**", "") for cell in row))
        console.print(table)


def when(iso: str) -> str:
    return dt.datetime.fromisoformat(iso).astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")


def markdown_table(columns: Sequence[str], rows: Iterator[list[str]]) -> list[str]:
    align = ["---" if n == 0 or name == "Notes" else "---:" for n, name in enumerate(columns)]
    return [f"| {' | '.join(columns)} |", f"|{'|'.join(align)}|",
            *(f"| {' | '.join(row)} |" for row in rows)]  # fmt: skip


def markdown(report: dict[str, Any], command: str) -> str:
    issuance = report["issuance"]
    credential = issuance["credential"]
    load = ", ".join(f"{x:.2f}" for x in report["load_before"])
    load_after = ", ".join(f"{x:.2f}" for x in report["load_after"])
    lines = [
        f"# {title(report)}",
        "",
        f"Run on {when(report['started_at'])} with `{command}`; the issuer's clock stood at "
        f"{when(report['clock'])}.",
        "",
        "| Machine | |",
        "|---|---|",
        *(f"| {name} | {value} |" for name, value in report["machine"].items()),
        f"| Load average (1, 5, 15 min) | {load} before, {load_after} after |",
        "",
        *markdown_table(TARGET_COLUMNS, target_rows(report)),
        "",
        *markdown_table(ISSUANCE_COLUMNS, issuance_rows(report, "**{}**")),
        "",
        f"The credential: {credential['disclosures']} disclosures, a picture data URI of "
        f"{credential['picture_chars']:,} characters; legitka's SD-JWT is "
        f"{credential['legitka_chars']:,} characters, the reference library's "
        f"{credential['reference_chars']:,}. Checked once, outside the timing:",
        "",
        *(f"- {check}" for check in issuance["checks"]),
        "",
        f"Status lists of {report['entries']:,} entries (medians of "
        f"{report['status_lists'][0]['rounds'] if report['status_lists'] else 0} rounds):",
        "",
        *markdown_table(STATUS_COLUMNS, status_rows(report)),
        "",
    ]
    return "\n".join(lines)


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--iterations", type=int, default=5_000, help="issuances timed per "
                        f"measurement, in {ROUNDS} rounds after a warm-up round (default "
                        "5000)")  # fmt: skip
    parser.add_argument("--entries", type=int, default=2_000_000, help="entries of each status "
                        "list (default 2000000)")  # fmt: skip
    parser.add_argument("--out", type=Path, help="write the results as a Markdown report here")
    parser.add_argument("--json", action="store_true", help="print the results as JSON")
    args = parser.parse_args(argv)
    if not ROUNDS <= args.iterations <= 1_000_000:
        parser.error(f"--iterations must be between {ROUNDS} and 1000000")
    if not 1_000 <= args.entries <= 16_000_000:
        parser.error("--entries must be between 1000 and 16000000 (the decoder's limit)")
    return args


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    console = Console(stderr=args.json)
    try:
        report = run_benchmark(args.iterations, args.entries, console)
    except BenchmarkError as exc:
        console.print(f"[red]Benchmark failed:[/red] {exc}")
        return 1
    command = "benchmarks/issuance.py"
    if args.iterations != 5_000:
        command += f" --iterations {args.iterations}"
    if args.entries != 2_000_000:
        command += f" --entries {args.entries}"
    if args.json:
        print(json.dumps(report, indent=2, ensure_ascii=False))
    else:
        print_table(report, console)
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(markdown(report, command), encoding="utf-8")
        console.log(f"report written to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
