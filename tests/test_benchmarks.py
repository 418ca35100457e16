"""The benchmarks run end to end on a tiny size and write their reports.

Only that they complete is checked here: speed is measured by the scripts in ``benchmarks/``
and recorded in ``benchmarks/results/``, never asserted in tests.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

SCRIPT = Path(__file__).parent.parent / "benchmarks" / "register.py"
ISSUANCE = SCRIPT.with_name("issuance.py")


def test_register_benchmark_runs_on_a_few_students(tmp_path: Path) -> None:
    out = tmp_path / "report" / "register.md"
    database = tmp_path / "bench.sqlite3"
    result = subprocess.run(
        [sys.executable, str(SCRIPT), "--students", "50", "--database-url",
         f"sqlite:///{database}", "--out", str(out), "--json"],
        capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["students"] == 50
    assert report["database"].startswith("SQLite ")
    steps = {r["step"]: r for r in report["results"]}
    assert steps["import_students (all new people)"]["count"] == 50
    assert steps["the same statement again (all duplicates)"]["count"] == 50
    assert steps["generate_students (into pd)"]["count"] == 50
    assert all(r["seconds"] is not None for r in report["results"] if r["unit"])
    assert database.exists()
    text = out.read_text(encoding="utf-8")
    assert text.startswith("# Register benchmark: SQLite")
    for heading in ("1. Student CSV import", "2. Bank statement import", "3. Eligibility",
                    "4. Demo data", "5. Database", "| Python |"):  # fmt: skip
        assert heading in text


def test_issuance_benchmark_runs_on_a_few_issuances(tmp_path: Path) -> None:
    out = tmp_path / "report" / "issuance.md"
    result = subprocess.run(
        [sys.executable, str(ISSUANCE), "--iterations", "20", "--entries", "10000", "--json",
         "--out", str(out)],
        capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert (report["iterations"], report["entries"]) == (20, 10_000)
    issuance = report["issuance"]
    rows = {(r["section"], r["step"]): r for r in issuance["results"]}
    sections = {section for section, _ in rows}
    assert sections == {"1. Raw ES256 (cryptography)", "2. legitka issuance",
                        "3. sd-jwt reference library"}  # fmt: skip
    for step in ("ES256 signature", "ES256 verification", "raw limit for one issuance"):
        assert ("1. Raw ES256 (cryptography)", step) in rows
    for section in ("2. legitka issuance", "3. sd-jwt reference library"):
        main = rows[section, "credential issuance, proof verification included"]
        assert main["count"] == issuance["per_round"]
        assert main["count"] * main["rounds"] == 20
        assert (section, "of which the key proof") in rows
        assert (section, "of which the credential") in rows
    assert all(r["seconds"] > 0 and r["rate"] > 0 for r in issuance["results"])
    for key in ("raw_limit", "ratio_to_raw_limit", "speedup_over_reference",
                "ratio_to_raw_limit_of_medians", "ratio_to_raw_limit_fastest_rounds"):  # fmt: skip
        assert issuance[key] > 0
    assert len(issuance["checks"]) == 2  # both libraries read each other's credential
    assert issuance["credential"]["disclosures"] == 10
    lists = report["status_lists"]
    assert [r["revoked_fraction"] for r in lists] == [0.001, 0.01, 0.1]
    assert [r["revoked"] + r["suspended"] for r in lists] == [10, 100, 1000]
    assert lists[2]["suspended"] == 200
    for r in lists:
        assert r["raw_bytes"] == 2500
        assert 0 < r["lst_compressed_bytes"] < r["lst_chars"] < r["token_bytes"]
        assert min(r["build_seconds"], r["encode_seconds"], r["token_seconds"]) > 0
    assert len(report["targets"]) == 4
    assert all(isinstance(t["met"], bool) for t in report["targets"])
    text = out.read_text(encoding="utf-8")
    assert text.startswith("# Issuance benchmark: 20 issuances")
    for heading in ("1. Raw ES256", "2. legitka issuance", "3. sd-jwt reference library",
                    "Status List Token", "| Python |", "| Target |"):  # fmt: skip
        assert heading in text


def test_ordering_benchmark_runs_with_a_few_students(tmp_path: Path) -> None:
    out = tmp_path / "ordering.md"
    script = Path(__file__).parent.parent / "benchmarks" / "ordering.py"
    result = subprocess.run(
        [sys.executable, str(script), "--students", "5", "--json", "--out", str(out)],
        capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["students"] == 5 and report["ready"] == 5 and report["errors"] == []
    assert report["p50"] <= report["p99"] <= report["max"]
    assert out.read_text(encoding="utf-8").startswith("## 5 students order at once: SQLite")


@pytest.mark.postgresql
def test_load_test_runs_in_its_short_form(tmp_path: Path, postgres_database: str) -> None:
    """The load test's short form: real processes on PostgreSQL, a few students and
    verifications, no error (the full form is ``make load``)."""
    out = tmp_path / "load.md"
    script = Path(__file__).parent.parent / "benchmarks" / "load.py"
    admin = postgres_database.rsplit("/", 1)[0] + "/postgres"
    result = subprocess.run(
        [sys.executable, str(script), "--short", "--postgres", admin, "--json", "--out", str(out)],
        capture_output=True, text=True, timeout=600, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr[-2000:] + result.stdout[-2000:]
    report = json.loads(result.stdout)
    (run,) = report["runs"]
    assert run["app_processes"] == 2 and run["worker_processes"] == 1
    for phase in ("flows", "verifications"):
        assert run[phase]["errors"] == 0 and run[phase]["count"] > 0
        assert run[phase]["p50"] <= run[phase]["p99"]
    assert out.read_text(encoding="utf-8").startswith("## Load test")


def test_verification_benchmark_runs_on_a_few_verifications(tmp_path: Path) -> None:
    out = tmp_path / "verification.md"
    script = Path(__file__).parent.parent / "benchmarks" / "verification.py"
    result = subprocess.run(
        [sys.executable, str(script), "--iterations", "20", "--entries", "10000", "--json",
         "--out", str(out)],
        capture_output=True, text=True, timeout=600, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert (report["entries"], report["per_round"]) == (10_000, 1)
    steps = {r["step"] for r in report["results"]}
    assert {"ES256 verification", "raw limit for one presentation",
            "SDJWTVerifier with the KB-JWT"} <= steps  # fmt: skip
    assert all(r["seconds"] > 0 and r["rate"] > 0 for r in report["results"])
    assert report["presentation"]["picture_data_uri_chars"] <= 20_000
    assert report["ratio_to_raw_limit"] > 0 and report["speedup_over_best_library"] > 0
    assert [t["target"] for t in report["targets"]] == [
        "legitka against the raw ES256 limit", "legitka against the best library"]  # fmt: skip
    assert out.read_text(encoding="utf-8").startswith("## Verification benchmark")


REPORT = SCRIPT.with_name("report.py")


def test_report_runs_every_benchmark_into_one_file(tmp_path: Path) -> None:
    out = tmp_path / "BENCHMARKS.md"
    result = subprocess.run(
        [sys.executable, str(REPORT), "--quick", "--skip", "load", "--out", str(out)],
        capture_output=True, text=True, timeout=600, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    text = out.read_text(encoding="utf-8")
    assert text.startswith("# Benchmarks\n")
    assert "**Quick run**" in text
    sections = re.findall(r"^## (.+)$", text, flags=re.MULTILINE)
    assert sections == ["Machine", "Summary", "1. Register", "2. Issuance", "3. Status lists",
                        "4. Verification", "5. Order latency", "6. Load test"]  # fmt: skip
    assert "| CPU |" in text and "| Node.js |" in text
    parts = dict(re.findall(r"^## \d\. (.+?)\n(.*?)(?=^## |\Z)", text, re.MULTILINE | re.DOTALL))
    for name in ("Register", "Issuance", "Status lists", "Verification", "Order latency"):
        assert "Ran on " in parts[name] and "run it alone with `.venv/bin/python benchmarks/" in (
            parts[name]), name  # fmt: skip
        assert "Failed" not in parts[name], parts[name]
    for name in ("Issuance", "Status lists", "Verification", "Order latency"):
        assert "Target, DESIGN.md" in parts[name], name
        verdict = r"\| (yes|\*\*no\*\*) \|$|\*\*(met|not met)\*\*"
        assert re.search(verdict, parts[name], re.MULTILINE), name
    for name in ("Issuance", "Verification"):  # the raw limit and the peer, from the same run
        assert re.search(r"\*\*\d+\.\d%\*\* of it", parts[name]), parts[name]
        assert re.search(r"\*\*\d+\.\d\d×\*\* as fast", parts[name]), parts[name]
    assert "Compressed / raw" in parts["Status lists"]
    assert "5 of 5" in parts["Order latency"]
    assert parts["Load test"].startswith("\nSkipped (`--skip load`)")


def test_report_says_which_benchmark_failed_and_exits_non_zero(tmp_path: Path) -> None:
    """A failing script leaves its section saying why; the others are written all the same."""
    sys.path.insert(0, str(REPORT.parent))
    try:
        import report  # type: ignore[import-not-found]
    finally:
        sys.path.remove(str(REPORT.parent))
    failing = tmp_path / "failing.py"
    failing.write_text("import sys\nprint('setting up', file=sys.stderr)\n"
                       "sys.exit('the database went away')\n")  # fmt: skip
    register, *_ = report.BENCHMARKS
    benchmarks = (
        report.Benchmark("broken", failing, (), None, (("Broken", report.register),)),
        report.Benchmark("absent", tmp_path / "absent.py", (), None, (("Absent", report.load),)),
        register,
    )
    out = tmp_path / "BENCHMARKS.md"
    code = report.main(["--quick", "--out", str(out), "--skip", "register"], benchmarks)
    assert code == 1
    text = out.read_text(encoding="utf-8")
    assert "**Failed**: exit status 1: the database went away" in text
    assert "Not available: " in text and "absent.py is not in this checkout" in text
    assert "## 3. Register\n\nSkipped (`--skip register`)" in text
