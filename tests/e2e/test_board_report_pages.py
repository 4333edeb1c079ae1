"""The board report prints on one A4 page for a range of 3 months, 1 year
and 5 years, on demo data with five years of history: Chromium prints it to
PDF and poppler counts the pages. Each is photographed for the README."""

import datetime
import shutil
import subprocess

import pytest
from django.core.management import call_command
from django.utils import timezone

from .conftest import SCREENSHOTS, log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

# Months, this one included: the longest the dashboard takes is five years.
RANGES = {"3-months": 3, "1-year": 12, "5-years": 60}


def pages(pdf) -> int:
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout  # noqa: S603, S607
    return int(next(line.split()[-1] for line in info.splitlines() if line.startswith("Pages:")))


@pytest.mark.skipif(not shutil.which("pdfinfo"), reason="needs poppler-utils (apt-get install poppler-utils)")
def test_the_board_report_is_one_a4_page_for_any_range(open_page, live_server, tmp_path):
    call_command("load_demo_data", verbosity=0)
    call_command("load_demo_surveys", verbosity=0)
    page = open_page(width=1280, height=900)
    log_in(page, live_server, "leader", "demo-leader-pass")
    today = timezone.localdate()

    for name, months in RANGES.items():
        start = today.replace(day=1)
        for _month in range(months - 1):
            start = (start - datetime.timedelta(days=1)).replace(day=1)
        answer = page.goto(f"{live_server.url}/dashboard/report/?start={start:%Y-%m-%d}&end={today:%Y-%m-%d}")
        assert answer.status == 200, name
        pdf = tmp_path / f"{name}.pdf"
        page.pdf(path=pdf, format="A4", print_background=True)

        assert pages(pdf) == 1, f"the {name} report prints on {pages(pdf)} pages"
        to_png = ["pdftoppm", "-png", "-r", "70", "-singlefile", str(pdf), str(SCREENSHOTS / f"board-report-{name}")]
        subprocess.run(to_png, check=True)  # noqa: S603, S607 - poppler on our own file
