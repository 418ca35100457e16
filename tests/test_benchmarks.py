"""The register benchmark runs end to end on a few students and writes its report.

Only that it completes is checked here: speed is measured by ``benchmarks/register.py`` and
recorded in ``benchmarks/results/``, never asserted in tests.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

SCRIPT = Path(__file__).parent.parent / "benchmarks" / "register.py"


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
