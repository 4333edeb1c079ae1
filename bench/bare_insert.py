"""The limit for survey submission: a view behind the same middleware as the
survey page (sessions, CSRF, auth, CSP, …) that does nothing but one INSERT
per POST. A submission's rate is reported as a fraction of this one's.

Its table is made with raw SQL by `ensure_table()`, not by a migration: it
exists only in benchmark databases."""

from django.contrib.auth.decorators import login_not_required
from django.db import connection
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.middleware.csrf import get_token
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods


def ensure_table() -> None:
    key = "bigserial PRIMARY KEY" if connection.vendor == "postgresql" else "integer PRIMARY KEY AUTOINCREMENT"
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE TABLE IF NOT EXISTS bench_bare_insert (id {key}, body_size integer NOT NULL)")


def clear_table() -> None:
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM bench_bare_insert")


def count_rows() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM bench_bare_insert")
        return cursor.fetchone()[0]


@login_not_required
@never_cache
@require_http_methods(["GET", "POST"])
def bare_insert(request: HttpRequest) -> HttpResponse:
    """GET hands out a CSRF cookie and form token, as the survey page does;
    POST (CSRF-checked by the middleware) stores one row and redirects, as a
    submission does. The POST body is parsed, so its size costs the same."""
    if request.method == "GET":
        return HttpResponse(f'<input name="csrfmiddlewaretoken" value="{get_token(request)}">')
    with connection.cursor() as cursor:
        cursor.execute("INSERT INTO bench_bare_insert (body_size) VALUES (%s)", [len(request.POST)])
    return HttpResponseRedirect("/s/thanks/")
