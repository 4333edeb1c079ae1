"""Finds what to fuzz by reading the app's own pages, so a new form, filter
or export link is fuzzed without anyone listing it here.

Every page of the app is opened as the role that may use it (the matrix's
table says which); its forms are parsed for fields and their options, and
its links for query parameters. View source is read for `request.GET`
lookups no form or link shows. A POST form becomes a POST target keyed by
the route its action resolves to; a GET form, a link with a query string, a
table's paging and sorting, and a query parameter read by the view become
the GET target of that route."""

import inspect
import os
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import parse_qsl, urljoin, urlsplit

import django_tables2 as tables
import pytest
from django.core.cache import cache
from django.db import transaction
from django.urls import Resolver404, resolve, reverse
from django.utils.html import escape
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.security.conftest import ALL_ROUTES, client_for, kwargs_for, snapshot
from tests.security.fuzz_strategies import marker_in, payload_strategy
from tests.security.test_authorization_matrix import expected_for

# 25 examples per target keeps the two fuzz modules near two minutes on two
# cores; CRM_FUZZ_EXAMPLES=500 for a long run before a release. The inputs
# are the same on every run (derandomized), so `make test` and CI pass or
# fail for the code, not for the draw; CRM_FUZZ_RANDOM=1 draws new inputs
# (do that with many examples before a release, and keep what it finds as a
# regression test).
EXAMPLES = int(os.environ.get("CRM_FUZZ_EXAMPLES", "25"))
FUZZ_SETTINGS = settings(
    max_examples=EXAMPLES,
    derandomize=os.environ.get("CRM_FUZZ_RANDOM") != "1",
    deadline=None,
    database=None,  # no .hypothesis/ folder in the checkout
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large],
)
# The marks of both fuzz modules.
FUZZ_MARKS = [
    pytest.mark.django_db,
    # Hypothesis notes it printed a 300 kB value; that is the point here.
    pytest.mark.filterwarnings("ignore:Generating overly large repr"),
    # A fuzzed ?sort= with a dot in it: django-tables2 warns, then ignores it.
    pytest.mark.filterwarnings("ignore:Use '__' to separate path components"),
]
# Roles whose pages are crawled: people without an account, link holders, staff,
# partners in the portal.
CRAWL_ROLES = ("anonymous", "respondent", "manager", "partner")
# Pages the matrix does not open with the object that shows the form: the
# draft survey's page has the move and delete buttons of its questions.
EXTRA_PAGES = (("surveys:survey_detail", {"pk": "draft"}, "manager"),)
# The token and cookie that Django's own machinery reads and checks.
NOT_FUZZED = {"csrfmiddlewaretoken"}
# django-tables2 reads these on every table, whether or not a link shows them.
TABLE_PARAMETERS = ("page", "per_page", "sort", "_export")
APP_PACKAGES = ("core", "audit", "accounts", "partners", "portal", "surveys", "reporting", "digests", "crm")
GET_LOOKUP = re.compile(r"""(?:request\.GET|query)(?:\.get|\.getlist)?\(\s*["'](\w+)["']""")


@dataclass
class Field:
    name: str
    kind: str  # text, choice, multi, date, number, file, button
    options: list[str] = field(default_factory=list)
    disabled: bool = False

    @property
    def is_yes_no(self) -> bool:
        """A tick box, or a yes/no/either select: Django reads any other
        value as "no" or "either" rather than refusing it (BooleanField,
        NullBooleanField), which is harmless."""
        return bool(self.options) and set(self.options) <= {"", "on", "true", "false", "unknown"}

    def add_option(self, value: str | None) -> None:
        if value is not None and value not in self.options:
            self.options.append(value)


@dataclass
class Target:
    key: str  # the route's name
    method: str
    role: str
    urls: list[str] = field(default_factory=list)
    fields: dict[str, Field] = field(default_factory=dict)

    def add_url(self, url: str) -> None:
        if url not in self.urls:
            self.urls.append(url)

    def merge(self, fields: dict[str, Field]) -> None:
        for name, found in fields.items():
            mine = self.fields.setdefault(name, Field(name, found.kind, disabled=found.disabled))
            for option in found.options:
                mine.add_option(option)


# --- reading pages ----------------------------------------------------------------

INPUT_KINDS = {
    "checkbox": "multi",
    "radio": "choice",
    "date": "date",
    "datetime-local": "date",
    "number": "number",
    "file": "file",
    "submit": "button",
    "hidden": "hidden",
}


class PageReader(HTMLParser):
    """The forms of a page (method, action, fields with their options) and
    the href of every link."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms: list[dict] = []
        self.links: list[str] = []
        self._form: dict | None = None
        self._select: Field | None = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "option" and self._select is not None:
            self._select.add_option(a.get("value"))
        elif tag == "a" and a.get("href"):
            self.links.append(a["href"])
        elif tag == "form":
            self._form = {"method": (a.get("method") or "get").lower(), "action": a.get("action") or "", "fields": {}}
            self.forms.append(self._form)
        elif self._form is None or not a.get("name") or a["name"] in NOT_FUZZED:
            return
        elif tag == "input":
            kind = INPUT_KINDS.get((a.get("type") or "text").lower(), "text")
            found = self._field(a["name"], kind, "disabled" in a)
            found.add_option(a.get("value", "on" if kind == "multi" else None))
        elif tag == "button":
            self._field(a["name"], "button", "disabled" in a).add_option(a.get("value", ""))
        elif tag == "textarea":
            self._field(a["name"], "text", "disabled" in a)
        elif tag == "select":
            self._select = self._field(a["name"], "multi" if "multiple" in a else "choice", "disabled" in a)

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "select":
            self._select = None

    def _field(self, name: str, kind: str, disabled: bool) -> Field:
        fields = self._form["fields"]
        if name not in fields:
            fields[name] = Field(name, kind, disabled=disabled)
        return fields[name]


def route_key(path: str) -> str | None:
    """The route a same-site path resolves to, or None (admin, other sites)."""
    try:
        match = resolve(path)
    except Resolver404:
        return None
    key = match.view_name
    return None if key.startswith("admin:") else key


def _source(function) -> str:
    try:
        return inspect.getsource(function)
    except (OSError, TypeError):
        return ""


CALLED_WITH_REQUEST = re.compile(r"(?<!def )\b([A-Za-z_][\w.]*)\(\s*(?:self\.)?request\b")


def _helpers(function) -> list:
    """The functions of the app this one hands the request to, by name:
    `pick_language(request, …)`, `DashboardFilterForm.from_query(request.GET, …)`."""
    namespace = getattr(inspect.getmodule(function), "__dict__", {})
    found = []
    for dotted in CALLED_WITH_REQUEST.findall(_source(function)):
        head, *rest = dotted.split(".")
        helper = namespace.get(head)
        for attribute in rest:
            helper = getattr(helper, attribute, None)
        if callable(helper) and getattr(helper, "__module__", "").split(".")[0] in APP_PACKAGES:
            found.append(inspect.unwrap(helper))
    return found


def query_lookups(callback, depth: int = 3) -> set[str]:
    """Query parameters a view reads by name (request.GET.get("round")),
    in its own code or in the app's helpers it hands the request to."""
    view = getattr(callback, "view_class", None) or inspect.unwrap(callback)
    names = set(GET_LOOKUP.findall(_source(view)))
    if depth:
        for helper in _helpers(view):
            names |= query_lookups(helper, depth - 1)
    return names


# --- crawling ------------------------------------------------------------------


@dataclass
class Crawl:
    get: dict[str, Target] = field(default_factory=dict)
    post: dict[str, Target] = field(default_factory=dict)
    pages: int = 0

    def target(self, method: str, key: str, role: str) -> Target:
        targets = self.get if method == "GET" else self.post
        return targets.setdefault(key, Target(key=key, method=method, role=role))


def pages_to_crawl(data) -> list[tuple[str, str, str]]:
    """(route key, url, role) of every app page some crawled role may open."""
    pages = []
    for route in ALL_ROUTES:
        found = None if route.is_admin else expected_for(route)
        if found is None:
            continue
        spec, cells = found
        for role in CRAWL_ROLES:
            if cells[(role, "GET")].rstrip("*") == "200":
                pages.append((route.key, reverse(route.key, kwargs=kwargs_for(data, spec, role)), role))
                break
    for key, kwargs, role in EXTRA_PAGES:
        values = {name: getattr(data, attribute).pk for name, attribute in kwargs.items()}
        pages.append((key, reverse(key, kwargs=values), role))
    return pages


def crawl(data) -> Crawl:
    """Opens every page once, in a savepoint that is rolled back, and
    collects the targets."""
    found = Crawl()
    callbacks = {route.key: route.callback for route in ALL_ROUTES}
    for key, url, role in pages_to_crawl(data):
        cache.clear()
        with transaction.atomic():
            response = client_for(data, role).get(url)
            transaction.set_rollback(True)
        assert response.status_code == 200, f"{url} as {role}: {response.status_code}"
        found.pages += 1
        page_target = found.target("GET", key, role)
        page_target.add_url(url)
        for name in query_lookups(callbacks[key]):
            page_target.fields.setdefault(name, Field(name, "text"))
        if response.context and isinstance(response.context.get("table"), tables.Table):
            for name in TABLE_PARAMETERS:
                page_target.fields.setdefault(name, Field(name, "text"))
        if not response["Content-Type"].startswith("text/html"):
            continue
        _read_page(found, url, role, response.content.decode())
    # A page with nothing to fuzz in its query is not a GET target.
    found.get = {key: target for key, target in found.get.items() if target.fields}
    return found


def _read_page(found: Crawl, url: str, role: str, html: str) -> None:
    reader = PageReader()
    reader.feed(html)
    for form in reader.forms:
        action = urlsplit(urljoin(url, form["action"]))
        key = route_key(action.path)
        if key is None:
            continue
        method = "POST" if form["method"] == "post" else "GET"
        target = found.target(method, key, role)
        target.add_url(action.path)
        target.merge(form["fields"])
    for href in reader.links:
        link = urlsplit(urljoin(url, href))
        key = route_key(link.path) if link.query and link.netloc in ("", "testserver") else None
        if key is None:
            continue
        target = found.target("GET", key, role)
        target.add_url(link.path)
        for name, value in parse_qsl(link.query, keep_blank_values=True):
            target.fields.setdefault(name, Field(name, "text")).add_option(value)


# --- what to send -------------------------------------------------------------------

# A button that redraws the page in the other language instead of submitting:
# a POST that carries it is not checked, so it cannot be refused.
REDRAW_BUTTONS = frozenset({"switch_language"})
# Sign-in refusals write rows on purpose: the audit trail keeps a failed
# login, django-axes counts it towards the lockout.
WRITES_ON_REFUSAL = {"login"}
# The preview shows the respondent's page and never checks or records answers.
NEVER_VALIDATES = {"surveys:survey_preview"}


def sent_strings(payload: dict) -> list[str]:
    values = []
    for value in payload.values():
        if isinstance(value, list):
            values += value
        elif isinstance(value, str):
            values.append(value)
    return values


def invalid_choice(target: Target, payload: dict) -> str | None:
    """A field with a fixed set of options that was sent a value outside
    them: the form must refuse it. Yes/no fields take anything (see
    Field.is_yes_no); disabled fields and buttons are not the form's input."""
    if target.key in NEVER_VALIDATES or REDRAW_BUTTONS & set(payload):
        return None
    for name, value in payload.items():
        found = target.fields.get(name)  # None: a field the page does not have
        if found is None or found.kind not in ("choice", "multi") or found.disabled or found.is_yes_no:
            continue
        values = value if isinstance(value, list) else [value]
        if found.kind == "choice":
            values = values[-1:]  # a field that takes one value reads the last one sent
        if any(v not in found.options and v != "" for v in values):
            return name
    return None


# --- running one example ---------------------------------------------------------


def send(data, target: Target, url: str, payload: dict, baseline: tuple):
    """One request in a savepoint that is rolled back. Returns the response
    and whether any row changed from the baseline. A redirect after a save
    is followed before the rollback (response.followed), so that what was
    just stored is looked at on the page that shows it. Rate-limit counters
    are cleared first: the limit is tested elsewhere, the input here."""
    cache.clear()
    client = client_for(data, target.role)
    client.raise_request_exception = False  # a server error must come back as a 500, to be counted
    with transaction.atomic():
        response = client.get(url, payload) if target.method == "GET" else client.post(url, payload)
        changed = response.status_code < 500 and snapshot(data) != baseline
        location = urlsplit(response.get("Location", ""))
        if response.status_code == 302 and location.netloc in ("", "testserver") and route_key(location.path):
            response.followed = client.get(location.path, dict(parse_qsl(location.query)))
        transaction.set_rollback(True)
    return response, changed


def pages_of(response) -> list[str]:
    """The HTML of the response and of the page its redirect led to."""
    found = [response, getattr(response, "followed", None)]
    return [
        page.content.decode(errors="replace")
        for page in found
        if page is not None and page.get("Content-Type", "").startswith("text/html")
    ]


def problems_in(target: Target, response, payload: dict, changed: bool) -> list[str]:
    """Everything wrong with one answer to one fuzzed request."""
    status = response.status_code
    problems = []
    if status >= 500:
        problems.append(f"server error {status}")
    if status in (400, 403, 404, 405, 409) and changed and target.key not in WRITES_ON_REFUSAL:
        problems.append(f"answered {status} but changed rows")
    if (field_name := invalid_choice(target, payload)) and status < 400:
        problems.append(f"{field_name} was sent a value that is not an option, answered {status}")
    if (followed := getattr(response, "followed", None)) is not None and followed.status_code >= 500:
        problems.append(f"server error {followed.status_code} on the page after the save")
    for html in pages_of(response):
        for value in sent_strings(payload):
            marker = marker_in(value)
            if marker and marker in html:
                problems.append(f"unescaped reflection of {marker!r}")
    return problems


def escaped_echoes(response, payload: dict) -> int:
    """Markup payloads sent that the page (or the page after a save) shows, escaped."""
    markers = [marker for value in sent_strings(payload) if (marker := marker_in(value))]
    return sum(1 for html in pages_of(response) for marker in markers if escape(marker) in html)


@dataclass
class Tally:
    """Inputs tried, server errors and reflections, per target, for
    test-results/fuzz.json."""

    per_target: dict[str, dict[str, int]] = field(default_factory=dict)
    not_reached: list[str] = field(default_factory=list)
    not_reached_as: str = "query_readers_not_reached"

    def count(self, target: Target, response, payload: dict, problems: list[str]) -> None:
        """Besides the failures: how many inputs were accepted (2xx, 3xx) and
        refused (4xx), and how many markup payloads came back escaped, which
        shows the reflection check looked at pages that really echo input."""
        empty = dict.fromkeys(["inputs", "accepted", "refused", "escaped_echoes", "5xx", "reflections"], 0)
        row = self.per_target.setdefault(f"{target.method} {target.key}", empty)
        row["inputs"] += 1
        row["accepted"] += response.status_code < 400
        row["refused"] += 400 <= response.status_code < 500
        row["escaped_echoes"] += escaped_echoes(response, payload)
        row["5xx"] += any(p.startswith("server error") for p in problems)
        row["reflections"] += any(p.startswith("unescaped reflection") for p in problems)

    def into(self, figures: dict) -> None:
        fuzz = figures.setdefault("fuzz", {"per_target": {}})
        fuzz["per_target"].update(self.per_target)
        fuzz[self.not_reached_as] = self.not_reached
        rows = fuzz["per_target"].values()
        fuzz["inputs_tried"] = sum(r["inputs"] for r in rows)
        fuzz["targets"] = len(rows)
        fuzz["server_errors"] = sum(r["5xx"] for r in rows)
        fuzz["unescaped_reflections"] = sum(r["reflections"] for r in rows)
        fuzz["markup_echoed_escaped"] = sum(r["escaped_echoes"] for r in rows)
        fuzz["examples_per_target"] = EXAMPLES
        # Printed on one line at the end of the run: the totals first.
        figures["fuzz"] = {k: fuzz[k] for k in sorted(fuzz, key=lambda k: k == "per_target")}


def fuzz(data, target: Target, baseline: tuple, tally: Tally) -> None:
    """Runs Hypothesis against one target; raises with the smallest input
    that breaks a property."""

    @FUZZ_SETTINGS
    @given(url=st.sampled_from(target.urls), payload=payload_strategy(target.fields, REDRAW_BUTTONS))
    def one_request(url, payload):
        response, changed = send(data, target, url, payload, baseline)
        problems = problems_in(target, response, payload, changed)
        tally.count(target, response, payload, problems)
        assert not problems, f"{target.method} {url} {payload!r}: {problems}"

    one_request()
