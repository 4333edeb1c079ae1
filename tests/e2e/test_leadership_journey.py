"""A board member in the Leadership group reads the dashboard, narrows the
period, downloads a table, opens the printable report, and is refused when
trying to edit. No confidential note shows anywhere along the way."""

import csv
import datetime
import html
import re
from pathlib import Path

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from partners.models import Interaction
from tests.factories import InteractionFactory, OrganizationFactory, UserFactory

from .conftest import check_page, field, log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

SECRET_NOTE = "Planted secret: the back door code is 4471"
# A partner name that a spreadsheet would run as a formula if the export did not neutralise it.
FORMULA_NAME = '=HYPERLINK("http://example.org","Click")'
FORMULA_START = ("=", "+", "-", "@")


def _load_data():
    call_command("load_demo_data", verbosity=0)
    call_command("load_demo_surveys", verbosity=0)
    partner = OrganizationFactory(name="Riverside Night Collective", keep_in_touch_days=14)
    InteractionFactory(
        organization=partner,
        happened_on=datetime.date.today() - datetime.timedelta(days=40),
        summary="Planning the spring safety workshop.",
        confidential_notes=SECRET_NOTE,
    )
    formula = OrganizationFactory(name=FORMULA_NAME, keep_in_touch_days=7)
    InteractionFactory(organization=formula, happened_on=datetime.date.today() - datetime.timedelta(days=20))
    return partner


def _confidential_notes() -> list[str]:
    return [i.confidential_notes for i in Interaction.objects.all() if i.confidential_notes]


def _key_figure(page, label: str) -> str:
    figure = page.locator(".key-figure").filter(has=page.get_by_text(label, exact=True))
    return figure.locator(".key-value").inner_text()


def test_leadership_reads_filters_exports_prints_and_cannot_edit(open_page, live_server):
    partner = _load_data()
    UserFactory(username="lee", first_name="Lee", groups=["Leadership"])
    notes = _confidential_notes()
    assert SECRET_NOTE in notes
    seen = []  # the HTML of every page, checked for notes at the end

    page = open_page()
    log_in(page, live_server, "lee", "correct-horse-battery")
    seen.append(page.content())

    # The dashboard, last 12 months by default.
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Dashboard").click()
    page.get_by_role("heading", name="Dashboard", level=1).wait_for()
    check_page(page, "dashboard")
    seen.append(page.content())
    period = page.locator(".period").first.inner_text()
    interactions_year = _interactions_in_period(page)
    money_year = _key_figure(page, "Money delivered")

    # The last 30 days only: the period and the figures change.
    today = datetime.date.today()
    field(page, "From").fill((today - datetime.timedelta(days=30)).isoformat())
    field(page, "To").fill(today.isoformat())
    page.get_by_role("button", name="Show").click()
    page.wait_for_url(re.compile(r"start="))
    check_page(page, "dashboard, last 30 days")
    seen.append(page.content())
    assert page.locator(".period").first.inner_text() != period
    assert _interactions_in_period(page) < interactions_year
    assert _key_figure(page, "Money delivered") != money_year

    # A table as CSV, for the same period: rows, and nothing a spreadsheet would run.
    with page.expect_download() as download_info:
        page.get_by_role("link", name=re.compile(r"^CSV\W+Partners past their keep-in-touch")).click()
    download = download_info.value
    assert download.suggested_filename.startswith("overdue-partners-")
    text = Path(download.path()).read_text(encoding="utf-8")
    rows = list(csv.reader(text.splitlines()))
    assert len(rows) > 2, rows
    assert all(not cell.startswith(FORMULA_START) for row in rows for cell in row), rows
    assert any("HYPERLINK" in cell for row in rows for cell in row), "the planted partner is in the export"
    seen.append(text)

    # The board report: no navigation, on screen or on paper.
    page.get_by_role("link", name="Board report (printable)").click()
    page.get_by_role("heading", name="Partnerships and feedback: board report").wait_for()
    check_page(page, "board report")
    seen.append(page.content())
    expect(page.get_by_role("navigation")).to_have_count(0)
    page.emulate_media(media="print")
    expect(page.get_by_role("navigation")).to_have_count(0)
    expect(page.get_by_role("link", name="Back to the dashboard")).to_be_hidden()
    page.emulate_media(media="screen")

    # Partner pages are readable, without the notes.
    page.goto(live_server.url + partner.get_absolute_url())
    page.get_by_text("Planning the spring safety workshop.").wait_for()
    check_page(page, "partner (leadership)")
    seen.append(page.content())
    page.locator(".timeline-item").filter(has_text="Planning the spring").get_by_role("link").first.click()
    page.get_by_text("Planning the spring safety workshop.").wait_for()
    check_page(page, "interaction (leadership)")
    seen.append(page.content())

    # Editing is refused with the friendly 403 page.
    for url in ("/partners/new/", f"/partners/{partner.pk}/edit/"):
        response = page.goto(live_server.url + url)
        assert response.status == 403, url
        page.get_by_role("heading", name=re.compile("You do not have access")).wait_for()
        check_page(page, f"403 on {url}")
        seen.append(page.content())

    leaked = [note for note in notes for text in seen if note in text or html.escape(note) in text]
    assert leaked == []


def _interactions_in_period(page) -> int:
    """All interactions in the period: the sum of the "Total" column of the
    interactions-by-month table."""
    table = page.get_by_role("table", name="Interactions per month, by kind")
    totals = table.locator("tbody tr td:last-child").all_inner_texts()
    return sum(int(t.replace(",", "")) for t in totals if t.strip().replace(",", "").isdigit())
