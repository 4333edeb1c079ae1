"""What the security tests share: every URL pattern of the project, one
dataset per test module with a sample row of every model the URLs need, a
client per role, and a snapshot of the database to prove a refused request
changed nothing.

The dataset is built once per module inside a transaction that is rolled
back when the module ends; each test runs in a savepoint inside it (the
`db` fixture), so what one test changes the next one never sees."""

import datetime
import json
import re
from dataclasses import dataclass
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.apps import apps
from django.conf import settings
from django.contrib import admin
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.db import connection, transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from tests.conftest import LEADERSHIP, PROGRAM_MANAGERS

ROLES = ("anonymous", "respondent", "manager", "leader", "administrator", "no_group", "partner")
METHODS = ("GET", "POST")
# Letters, digits and dashes only, so that HTML escaping cannot hide it.
CANARY_NOTE = "CANARY-7c1e-0b5d never phone her at home"
FAKE_TOKEN = "x" * 43  # well formed, matches nothing
MISSING_PK = 987_654_321
RESULTS_DIR = Path(settings.BASE_DIR) / "test-results"


@dataclass(frozen=True)
class Route:
    key: str  # "namespace:name", or the route itself for an unnamed pattern
    route: str  # the pattern as written, e.g. "partners/<int:pk>/edit/"
    name: str | None
    callback: object

    @property
    def is_admin(self) -> bool:
        return self.route.startswith("admin/")


def iter_routes(resolver: URLResolver | None = None, prefix: str = "", namespace: str = ""):
    """Every URL pattern, walking included URLconfs recursively."""
    for pattern in (resolver or get_resolver()).url_patterns:
        if isinstance(pattern, URLResolver):
            inner = namespace + (f"{pattern.namespace}:" if pattern.namespace else "")
            yield from iter_routes(pattern, prefix + str(pattern.pattern), inner)
        elif isinstance(pattern, URLPattern):
            route = prefix + str(pattern.pattern)
            name = namespace + pattern.name if pattern.name else None
            yield Route(key=name or route, route=route, name=name, callback=pattern.callback)


ALL_ROUTES = sorted(iter_routes(), key=lambda r: r.key)


# --- the dataset ---------------------------------------------------------------


def _portal_session(access) -> str:
    """A live portal session for `access`; returns its cookie value."""
    from portal.models import PortalSession
    from surveys.tokens import new_token

    key, key_hash = new_token()
    expires = datetime.datetime.now(datetime.UTC) + datetime.timedelta(hours=8)
    PortalSession.objects.create(access=access, key_hash=key_hash, language="en", expires_at=expires)
    return key


def _calendar_feed(user) -> str:
    """The address secret of `user`'s follow-up calendar."""
    from core.tokens import new_token
    from partners.models import FollowUpFeed

    raw, hashed = new_token()
    FollowUpFeed.objects.create(user=user, token_hash=hashed)
    return raw


def build_dataset() -> SimpleNamespace:
    from axes.models import AccessAttempt, AccessFailureLog, AccessLog
    from django_otp.plugins.otp_static.models import StaticDevice
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from accounts.models import TwoFactorPolicy
    from audit.models import AuditAction
    from audit.trail import record
    from digests.models import Digest
    from partners.models import DeletedRecord, DeletionRequest, PortalAccess
    from portal import sessions as portal_sessions
    from surveys.models import (
        AgencyTerm,
        Answer,
        DismissedFlag,
        InvitationToken,
        RecipientGroup,
        Release,
        ReleaseCount,
        ReleasedRound,
        Response,
        Round,
        YouSaidWeDid,
    )
    from surveys.services.short_address import short_code_of
    from surveys.tokens import hash_token, new_token, shared_token
    from tests import factories as f

    manager = f.UserFactory(username="matrix-manager", groups=[PROGRAM_MANAGERS])
    users = {
        "manager": manager,
        "leader": f.UserFactory(username="matrix-leader", groups=[LEADERSHIP]),
        "administrator": f.UserFactory(username="matrix-admin", is_staff=True, is_superuser=True),
        "no_group": f.UserFactory(username="matrix-outsider"),
    }
    organization = f.OrganizationFactory(name="Matrix partner", relationship_lead=manager)
    tag = f.TagFactory(name="matrix-tag")
    organization.tags.add(tag)
    contact = f.ContactFactory(organization=organization)
    interaction = f.InteractionFactory(
        organization=organization,
        logged_by=manager,
        confidential_notes=CANARY_NOTE,
        follow_up_on=datetime.date.today(),
        follow_up_note="Matrix follow-up",
    )
    interaction.contacts.add(contact)
    support_request = f.SupportRequestFactory(organization=organization)
    delivery = f.SupportDeliveryFactory(request=support_request, delivered_by=manager)
    # A file that is part of the confidential notes, named with the canary:
    # leadership and the partner must never see even its name.
    from attachments.kinds import FileKind
    from attachments.storage import store

    attachment = store(
        interaction, "interaction", f"{CANARY_NOTE}.txt", FileKind.TEXT, CANARY_NOTE.encode(), manager, True
    )

    survey = f.SurveyFactory(status="active", anonymous=True)
    question = f.QuestionFactory(survey=survey, kind="agreement", required=True)
    schedule = f.ScheduleFactory(survey=survey, next_run_at=datetime.datetime.now(datetime.UTC) + datetime.timedelta(7))
    survey_round = f.RoundFactory(survey=survey, schedule=schedule)
    survey_round.shared_token_hash = hash_token(shared_token(survey_round.pk))
    survey_round.save(update_fields=["shared_token_hash"])
    recipient = f.RecipientFactory()
    invitation = f.InvitationFactory(round=survey_round, recipient=recipient)
    raw_token, token_hash = new_token()
    InvitationToken.objects.create(invitation=invitation, token_hash=token_hash)
    # Made here, not seeded by a migration, so that it has a history row.
    agency_term = AgencyTerm.objects.create(phrase="matrix-word", language="en", reason="r", alternative="a")
    loop_item = YouSaidWeDid.objects.create(round=survey_round, you_said="Evenings.", we_did="Open late.")
    # A closed round whose answers are a unit in review (pool, review, release).
    now = datetime.datetime.now(datetime.UTC)
    closed_round = f.RoundFactory(survey=survey, opened_at=now - datetime.timedelta(60), closes_at=now, status="closed")
    unit = Release.objects.create(
        survey=survey,
        channel="invited",
        responses=5,
        opened_at=closed_round.opened_at,
        release_after=now + datetime.timedelta(3),
    )
    ReleasedRound.objects.create(release=unit, round=closed_round, channel="invited")
    # Its free text, to review (with ReleaseCount: the question was counted in it).
    text_question = f.QuestionFactory(survey=survey, kind="short_text")
    for text in ("Evening hours.", "More tea."):
        response = Response.objects.create(round=closed_round, submitted_on=now.date(), channel="invited")
        Answer.objects.create(response=response, question=text_question, text=text)
    ReleaseCount.objects.create(release=unit, question=text_question, count=5)
    # Two held rounds, one answer each: the results page offers to pool them.
    for days in (120, 90):
        held = f.RoundFactory(survey=survey, opened_at=now - datetime.timedelta(days), closes_at=now, status="closed")
        Round.objects.filter(pk=held.pk).update(release_checked=True, closed_at=now)
        Response.objects.create(round=held, submitted_on=now.date(), channel="invited")
    draft = f.SurveyFactory(status="draft")
    draft_question = f.QuestionFactory(survey=draft, kind="yes_no")

    # Two-factor login: a policy row (optional, as in the demo) and the devices
    # of an account outside the six roles, so no role's session is held at the gate.
    two_factor_user = f.UserFactory(username="matrix-two-factor")
    totp_device = TOTPDevice.objects.create(user=two_factor_user, name="Authenticator app")
    static_device = StaticDevice.objects.create(user=two_factor_user, name="Recovery codes")

    # The partner: the sample contact, signed in to the portal, whose
    # organization has asked for its record to be deleted.
    portal_access = PortalAccess.objects.create(contact=contact, invited_by=manager, invited_at=now)
    portal_key = _portal_session(portal_access)
    DeletionRequest.objects.create(organization=organization, asked_by=contact)
    # A partner of another organization, signed in too (test_portal_isolation.py).
    elsewhere = f.ContactFactory(organization=f.OrganizationFactory(name="Elsewhere Collective"))
    elsewhere_access = PortalAccess.objects.create(contact=elsewhere, invited_by=manager, invited_at=now)
    elsewhere_key = _portal_session(elsewhere_access)

    axes_row = {"user_agent": "matrix", "ip_address": "192.0.2.9", "username": "someone", "path_info": "/"}
    return SimpleNamespace(
        users=users,
        organization=organization,
        org=organization,  # short for the table's kwargs column
        tag=tag,
        contact=contact,
        interaction=interaction,
        request=support_request,
        delivery=delivery,
        attachment=attachment,
        survey=survey,
        question=question,
        schedule=schedule,
        round=survey_round,
        recipient=recipient,
        invitation=invitation,
        loop_item=loop_item,
        unit=unit,
        draft=draft,
        draft_question=draft_question,
        invitation_token=raw_token,
        shared_token=shared_token(survey_round.pk),
        short_code=short_code_of(survey_round.survey),
        agency_term=agency_term,
        recipient_group=RecipientGroup.objects.create(name="Matrix group", audience="participants"),
        dismissed_flag=DismissedFlag.objects.create(
            survey=survey_round.survey, term=agency_term, place="survey:title", reason="x"
        ),
        export_name="key-figures",
        digest=Digest.objects.create(kind="follow_up", user=manager, period=datetime.date(2024, 1, 1)),
        audit_event=record(AuditAction.EXPORT, target="matrix.csv"),
        group=Group.objects.get(name=PROGRAM_MANAGERS),
        access_attempt=AccessAttempt.objects.create(
            **axes_row, get_data="", post_data="", http_accept="", failures_since_start=1
        ),
        access_log=AccessLog.objects.create(**axes_row, http_accept=""),
        access_failure_log=AccessFailureLog.objects.create(**axes_row, http_accept=""),
        two_factor_policy=TwoFactorPolicy.objects.create(required=False),
        totp_device=totp_device,
        static_device=static_device,
        portal_access=portal_access,
        portal_key=portal_key,
        elsewhere_portal_key=elsewhere_key,
        portal_link=portal_sessions.new_link(portal_access),
        calendar_token=_calendar_feed(manager),
        deleted_record=DeletedRecord.objects.create(kind="interaction", object_id=MISSING_PK, deleted_by=manager),
    )


@pytest.fixture(scope="module")
def dataset(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        data = build_dataset()
        data.sessions = {}
        for role, user in data.users.items():
            client = Client()
            client.force_login(user)
            data.sessions[role] = client.cookies[settings.SESSION_COOKIE_NAME].value
        yield data
        transaction.set_rollback(True)


def client_for(data: SimpleNamespace, role: str, **client_kwargs) -> Client:
    """A fresh client per request group: a logout in one test cannot sign
    out the next (the session row is rolled back; the cookie would not be)."""
    from portal.sessions import COOKIE as PORTAL_COOKIE

    client = Client(**client_kwargs)
    if role in data.sessions:
        client.cookies[settings.SESSION_COOKIE_NAME] = data.sessions[role]
    if role == "partner":
        client.cookies[PORTAL_COOKIE] = data.portal_key
    if role == "elsewhere_partner":  # of another organization: not a matrix role
        client.cookies[PORTAL_COOKIE] = data.elsewhere_portal_key
    return client


# --- concrete URLs ---------------------------------------------------------------

# Who holds each secret of a URL: the survey links are the respondent's, the
# portal's sign-in link the partner's.
TOKEN_HOLDERS = {
    "invitation_token": "respondent",
    "shared_token": "respondent",
    "short_code": "respondent",
    "portal_link": "partner",
    "calendar_token": "manager",
}
TOKEN_ATTRIBUTES = set(TOKEN_HOLDERS)


def parse_kwargs(spec: str) -> dict[str, str]:
    """Reads a kwargs cell: `pk=survey` -> {"pk": "survey"}; `-` means none."""
    return dict(part.split("=", 1) for part in spec.split() if part != "-")


def kwargs_for(data: SimpleNamespace, spec: str, role: str, missing: bool = False) -> dict:
    """Fills a route's kwargs from the dataset. Only the respondent holds the
    survey tokens, only the partner the portal's sign-in link; everyone else
    comes with a well-formed token that matches nothing. `missing` swaps
    each object for one that does not exist."""
    kwargs = {}
    for name, attribute in parse_kwargs(spec).items():
        if attribute in TOKEN_ATTRIBUTES:
            kwargs[name] = getattr(data, attribute) if role == TOKEN_HOLDERS[attribute] else FAKE_TOKEN
        elif missing:
            kwargs[name] = "no-such-thing" if isinstance(getattr(data, attribute), str) else MISSING_PK
        else:
            value = getattr(data, attribute)
            kwargs[name] = value if isinstance(value, str) else value.pk
    return kwargs


def admin_samples(data: SimpleNamespace) -> dict[str, object]:
    """A sample object for every model registered in the admin, by
    "app_model" (the prefix of its admin URL names)."""
    by_model = {}
    for value in vars(data).values():
        for item in value.values() if isinstance(value, dict) else [value]:
            if hasattr(item, "_meta") and hasattr(item, "pk"):
                by_model.setdefault(type(item), item)
    samples = {}
    for model in admin.site._registry:
        assert model in by_model, f"add a sample {model.__name__} to build_dataset(): the admin has pages for it"
        samples[f"{model._meta.app_label}_{model._meta.model_name}"] = by_model[model]
    return samples


ADMIN_NAME = re.compile(r"^admin:(?P<prefix>[a-z]+_[a-z0-9]+)_(?P<view>[a-z_]+)$")
ADMIN_OBJECT_ROUTE = re.compile(r"^admin/(?P<app>\w+)/(?P<model>\w+)/<path:object_id>/$")


def admin_url(data: SimpleNamespace, route: Route) -> str:
    """The admin's URLs are built by rule rather than listed one by one: a
    new ModelAdmin is covered as soon as build_dataset() has a row of it."""
    samples = admin_samples(data)
    if route.route == "admin/(?P<url>.*)$":
        return "/admin/no-such-page/"
    if match := ADMIN_OBJECT_ROUTE.match(route.route):
        sample = samples[f"{match['app']}_{match['model']}"]
        return f"/admin/{match['app']}/{match['model']}/{sample.pk}/"
    simple = {
        "admin:app_list": {"app_label": "partners"},
        "admin:view_on_site": {
            "content_type_id": ContentType.objects.get_for_model(data.organization).pk,
            "object_id": data.organization.pk,
        },
        "admin:auth_user_password_change": {"id": data.users["no_group"].pk},
    }
    if route.key in simple:
        return reverse(route.key, kwargs=simple[route.key])
    # The longest model prefix the name starts with: app labels may hold "_" (otp_totp).
    prefix = max((p for p in samples if route.key.startswith(f"admin:{p}_")), key=len, default=None)
    match = ADMIN_NAME.match(route.key or "")
    if match and prefix:
        sample, view = samples[prefix], route.key.removeprefix(f"admin:{prefix}_")
        if view in ("changelist", "add"):
            return reverse(route.key)
        if view == "simple_history":
            return reverse(route.key, args=[sample.pk, sample.history.first().history_id])
        return reverse(route.key, kwargs={"object_id": sample.pk})
    return reverse(route.key)  # index, login, logout, password_change, jsi18n, autocomplete...


# --- proving nothing changed -----------------------------------------------------

WATCHED_APPS = ("partners", "portal", "surveys", "audit", "accounts", "digests", "auth")
# The sample rows whose state a write would change, by dataset attribute.
WATCHED_FIELDS = {
    "organization": ["name", "stage", "updated_at"],
    "contact": ["name_or_alias", "opted_out", "updated_at"],
    "interaction": ["summary", "confidential_notes", "follow_up_on", "follow_up_done", "follow_up_assignee"],
    "request": ["status", "description", "updated_at"],
    "delivery": ["description", "money"],
    "survey": ["title", "status", "updated_at"],
    "draft": ["status", "updated_at"],
    "question": ["text", "position"],
    "draft_question": ["text", "position"],
    "schedule": ["next_run_at", "active"],
    "round": ["status", "closes_at"],
    "invitation": ["state", "responded"],
    "recipient": ["email", "opted_out", "consent"],
    "portal_access": ["revoked_at", "last_signed_in_at"],
}
USER_FIELDS = ["password", "is_superuser", "is_staff", "is_active"]


def _snapshot_sql(data: SimpleNamespace) -> str:
    quote = connection.ops.quote_name
    parts = [
        f"(SELECT COUNT(*) FROM {quote(model._meta.db_table)})"  # noqa: S608 - table names from the models
        for app in WATCHED_APPS
        for model in apps.get_app_config(app).get_models(include_auto_created=True)
    ]
    watched = [(getattr(data, attribute), fields) for attribute, fields in WATCHED_FIELDS.items()]
    watched += [(user, USER_FIELDS) for user in data.users.values()]
    for row, fields in watched:
        table = quote(row._meta.db_table)
        for field in fields:
            column = quote(row._meta.get_field(field).column)
            parts.append(f"(SELECT {column} FROM {table} WHERE id = {int(row.pk)})")  # noqa: S608 - as above
    return "SELECT " + ", ".join(parts)


def snapshot(data: SimpleNamespace) -> tuple:
    """Row counts of every model of partners, surveys, crm and auth (m2m
    tables included), plus the state of the sample rows, in one query."""
    if not hasattr(data, "snapshot_sql"):
        data.snapshot_sql = _snapshot_sql(data)
    with connection.cursor() as cursor:
        cursor.execute(data.snapshot_sql)
        return tuple(cursor.fetchone())


@pytest.fixture
def baseline(dataset) -> tuple:
    """The state every request of a test starts from: each runs in a
    savepoint that is rolled back, so one snapshot per test is enough."""
    return snapshot(dataset)


# --- figures ---------------------------------------------------------------------

FIGURES = pytest.StashKey[dict]()


@pytest.fixture(scope="session")
def figures(request) -> dict:
    """Counters the security tests add to; written to test-results/ and
    printed at the end of the run."""
    return request.config.stash.setdefault(FIGURES, {})


def pytest_terminal_summary(terminalreporter, config):
    found = config.stash.get(FIGURES, {})
    if not found:
        return
    terminalreporter.section("security figures")
    RESULTS_DIR.mkdir(exist_ok=True)
    for name, values in sorted(found.items()):
        terminalreporter.write_line(f"{name}: " + ", ".join(f"{k}={v}" for k, v in values.items()))
        (RESULTS_DIR / f"{name}.json").write_text(json.dumps(values, indent=2, sort_keys=True) + "\n")
