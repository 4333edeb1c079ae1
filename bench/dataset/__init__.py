"""The large-organization dataset: `manage.py generate_large_dataset`.

Deterministic from the seed (one random.Random drives every choice; dates
are relative to the day it runs). Refuses to write into a database that
already holds partners or survey data unless asked to flush it first, so it
cannot be pointed at real data by mistake."""

import random
import time
from collections.abc import Callable

from django.contrib.auth import get_user_model
from django.db import connection, transaction

from audit.models import AuditEvent
from partners.models import Interaction, Organization, Tag
from surveys.models import Recipient, Round
from surveys.services.releases import decide_settled_rounds

from . import partner_rows, survey_rows
from .sizes import Sizes

__all__ = ["DatabaseNotEmpty", "Sizes", "counts", "flush", "generate", "holds_data"]

BENCH_USER_PREFIX = "bench-"


class DatabaseNotEmpty(RuntimeError):
    """The database already has rows the generator would mix with."""


def holds_data() -> bool:
    """Rows a person would have entered. The starter surveys and the roles
    come from migrations and do not count."""
    return any(m.objects.exists() for m in (Organization, Interaction, Tag, Recipient, Round))


# Children before parents, for databases without TRUNCATE … CASCADE.
FLUSHED_MODELS = [
    "surveys.Answer",
    "surveys.ResponseAuthor",
    "surveys.Response",
    "surveys.InvitationToken",
    "surveys.Invitation",
    "surveys.YouSaidWeDid",
    "surveys.ReleaseCount",
    "surveys.ReleasedRound",
    "surveys.Release",
    "surveys.SpentLink",
    "surveys.Round",
    "surveys.HistoricalSchedule",
    "surveys.Schedule",
    "surveys.HistoricalRecipient",
    "surveys.Recipient",
    "partners.SupportDelivery",
    "partners.SupportRequest",
    "partners.Interaction",
    "partners.Contact",
    "partners.Organization",
    "partners.Tag",
]


def flush(keep_users: bool = False) -> None:
    """Deletes what the generator writes (and anything like it), keeping the
    starter surveys, roles and accounts other than the generated ones (and
    the generated ones too with `keep_users`)."""
    from django.apps import apps

    models = [apps.get_model(label) for label in FLUSHED_MODELS]
    for model in list(models):
        history = getattr(model, "history", None)
        if history is not None and history.model not in models:
            models.append(history.model)
    for model in list(models):
        for field in model._meta.many_to_many:
            models.append(field.remote_field.through)
    with transaction.atomic():
        if connection.vendor == "postgresql":
            tables = ", ".join(connection.ops.quote_name(m._meta.db_table) for m in models)
            with connection.cursor() as cursor:
                # Foreign keys are checked at commit; rows written earlier in
                # this transaction (a test's) would make TRUNCATE refuse.
                cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
                cursor.execute(f"TRUNCATE {tables} RESTART IDENTITY CASCADE")  # noqa: S608 - our own table names
                cursor.execute("SET CONSTRAINTS ALL DEFERRED")
        else:
            for model in [m for m in models if m._meta.auto_created] + models:
                model._base_manager.all().delete()
        if not keep_users:
            generated = get_user_model().objects.filter(username__startswith=BENCH_USER_PREFIX)
            # Their trail (results viewed during a benchmark) goes with them.
            AuditEvent.objects.filter(user__in=generated).delete()
            generated.delete()


def generate(
    seed: int = 1, scale: float = 1.0, *, flush_first: bool = False, say: Callable[[str], None] = print
) -> dict:
    """Writes the dataset and returns what was written: counts and seconds per step."""
    if holds_data():
        if not flush_first:
            raise DatabaseNotEmpty("The database already holds partners or survey data. Use --flush to replace it.")
        flush()
    rng = random.Random(seed)
    sizes = Sizes.at(scale)
    counts: dict = {"seed": seed, "scale": scale}
    timings: dict = {}
    now, today = partner_rows.now_and_today()

    def step(name: str, work: Callable):
        started = time.perf_counter()
        result = work()
        timings[name] = round(time.perf_counter() - started, 2)
        say(f"  {name}: {timings[name]:.1f} s")
        return result

    with transaction.atomic():
        managers, leaders = step("users", lambda: partner_rows.create_users(rng, sizes.managers, sizes.leaders))
        tags = step("tags", lambda: partner_rows.create_tags(sizes.tags))
        orgs = step(
            "organizations", lambda: partner_rows.create_organizations(rng, sizes.organizations, managers, tags, now)
        )
        counts["organization_history"] = step(
            "organization history", lambda: partner_rows.create_organization_history(rng, orgs, now)
        )
        contacts = step("contacts", lambda: partner_rows.create_contacts(rng, orgs, sizes.contacts))
        counts["interactions"], counts["confidential_notes"] = step(
            "interactions (notes encrypted per row)",
            lambda: partner_rows.create_interactions(rng, orgs, contacts, managers, sizes.interactions, today),
        )
        step(
            "requests and deliveries",
            lambda: partner_rows.create_support(rng, orgs, managers, sizes.requests, sizes.deliveries, today),
        )
        step("recipients", lambda: _recipients(rng, sizes))
        plan = step("rounds and invitations", lambda: _rounds(rng, sizes, now))
        counts["responses"], counts["answers"] = step(
            "responses and answers", lambda: survey_rows.create_answers(rng, plan, sizes.answers)
        )
        # As the beat would have done when each past round closed.
        counts["released_units"] = step("closed rounds weighed for release", decide_settled_rounds)
    counts.update(
        managers=len(managers),
        leaders=len(leaders),
        organizations=len(orgs),
        contacts=sum(len(c) for c in contacts.values()),
        requests=sizes.requests,
        deliveries=sizes.deliveries,
        rounds=len(plan),
        invitations=sum(len(i) for _, _, i in plan),
    )
    if connection.vendor == "postgresql":
        step("vacuum analyze", vacuum_analyze)
    counts["seconds"] = timings
    return counts


def counts() -> dict:
    """What the database holds now, in the generator's terms."""
    from partners.models import Contact, SupportDelivery, SupportRequest
    from surveys.models import Answer, Invitation, Response

    managers = {
        "organizations": Organization.objects,
        "contacts": Contact.objects,
        "interactions": Interaction.objects,
        "requests": SupportRequest.objects,
        "deliveries": SupportDelivery.objects,
        "rounds": Round.objects,
        "invitations": Invitation.objects,
        "responses": Response.objects,
        "answers": Answer.objects,
    }
    return {name: manager.count() for name, manager in managers.items()}


def _recipients(rng: random.Random, sizes: Sizes) -> None:
    survey_rows.create_recipients(rng, "participants", sizes.participants)
    survey_rows.create_recipients(rng, "staff", sizes.staff_recipients)


def _rounds(rng: random.Random, sizes: Sizes, now) -> list:
    plan = []
    for audience, survey in sorted(survey_rows.surveys_by_audience().items()):
        rounds = survey_rows.create_rounds(rng, survey, sizes.rounds[audience], now)
        invitations = survey_rows.create_invitations(rng, survey, rounds)
        plan += [(survey, r, invitations[r.pk]) for r in rounds]
    return plan


def vacuum_analyze() -> None:
    """Planner statistics and the visibility map (index-only scans), as
    autovacuum would have them after a while on a real database. Run after
    generating, and before measuring a dataset an earlier run has written
    to (bench/run.py): on a server with autovacuum off nothing else clears
    what the last run's answers, sends and row-count checks left behind."""
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE" if connection.get_autocommit() else "ANALYZE")
