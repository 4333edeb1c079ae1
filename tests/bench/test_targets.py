"""The targets table says which targets were met, and what was not measured."""

from bench import targets
from bench.report import Section


def pages_section(dashboard_ms: float, equal: bool) -> Section:
    return Section(
        "Staff pages",
        "",
        {
            "large": [
                {"page": "Partner list", "median_ms": 90.0, "limit_ms": 150},
                {"page": "Dashboard", "median_ms": dashboard_ms, "limit_ms": 300},
            ],
            "row_counts": [{"page": "Partner list", "equal": True}, {"page": "Dashboard", "equal": equal}],
        },
    )


def met(rows, start: str):
    return next(r["met"] for r in rows if r["target"].startswith(start))


def test_each_page_against_its_own_limit():
    rows = targets.collect([pages_section(dashboard_ms=450.0, equal=True)])
    assert met(rows, "Partner list") is True
    assert met(rows, "Dashboard") is False
    assert met(rows, "Same query count") is True


def test_an_unequal_query_count_names_the_page():
    rows = targets.collect([pages_section(dashboard_ms=100.0, equal=False)])
    row = next(r for r in rows if r["target"].startswith("Same query count"))
    assert row == {"target": row["target"], "measured": "Dashboard", "met": False}


def test_load_and_dispatch_figures_and_what_was_not_measured():
    answering = Section(
        "Answering",
        "",
        {"submission_to_bare_ratio": 0.5, "get": {"cpu_ms_per_request": 6.2}, "web_worker_peak_rss_mb": 80.4},
    )
    rows = targets.collect([answering])
    assert met(rows, "Submission") is True
    assert met(rows, "Survey page GET CPU") is False
    assert next(r for r in rows if r["target"].startswith("Dispatch"))["measured"] == "not measured"
    assert "| Peak RSS, web worker (gunicorn) | 80 MiB | – |" in targets.table(rows)
