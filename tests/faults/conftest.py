"""The fault suite's report: each test records what happened to the emails
of its fault, and the session writes them to test-results/faults.json
(docs/reliability.md explains each row)."""

import json
from pathlib import Path

import pytest

RESULTS = Path(__file__).resolve().parents[2] / "test-results" / "faults.json"
_rows: list[dict] = []


@pytest.fixture
def fault_report():
    """Call with the fault's name and its figures."""

    def record(fault: str, **figures) -> None:
        _rows.append({"fault": fault, **figures})

    return record


def pytest_sessionfinish(session, exitstatus):
    if not _rows:
        return
    RESULTS.parent.mkdir(exist_ok=True)
    previous = json.loads(RESULTS.read_text()) if RESULTS.exists() else []
    faults = {row["fault"] for row in _rows}
    kept = [row for row in previous if row["fault"] not in faults]
    RESULTS.write_text(json.dumps(sorted(kept + _rows, key=lambda row: row["fault"]), indent=2) + "\n")
