"""Hypothesis against every query parameter of every list, export and page
that reads its query string: random text, huge numbers, impossible dates,
unicode, markup, SQL-ish and formula strings, very long values, repeated
keys. Targets are found by reading the app's pages (tests/security/fuzz_targets.py).

Properties, for every input: never a server error; a value outside a
filter's options is refused (400); a refusal changes no row; markup sent is
never found raw in the page. Exports, fed rows whose text starts like a
spreadsheet formula, write every such cell as plain text.

Figures go to test-results/fuzz.json (with tests/security/test_fuzz_forms.py)."""

import csv
import io

import django_filters
import pytest
from django.db import transaction
from django.test import Client
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st
from openpyxl import load_workbook

from reporting.figures import figure_builders
from reporting.filters import DashboardFilterForm
from tests.security.conftest import ALL_ROUTES, client_for
from tests.security.fuzz_strategies import FORMULA_TRIGGERS, formulas
from tests.security.fuzz_targets import (
    APP_PACKAGES,
    FUZZ_MARKS,
    FUZZ_SETTINGS,
    PageReader,
    Tally,
    crawl,
    fuzz,
    pages_to_crawl,
    problems_in,
    query_lookups,
)

pytestmark = FUZZ_MARKS

LISTS = {
    "partners:organization_list",
    "partners:contact_list",
    "partners:interaction_list",
    "partners:request_list",
    "partners:delivery_list",
    "surveys:survey_list",
    "surveys:recipient_list",
}
EXPORTS = {"dashboard:export", "surveys:survey_results_csv"}


@pytest.fixture(scope="module")
def targets(dataset):
    return crawl(dataset)


@pytest.fixture(scope="module")
def tally(figures):
    found = Tally()
    yield found
    found.into(figures)


def app_filtersets() -> list[type]:
    """Every FilterSet the app defines, found by subclass, not by list."""
    pending, found = list(django_filters.FilterSet.__subclasses__()), []
    while pending:
        cls = pending.pop()
        pending += cls.__subclasses__()
        if cls.__module__.split(".")[0] in APP_PACKAGES:
            found.append(cls)
    return found


def input_names(form) -> set[str]:
    """The names a form's fields take in a query string (a date range is two)."""
    reader = PageReader()
    reader.feed(f"<form>{form.as_div()}</form>")
    return set(reader.forms[0]["fields"])


# --- the target list is complete -----------------------------------------------------


def test_every_page_that_reads_its_query_is_a_target(dataset, targets, tally):
    """Pages no crawled role can open as a plain GET (a second sign-in step
    half done, say) are listed in fuzz.json instead of failing here."""
    crawled = {key for key, _, _ in pages_to_crawl(dataset)}
    readers = {route.key for route in ALL_ROUTES if not route.is_admin and query_lookups(route.callback)}
    tally.not_reached = sorted(readers - crawled)

    assert LISTS | EXPORTS | {"dashboard:index", "dashboard:report"} <= set(targets.get)
    missing = (readers & crawled) - set(targets.get)
    assert not missing, f"pages that read their query but are not fuzzed: {missing}"


def test_every_filter_field_is_fuzzed(targets):
    """A field added to a FilterSet or to the dashboard's filter is fuzzed,
    or this fails."""
    filter_forms = [cls().form for cls in app_filtersets()] + [DashboardFilterForm()]
    fuzzed = [set(target.fields) for target in targets.get.values()]
    assert len(filter_forms) >= 7
    for form in filter_forms:
        names = input_names(form)
        assert any(names <= fields for fields in fuzzed), f"{type(form).__name__}: {names} not all fuzzed"


def test_every_list_fuzzes_paging_sorting_and_export(targets):
    for key in LISTS:
        assert {"page", "per_page", "sort", "_export"} <= set(targets.get[key].fields), key


# --- the checks can fail ----------------------------------------------------------------


def test_the_checks_catch_a_server_error_a_reflection_and_a_wrong_acceptance(targets):
    from django.http import HttpResponse

    target = targets.get["partners:organization_list"]
    reflected = HttpResponse("<p>No partner called <script>alert(1)</script></p>")
    problems = problems_in(target, reflected, {"q": ["<script>alert(1)</script>"]}, changed=False)
    assert problems == ["unescaped reflection of '<script>alert('"]
    assert problems_in(target, HttpResponse(status=500), {}, changed=False) == ["server error 500"]
    assert problems_in(target, HttpResponse(status=400), {}, changed=True) == ["answered 400 but changed rows"]
    accepted = problems_in(target, HttpResponse(), {"kind": ["not-a-kind"]}, changed=False)
    assert accepted == ["kind was sent a value that is not an option, answered 200"]
    escaped = HttpResponse("<p>No partner called &lt;script&gt;alert(1)&lt;/script&gt;</p>")
    assert problems_in(target, escaped, {"q": ["<script>alert(1)</script>"]}, changed=False) == []


# --- the fuzzing ---------------------------------------------------------------------


def test_no_query_breaks_a_page_or_reflects_markup(dataset, baseline, targets, tally):
    failures = []
    for key, target in sorted(targets.get.items()):
        try:
            fuzz(dataset, target, baseline, tally)
        except Exception as error:  # noqa: BLE001 - one target's failure must not hide the next one's
            failures.append(f"{key}: {error}")
    assert not failures, "\n".join(failures)


# --- exports write formulas as text --------------------------------------------------------


def cells_of(response) -> list[tuple[str, object]]:
    """(where, value) of every cell of a CSV or XLSX response."""
    if response["Content-Type"].startswith("text/csv"):
        rows = csv.reader(io.StringIO(response.content.decode("utf-8-sig")))
        return [("csv", cell) for row in rows for cell in row]
    sheet = load_workbook(io.BytesIO(response.content), read_only=True).active
    return [("xlsx", cell) for row in sheet.iter_rows(values_only=True) for cell in row]


def is_number(value) -> bool:
    try:
        float(str(value).replace(",", ""))
    except ValueError:
        return False
    return True


def plant(data, text: str) -> None:
    """Puts the text where each export shows free text written by staff."""
    from tests import factories as f

    organization = f.OrganizationFactory(name=text[:200] or "x", service_area=text[:200])
    f.ContactFactory(organization=organization, name_or_alias=text[:120] or "x", role=text[:120])
    f.InteractionFactory(organization=organization, summary=text, logged_by=data.users["manager"])
    request = f.SupportRequestFactory(organization=organization, description=text)
    f.SupportDeliveryFactory(request=request, description=text, delivered_by=data.users["manager"])
    type(data.question).objects.filter(pk=data.question.pk).update(text=text[:500] or "x")


def export_urls(data) -> list[str]:
    urls = [
        reverse(key) + f"?_export={fmt}"
        for key in sorted(LISTS - {"surveys:survey_list", "surveys:recipient_list"})
        for fmt in ("csv", "xlsx")
    ]
    urls += [reverse("dashboard:export", args=[name]) for name in figure_builders(surveys=True)]
    urls.append(reverse("surveys:survey_results_csv", args=[data.survey.pk]))
    return urls


def test_exports_write_formula_starts_as_text(dataset, figures):
    urls = export_urls(dataset)
    counts = {"exports": len(urls), "cells_checked": 0, "formula_cells_found": 0, "neutralised_cells_found": 0}

    @FUZZ_SETTINGS
    @given(text=st.one_of(formulas, st.sampled_from(FORMULA_TRIGGERS).map(lambda c: c + "SUM(A1)")))
    def export_everything(text):
        client: Client = client_for(dataset, "manager")
        with transaction.atomic():
            plant(dataset, text)
            for url in urls:
                response = client.get(url)
                assert response.status_code == 200, url
                for where, cell in cells_of(response):
                    counts["cells_checked"] += 1
                    if isinstance(cell, str) and cell.startswith("'") and cell[1:].startswith(FORMULA_TRIGGERS):
                        counts["neutralised_cells_found"] += 1
                    if isinstance(cell, str) and cell.startswith(FORMULA_TRIGGERS) and not is_number(cell):
                        counts["formula_cells_found"] += 1
                        raise AssertionError(f"{url} ({where}) has a formula cell: {cell!r}")
            transaction.set_rollback(True)

    export_everything()
    figures["fuzz-exports"] = counts
    assert counts["cells_checked"] > 0
    # The planted formulas did reach the exports (written as text): the check above saw them.
    assert counts["neutralised_cells_found"] > 0
