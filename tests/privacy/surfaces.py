"""Every place staff can read survey figures, fetched as one role sees them.

Surface names start with their kind: "results", "results.csv", "mirrored",
"round", "dashboard", "report" and "dashboard.csv", then what they show
(survey and round, or figure and date range)."""

import datetime
import itertools
import re

from django.test import Client
from django.urls import reverse
from django.utils import timezone

from surveys.models import Round, Survey

from .forms import select_options

SURVEY_FIGURES = ("response-rates", "domain-scores", "partner-trend", "mirrored-questions")


def _get(client: Client, url: str) -> str:
    response = client.get(url)
    assert response.status_code < 500, (url, response.status_code)
    if response.status_code in (301, 302, 303):
        location = response["Location"]
        assert "/login" not in location, f"{url}: the session ran out ({location})"
        return f"HTTP {response.status_code} -> {location}"
    body = b"".join(response.streaming_content) if response.streaming else response.content
    text = body.decode("utf-8", errors="replace")
    return text if response.status_code == 200 else f"HTTP {response.status_code}\n{text}"


def local_day(moment: datetime.datetime) -> datetime.date:
    return timezone.localtime(moment).date()


def dashboard_ranges(*, cuts: bool = False) -> list[tuple[datetime.date, datetime.date]]:
    """Date ranges around the rounds: the whole span, each calendar month a
    round touches, and ranges starting or ending the day before, of and after
    each round's opening. With `cuts`, also every range from one opening to
    another (a day either side), cutting through multi-round spans."""
    rounds = list(Round.objects.values_list("opened_at", "closes_at"))
    if not rounds:
        return []
    day = datetime.timedelta(days=1)
    openings = sorted({local_day(opened) for opened, _ in rounds})
    first, last = openings[0] - day, max(local_day(closes) for _, closes in rounds) + day
    ranges = {(first, last)}
    for opened, closes in rounds:
        month = local_day(opened).replace(day=1)
        while month <= local_day(closes):
            following = (month + 32 * day).replace(day=1)
            ranges.add((month, following - day))
            month = following
    for opening, shift in itertools.product(openings, (-day, 0 * day, day)):
        ranges |= {(opening + shift, last), (first, opening + shift)}
    if cuts:
        for start, end in itertools.combinations_with_replacement(openings, 2):
            ranges |= {(start - day, end + day), (start + day, end - day), (start, end + 3 * day)}
    return sorted((start, end) for start, end in ranges if start <= end)


def fetch_results(client: Client, pages: dict) -> None:
    """Every survey with a round: the results page and its CSV for "All
    rounds", every round the page offers and every round of the survey."""
    for survey in Survey.objects.filter(rounds__isnull=False).distinct().order_by("pk"):
        page_url = reverse("surveys:survey_results", args=[survey.pk])
        csv_url = reverse("surveys:survey_results_csv", args=[survey.pk])
        everything = _get(client, page_url)
        offered = {"", *select_options(everything, "round")}
        offered |= {str(pk) for pk in Round.objects.filter(survey=survey).values_list("pk", flat=True)}
        for choice in sorted(offered):
            query = f"?round={choice}" if choice else ""
            label = f"survey={survey.pk} round={choice or 'all'}"
            pages[f"results {label}"] = _get(client, page_url + query) if choice else everything
            pages[f"results.csv {label}"] = _get(client, csv_url + query)


def fetch_dashboard(client: Client, pages: dict, ranges) -> None:
    """The dashboard, its survey CSVs (and any other export it links to that
    is about surveys) and the board report, for every date range."""
    figures = list(SURVEY_FIGURES)
    for start, end in ranges:
        query = f"?start={start.isoformat()}&end={end.isoformat()}"
        span = f"{start.isoformat()}..{end.isoformat()}"
        pages[f"dashboard {span}"] = page = _get(client, reverse("dashboard:index") + query)
        linked = set(re.findall(r"/dashboard/export/([\w-]+)\.csv", page)) & {*SURVEY_FIGURES, "key-figures"}
        figures += sorted(linked - set(figures))
        pages[f"report {span}"] = _get(client, reverse("dashboard:report") + query)
        for name in figures:
            pages[f"dashboard.csv {name} {span}"] = _get(client, reverse("dashboard:export", args=[name]) + query)


def fetch_all(client: Client, *, ranges=None, results: bool = True, dashboard: bool = True) -> dict[str, str]:
    """Every surface, by name, as `client` sees it now."""
    pages: dict[str, str] = {}
    if results:
        fetch_results(client, pages)
        pages["mirrored"] = _get(client, reverse("surveys:mirrored_questions"))
        for pk in Round.objects.order_by("pk").values_list("pk", flat=True):
            pages[f"round {pk}"] = _get(client, reverse("surveys:round_detail", args=[pk]))
    if dashboard:
        fetch_dashboard(client, pages, dashboard_ranges() if ranges is None else ranges)
    return pages
