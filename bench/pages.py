"""Staff pages on the large dataset: server time and SQL queries per page,
then the same pages with 5 and with 500 rows of their main table.

"Server time" is the Django test client in this process: the full
middleware stack, the view, the queries and the template, without a socket.
The 5-vs-500 comparison runs inside a transaction that empties the data
tables (PostgreSQL's TRUNCATE is transactional) and is rolled back, so the
large dataset is untouched afterwards.

Run alone: `python -m bench.pages` (with DJANGO_SETTINGS_MODULE=crm.settings.bench)."""

import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass

from django.db import connection, transaction
from django.db.models import Count
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from . import page_rows
from .report import Section

MEDIAN_TARGET_MS = 150
DASHBOARD_TARGET_MS = 300
FEW, MANY = 5, 500


@dataclass(frozen=True)
class Page:
    name: str
    url_name: str
    target: str = ""  # which row fills the URL: a key of the targets dict
    grow: Callable | None = None  # adds n rows of the page's main table
    main_table: str = ""
    limit_ms: int = MEDIAN_TARGET_MS
    query: str = ""  # a query string, for a page that needs one (search)

    def url(self, targets: dict) -> str:
        return reverse(self.url_name, args=[targets[self.target]] if self.target else []) + self.query


PAGES = [
    Page("Home (my work)", "home", grow=page_rows.organizations, main_table="partners led"),
    Page("Partner list", "partners:organization_list", grow=page_rows.organizations, main_table="partners"),
    Page("Partner detail (typical)", "partners:organization_detail", "organization", page_rows.partner_timeline,
         "its contacts, interactions, requests"),
    Page("Partner detail (busiest)", "partners:organization_detail", "busiest_organization"),
    Page("Interaction list", "partners:interaction_list", grow=page_rows.interactions, main_table="interactions"),
    Page("Interaction detail", "partners:interaction_detail", "interaction", page_rows.people_present,
         "people present"),
    Page("Request list", "partners:request_list", grow=page_rows.support, main_table="requests"),
    Page("Request detail", "partners:request_detail", "request", page_rows.deliveries, "its deliveries"),
    Page("Delivery list", "partners:delivery_list", grow=page_rows.support, main_table="deliveries"),
    Page("Dashboard", "dashboard:index", grow=page_rows.organizations, main_table="partners and their work",
         limit_ms=DASHBOARD_TARGET_MS),
    Page("Board report", "dashboard:report", grow=page_rows.organizations, main_table="partners and their work",
         limit_ms=DASHBOARD_TARGET_MS),
    Page("Contact list", "partners:contact_list"),
    Page("Search (two words)", "search:results", grow=page_rows.organizations, main_table="partners",
         query="?q=night+crew"),
    Page("Survey list", "surveys:survey_list", grow=page_rows.surveys, main_table="surveys"),
    Page("Survey detail", "surveys:survey_detail", "survey", page_rows.rounds, "rounds"),
    Page("Round detail", "surveys:round_detail", "round", page_rows.invitations, "invitations"),
    Page("Round progress (htmx)", "surveys:round_progress", "round", page_rows.invitations, "invitations"),
    Page("Survey results", "surveys:survey_results", "survey", page_rows.responses, "responses"),
    Page("Mirrored questions", "surveys:mirrored_questions", grow=page_rows.responses, main_table="responses"),
    Page("Recipient list", "surveys:recipient_list", grow=page_rows.recipients, main_table="recipients"),
]  # fmt: skip


def large_targets() -> dict:
    """The rows the detail pages show on the large dataset: a typical partner
    (median number of interactions) and the busiest, the participants'
    survey (the most rounds and answers) and its latest round."""
    from partners.models import Interaction, Organization, SupportRequest
    from surveys.models import Round, Survey

    by_load = list(
        Organization.objects.annotate(n=Count("interactions")).order_by("n", "pk").values_list("pk", flat=True)
    )
    busiest = by_load[-1]
    survey = Survey.objects.get(pk=Round.objects.values("survey").annotate(n=Count("pk")).order_by("-n")[0]["survey"])
    return {
        "organization": by_load[len(by_load) // 2],
        "busiest_organization": busiest,
        "interaction": Interaction.objects.filter(organization=busiest).exclude(confidential_notes="").first().pk,
        "request": SupportRequest.objects.annotate(n=Count("deliveries")).order_by("-n", "pk").first().pk,
        "survey": survey.pk,
        "round": survey.rounds.order_by("-opened_at").first().pk,
    }


def staff_client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def bench_manager():
    from django.contrib.auth import get_user_model

    return get_user_model().objects.filter(username__startswith="bench-manager").order_by("pk").first()


def count_queries(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    if response.status_code != 200:
        raise RuntimeError(f"{url} answered {response.status_code}")
    return len(queries)


def time_page(client: Client, url: str, repeats: int, warmup: int = 2) -> dict:
    """Milliseconds per request over `repeats` requests after a warm-up, and
    the queries of one more request (counted apart: capturing them costs)."""
    for _ in range(warmup):
        client.get(url)
    times = []
    for _ in range(repeats):
        started = time.perf_counter()
        response = client.get(url)
        times.append((time.perf_counter() - started) * 1000)
        if response.status_code != 200:
            raise RuntimeError(f"{url} answered {response.status_code}")
    return {
        "median_ms": round(statistics.median(times), 1),
        "p95_ms": round(percentile(times, 95), 1),
        "queries": count_queries(client, url),
        "bytes": len(response.content),
    }


def percentile(values: list[float], pct: float) -> float:
    """Nearest-rank percentile: a value that was really measured."""
    ordered = sorted(values)
    rank = max(1, -(-len(ordered) * pct // 100))
    return ordered[int(rank) - 1]


def measure_large(repeats: int = 20, pages: list[Page] = PAGES) -> list[dict]:
    targets = large_targets()
    client = staff_client(bench_manager())
    rows = []
    for page in pages:
        url = page.url(targets)
        figures = time_page(client, url, repeats)
        rows.append({"page": page.name, "url": url, "limit_ms": page.limit_ms, **figures})
    return rows


def compare_row_counts(pages: list[Page] = PAGES, few: int = FEW, many: int = MANY) -> list[dict]:
    """Query counts with `few` and with `many` rows of each page's main table,
    on an emptied copy of the data that is rolled back at the end."""
    from .dataset import flush

    rows = []
    with transaction.atomic():
        flush(keep_users=True)
        base = page_rows.make_base()
        targets = {
            "organization": base.organization.pk,
            "interaction": base.interaction.pk,
            "request": base.request.pk,
            "survey": base.surveys["participants"].pk,
            "round": base.rounds["participants"].pk,
        }
        client = staff_client(base.manager)
        for page in pages:
            if page.grow is None:
                continue
            rows.append({"page": page.name, "main_table": page.main_table, **compare_one(client, page, targets, base)})
        transaction.set_rollback(True)
    return rows


def compare_one(client: Client, page: Page, targets: dict, base, few: int = FEW, many: int = MANY) -> dict:
    """Grows the main table to `few`, counts, grows it to `many`, counts; each
    page starts again from the base rows."""
    url = page.url(targets)
    with transaction.atomic():  # a savepoint, rolled back below
        page.grow(base, few)
        client.get(url)  # warm per-process caches (content types) outside the count
        with_few = count_queries(client, url)
        page.grow(base, many - few)
        with_many = count_queries(client, url)
        transaction.set_rollback(True)
    return {"few": with_few, "many": with_many, "equal": with_few == with_many}


def markdown(large: list[dict], compared: list[dict]) -> str:
    lines = [
        "Django test client in the benchmark process (full middleware, view, queries, template; no socket), "
        "logged in as a program manager, after 2 warm-up requests. Detail pages show a typical partner (the "
        "median number of interactions) and the busiest one, an interaction of the busiest partner with notes, "
        "the request with the most deliveries, and the survey with the most rounds (participants) and its "
        "latest round.",
        "",
        "| Page | Median ms | p95 ms | Target ms | Met | Queries |",
        "|---|---:|---:|---:|:-:|---:|",
    ]
    for row in large:
        met = "yes" if row["median_ms"] <= row["limit_ms"] else "**no**"
        lines.append(
            f"| {row['page']} | {row['median_ms']} | {row['p95_ms']} | {row['limit_ms']} | {met} | {row['queries']} |"
        )
    lines += [
        "",
        f"Queries with {FEW} and with {MANY} rows of each page's main table (an emptied copy, rolled back):",
        "",
        f"| Page | Main table | Queries, {FEW} rows | Queries, {MANY} rows | Equal |",
        "|---|---|---:|---:|:-:|",
    ]
    for row in compared:
        equal = "yes" if row["equal"] else "**NO**"
        lines.append(f"| {row['page']} | {row['main_table']} | {row['few']} | {row['many']} | {equal} |")
    return "\n".join(lines)


def run(repeats: int = 20) -> Section:
    large = measure_large(repeats)
    compared = compare_row_counts()
    return Section(
        title="Staff pages",
        markdown=markdown(large, compared),
        data={"large": large, "row_counts": compared},
    )


if __name__ == "__main__":
    import os

    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "crm.settings.bench")
    django.setup()
    print(run().markdown)
