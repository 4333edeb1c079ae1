"""Staff, partners and everything logged about them, written with bulk_create.

bulk_create sends no signals, so django-simple-history writes no history by
itself: the organizations' history rows (the dashboard's stage chart reads
them) are built here, with dates spread over the partner's life."""

import datetime
import random
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import connection
from django.utils import timezone

from core.roles import LEADERSHIP, PROGRAM_MANAGERS
from partners.choices import (
    Channel,
    Initiator,
    InteractionKind,
    Language,
    OrganizationKind,
    RequestStatus,
    Stage,
    SupportCategory,
    Urgency,
)
from partners.first_delivery import refresh_first_delivery
from partners.last_contact import refresh_last_contact
from partners.models import Contact, Interaction, Organization, SupportDelivery, SupportRequest, Tag

from . import names

BATCH = 5_000
YEARS_BACK = 3
# The relationship path a partner walks; paused and ended branch off it.
PATH: list[str] = [
    Stage.IDENTIFIED,
    Stage.FIRST_CONTACT,
    Stage.BUILDING_TRUST,
    Stage.COLLABORATING,
    Stage.FORMAL_PARTNERSHIP,
]
DELIVERED = (RequestStatus.FULFILLED, RequestStatus.PARTLY_FULFILLED, RequestStatus.IN_PROGRESS)


def create_users(rng: random.Random, managers: int, leaders: int) -> tuple[list, list]:
    """Program managers (relationship leads) and leadership, with unusable
    passwords: the benchmark logs them in with force_login."""
    User = get_user_model()
    people = []
    for role, count in (("manager", managers), ("leader", leaders)):
        for i in range(count):
            user = User(
                username=f"bench-{role}-{i + 1:03d}",
                first_name=rng.choice(names.STAFF_FIRST),
                last_name=rng.choice(names.STAFF_LAST),
                email=f"bench-{role}-{i + 1:03d}@example.org",
            )
            user.set_unusable_password()
            people.append((role, user))
    User.objects.bulk_create([user for _, user in people])
    groups = {"manager": Group.objects.get(name=PROGRAM_MANAGERS), "leader": Group.objects.get(name=LEADERSHIP)}
    Membership = User.groups.through
    Membership.objects.bulk_create([Membership(user_id=user.pk, group_id=groups[role].pk) for role, user in people])
    return [u for r, u in people if r == "manager"], [u for r, u in people if r == "leader"]


def create_tags(count: int) -> list[Tag]:
    labels = [names.TAGS[i % len(names.TAGS)] + ("" if i < len(names.TAGS) else f" {i}") for i in range(count)]
    return Tag.objects.bulk_create([Tag(name=label) for label in labels])


def _organization_name(rng: random.Random, index: int) -> str:
    return f"{rng.choice(names.PLACES)} {rng.choice(names.QUALITIES)} {rng.choice(names.GROUPS)} {index + 1}"


def create_organizations(rng: random.Random, count: int, managers: list, tags: list[Tag], now) -> list[Organization]:
    stages, kinds = list(Stage), list(OrganizationKind)
    organizations = []
    first = Organization.objects.count()  # names stay unique when called again
    for i in range(first, first + count):
        organizations.append(
            Organization(
                name=_organization_name(rng, i),
                # Cycling first guarantees every stage and kind at any scale.
                kind=kinds[i % len(kinds)] if i < len(kinds) else rng.choice(kinds),
                stage=stages[i % len(stages)] if i < len(stages) else rng.choice(stages),
                service_area=rng.choice(names.PLACES),
                description="Fictional partner for the benchmark.",
                lived_experience_led=rng.random() < 0.6,
                relationship_lead=rng.choice(managers) if rng.random() < 0.9 else None,
                keep_in_touch_days=rng.choice([7, 14, 21, 30, 30, 60, 90]),
                contact_preferences=rng.choice(["", "Secure messenger only.", "Phone only, never email."]),
                do_not_name_publicly=rng.random() < 0.3,
            )
        )
    Organization.objects.bulk_create(organizations, batch_size=BATCH)
    # auto_now_add overwrote created_at: spread the partners over the years.
    for organization in organizations:
        organization.created_at = now - datetime.timedelta(days=rng.randint(30, 365 * YEARS_BACK))
    Organization.objects.bulk_update(organizations, ["created_at"], batch_size=1_000)
    Through = Organization.tags.through
    Through.objects.bulk_create(
        [
            Through(organization_id=o.pk, tag_id=t.pk)
            for o in organizations
            for t in rng.sample(tags, k=rng.choice([0, 1, 1, 2, 3]))
        ],
        batch_size=BATCH,
    )
    return organizations


def create_organization_history(rng: random.Random, organizations: list[Organization], now) -> int:
    """A "+" row when the partner was added, then one "~" row per stage it
    moved through to reach its current stage."""
    History = Organization.history.model
    kept = {f.attname for f in History._meta.concrete_fields}
    fields = [f.attname for f in Organization._meta.concrete_fields if f.attname in kept]
    rows = []
    for organization in organizations:
        target = organization.stage
        # Paused and ended partners got some way along the path first.
        walk = PATH[: PATH.index(target) + 1] if target in PATH else PATH[: rng.randint(1, len(PATH))] + [target]
        start = organization.created_at
        span = max((now - start).total_seconds(), 1.0)
        moments = sorted(start + datetime.timedelta(seconds=rng.uniform(0, span)) for _ in walk[1:])
        for step, (stage, moment) in enumerate(zip(walk, [start, *moments], strict=True)):
            values = {name: getattr(organization, name) for name in fields}
            values.update(stage=stage, updated_at=moment)
            rows.append(History(**values, history_date=moment, history_type="+" if step == 0 else "~"))
    History.objects.bulk_create(rows, batch_size=BATCH)
    return len(rows)


def create_contacts(rng: random.Random, organizations: list[Organization], count: int) -> dict[int, list[Contact]]:
    """About count / organizations contacts each; emails on example.org."""
    contacts: list[Contact] = []
    by_org: dict[int, list[Contact]] = {o.pk: [] for o in organizations}
    first = Contact.objects.count()  # aliases stay unique when called again
    for i in range(first, first + count):
        organization = organizations[i % len(organizations)]
        has_email = rng.random() < 0.7
        contact = Contact(
            organization_id=organization.pk,
            name_or_alias=f"{rng.choice(names.WORK_NAMES)} {i + 1}",
            role=rng.choice(names.ROLES),
            email=f"contact{i + 1}@example.org" if has_email else "",
            phone=f"555-{i % 10_000:04d}" if rng.random() < 0.5 else "",
            preferred_channel=rng.choice(list(Channel)),
            language=Language.SPANISH if rng.random() < 0.25 else Language.ENGLISH,
            consent_to_surveys=rng.random() < 0.7,
            opted_out=rng.random() < 0.03,
        )
        contacts.append(contact)
        by_org[organization.pk].append(contact)
    Contact.objects.bulk_create(contacts, batch_size=BATCH)
    return by_org


def _skewed_choice(rng: random.Random, organizations: list[Organization], k: int) -> list[Organization]:
    """Some partners see far more of us than others (a long tail)."""
    weights = [rng.lognormvariate(0, 0.8) for _ in organizations]
    return rng.choices(organizations, weights=weights, k=k)


def _planner_knows(*models) -> None:
    """Statistics for the rows this transaction wrote, which autovacuum
    cannot see yet, before one query reads all of them: without them the
    planner took the tables for empty and the first-delivery refresh walked
    the index of delivery days for each of 50,000 requests (over 17 minutes)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            for model in models:
                cursor.execute(f"ANALYZE {connection.ops.quote_name(model._meta.db_table)}")


def create_interactions(rng, organizations, contacts_by_org, managers, count: int, today) -> tuple[int, int]:
    """Returns (interactions, with confidential notes). Notes are encrypted
    per row by the field, as in production."""
    kinds = list(InteractionKind)
    notes = 0
    through = Interaction.contacts.through
    for start in range(0, count, BATCH):
        batch, present = [], []
        for organization in _skewed_choice(rng, organizations, min(BATCH, count - start)):
            happened = today - datetime.timedelta(days=rng.randint(0, 365 * YEARS_BACK))
            note = rng.choice(names.NOTES) if rng.random() < 0.2 else ""
            notes += bool(note)
            follow_up = happened + datetime.timedelta(days=rng.randint(3, 30)) if rng.random() < 0.15 else None
            batch.append(
                Interaction(
                    organization_id=organization.pk,
                    kind=rng.choice(kinds),
                    happened_on=happened,
                    summary=rng.choice(names.SUMMARIES),
                    confidential_notes=note,
                    logged_by=rng.choice(managers),
                    follow_up_on=follow_up,
                    follow_up_done=bool(follow_up) and (follow_up < today - datetime.timedelta(days=14)),
                )
            )
            people = contacts_by_org[organization.pk]
            present.append(rng.sample(people, k=min(len(people), rng.choice([0, 1, 1, 2]))))
        Interaction.objects.bulk_create(batch)
        through.objects.bulk_create(
            [
                through(interaction_id=i.pk, contact_id=c.pk)
                for i, people in zip(batch, present, strict=True)
                for c in people
            ],
            batch_size=BATCH,
        )
    _planner_knows(Organization, Interaction, Interaction.also_with.through)
    refresh_last_contact(Organization.objects.values("pk"))  # bulk_create sends no signals
    return count, notes


def create_support(rng, organizations, managers, requests: int, deliveries: int, today) -> None:
    """Requests in every status and category; deliveries that answer the
    delivered ones, and some nobody asked for (unrequested)."""
    rows = []
    for organization in _skewed_choice(rng, organizations, requests):
        asked = today - datetime.timedelta(days=rng.randint(0, 365 * YEARS_BACK))
        rows.append(
            SupportRequest(
                organization_id=organization.pk,
                category=rng.choice(list(SupportCategory)),
                description=rng.choice(names.REQUEST_TEXTS),
                amount_asked=Decimal(rng.randrange(50, 2_000)) if rng.random() < 0.4 else None,
                asked_on=asked,
                urgency=rng.choice(list(Urgency)),
                status=rng.choice(list(RequestStatus)),
                initiated_by=Initiator.PARTNER if rng.random() < 0.8 else Initiator.US,
                recorded_by=rng.choice(managers),
            )
        )
    SupportRequest.objects.bulk_create(rows, batch_size=BATCH)
    answerable = [r for r in rows if r.status in DELIVERED] or rows
    given = []
    for _ in range(deliveries):
        answered = rng.choice(answerable) if rng.random() < 0.8 else None
        organization_id = answered.organization_id if answered else rng.choice(organizations).pk
        after = answered.asked_on if answered else today - datetime.timedelta(days=365 * YEARS_BACK)
        delivered = min(today, after + datetime.timedelta(days=rng.randint(0, 60)))
        given.append(
            SupportDelivery(
                organization_id=organization_id,
                request=answered,
                category=answered.category if answered else rng.choice(list(SupportCategory)),
                delivered_on=delivered,
                description=rng.choice(names.DELIVERY_TEXTS),
                money=Decimal(rng.randrange(0, 800)) if rng.random() < 0.5 else Decimal(0),
                hours=Decimal(rng.randrange(0, 12)),
                delivered_by=rng.choice(managers),
            )
        )
    SupportDelivery.objects.bulk_create(given, batch_size=BATCH)
    _planner_knows(SupportRequest, SupportDelivery)
    refresh_first_delivery(SupportRequest.objects.values("pk"))  # bulk_create sends no signals
    _mark_fulfilled(rng, rows, given, today)


def _mark_fulfilled(rng, requests: list, deliveries: list, today) -> None:
    """The day each fulfilled request was fulfilled, as the ledger would have
    set it (SupportRequest.save, services.record_delivery; bulk_create runs
    neither): its last delivery's day, or some days after it was asked."""
    last: dict[int, datetime.date] = {}
    for delivery in deliveries:
        if delivery.request is not None:
            day = last.get(delivery.request.pk)
            last[delivery.request.pk] = max(day, delivery.delivered_on) if day else delivery.delivered_on
    fulfilled = [r for r in requests if r.status == RequestStatus.FULFILLED]
    for request in fulfilled:
        request.fulfilled_on = last.get(request.pk) or min(
            today, request.asked_on + datetime.timedelta(days=rng.randint(0, 90))
        )
    SupportRequest.objects.bulk_update(fulfilled, ["fulfilled_on"], batch_size=BATCH)


def now_and_today():
    now = timezone.now()
    return now, timezone.localdate(now)
