"""A hostile CSV within the 2 MB the recipient import accepts is refused or
read in bounded time and memory, through the page a program manager uses
(upload, then the check and the preview). Before, a 0.17 MB file with a
20,000-column header took 8 s of CPU: every row built a record of every
column. CPU is measured on its own, after a first request has loaded the URL
modules, and memory on a second upload under tracemalloc (which slowed the
20,000-row file from 0.9 s to 3.8 s, and to 6.4 s on a busy CI machine).
Figures in test-results/hostile-csv.json."""

import json
import time
import tracemalloc
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from surveys.models import Recipient

pytestmark = pytest.mark.django_db

IMPORT = reverse("surveys:recipient_import")
TWO_MB = 2 * 1024 * 1024 - 1024
RESULTS = Path(__file__).resolve().parents[2] / "test-results" / "hostile-csv.json"
_figures: dict[str, dict] = {}


def _fill(head: str, line: str) -> str:
    return head + line * ((TWO_MB - len(head)) // len(line))


FILES = {
    "wide header (100,000 columns)": ",".join(["email"] + [f"c{n}" for n in range(100_000)])[:TWO_MB] + "\n",
    "wide header, many short rows": _fill(",".join(["email"] + [f"c{n}" for n in range(20_000)]) + "\n", "a@b.org\n"),
    "wide rows (every row 5,000 cells)": _fill("email,language,consent\n", "a@b.org,en,yes" + ",x" * 5_000 + "\n"),
    "one deeply quoted cell": 'email,language,consent\n"' + '""' * (TWO_MB // 2 - 40) + '",en,yes\n',
    "long cells": _fill("email,language,consent\n", "a" * 60_000 + "@b.org,en,yes\n"),
    "many rows (20,000)": "email,language,consent\n" + "".join(f"p{n}@example.org,en,yes\n" for n in range(20_000)),
    "too many rows": _fill("email,language,consent\n", "p@example.org,en,yes\n"),
    "UTF-16": None,
}


def _post(client, data: bytes):
    upload = SimpleUploadedFile("people.csv", data, "text/csv")
    return client.post(IMPORT, {"audience": "participants", "file": upload})


def _cpu_seconds(client, data: bytes):
    started = time.process_time()
    page = _post(client, data)
    return time.process_time() - started, page


@pytest.mark.parametrize("name", FILES)
def test_a_hostile_csv_is_refused_or_read_in_bounded_time_and_memory(manager_client, name):
    text = FILES[name]
    utf16 = ("email,language,consent\n" + "José@example.org,es,sí\n" * 40_000).encode("utf-16")
    data = utf16 if text is None else text.encode()
    assert len(data) <= 2 * 1024 * 1024

    manager_client.get(IMPORT)  # the first request of a process loads every URL module; not the file's cost
    cpu, page = _cpu_seconds(manager_client, data)  # without tracemalloc, which slows Python two- to threefold
    tracemalloc.start()
    _post(manager_client, data)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()

    _figures[name] = {"bytes": len(data), "status": page.status_code, "cpu_seconds": round(cpu, 2),
                      "peak_mb": round(peak / 1e6, 1)}  # fmt: skip
    assert page.status_code in (200, 400)
    assert cpu < 5 and peak < 200e6, _figures[name]
    assert not Recipient.objects.exists()  # step one stores nothing


def test_a_wide_file_is_refused_with_a_reason(manager_client):
    data = FILES["wide header, many short rows"].encode()
    page = manager_client.post(IMPORT, {"audience": "participants", "file": SimpleUploadedFile("p.csv", data)})

    assert page.status_code == 400
    assert "The file has 20,001 columns; at most 50 are read." in page.content.decode()


@pytest.fixture(scope="module", autouse=True)
def _write_figures():
    yield
    if _figures:
        RESULTS.parent.mkdir(exist_ok=True)
        RESULTS.write_text(json.dumps(_figures, indent=2) + "\n")


def test_the_check_page_lists_every_problem_and_a_sample_of_the_rest(manager_client):
    lines = [f"p{n}@example.org,en,yes" for n in range(2_000)]
    lines[1_500] = "not-an-address,en,yes"
    data = ("email,language,consent\n" + "\n".join(lines) + "\n").encode()

    page = manager_client.post(IMPORT, {"audience": "participants", "file": SimpleUploadedFile("p.csv", data)})

    html = page.content.decode()
    assert page.status_code == 200
    listed = html.split("import-preview", 1)[1]  # the table; the whole text also waits in a hidden field
    assert "<td>not-an-address</td>" in listed and "<td>p0@example.org</td>" in listed
    assert "<td>p1999@example.org</td>" not in listed
    assert "1899 more rows are not listed: the counts above include them." in html
    assert "Import 1999 valid rows" in html  # the whole file is still imported
