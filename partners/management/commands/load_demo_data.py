"""Load a fictional demo dataset into the partnership CRM.

It loads four demo users (two program managers, one leader, one administrator),
18 partner organizations across every relationship stage and kind, their
contacts (mostly work names), six months of interactions back from today,
support requests in every status and category, and the support delivered
(some answering requests, a few unrequested).

Every name is invented. Running it again adds nothing new: organizations are
keyed by their unique name, and an organization's contacts, interactions,
requests and deliveries are only created when the organization itself is new.
Demo users are updated in place and get their demo passwords back.
"""

import datetime
import random
from decimal import Decimal
from typing import Any, NamedTuple

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, User
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from core.roles import LEADERSHIP, PROGRAM_MANAGERS
from partners.choices import (
    Channel,
    Helped,
    Initiator,
    InteractionKind,
    Language,
    OrganizationKind,
    Received,
    RequestStatus,
    Stage,
    SupportCategory,
    Urgency,
)
from partners.models import (
    Contact,
    DeliveryConfirmation,
    Interaction,
    Organization,
    PortalAccess,
    SupportDelivery,
    SupportRequest,
    Tag,
)

SEED = 20240611
HISTORY_DAYS = 180

# username, password, group (None for the administrator), first name, last name
DEMO_USERS = [
    ("manager", "demo-manager-pass", PROGRAM_MANAGERS, "Dana", "Okoro"),
    ("manager2", "demo-manager-pass", PROGRAM_MANAGERS, "Luis", "Ferrante"),
    ("leader", "demo-leader-pass", LEADERSHIP, "Morgan", "Hale"),
    ("admin", "demo-admin-pass", None, "Sam", "Ito"),
]


class ContactRow(NamedTuple):
    alias: str
    role: str = ""
    email: str = ""
    phone: str = ""
    channel: str = Channel.EMAIL
    language: str = Language.ENGLISH
    consent: bool = True
    opted_out: bool = False


class OrgRow(NamedTuple):
    name: str
    kind: str
    stage: str
    lead: str  # username of the relationship lead
    cadence: int  # keep in touch every N days
    last: int | None  # days since the latest interaction; None: never contacted
    follow_up: tuple[int, bool] | None  # the latest interaction's follow-up: days from today, done?
    area: str
    description: str
    lived: bool = False
    prefs: str = ""
    dnnp: bool = False
    tags: tuple[str, ...] = ()
    note: str = ""  # confidential note on the latest interaction
    contacts: tuple[ContactRow, ...] = ()


class RequestRow(NamedTuple):
    org: str
    category: str
    description: str
    asked_ago: int
    status: str
    urgency: str = Urgency.NORMAL
    amount: str | None = None
    initiator: str = Initiator.PARTNER
    deliveries: tuple[tuple[int, str, str, str], ...] = ()  # (days ago, what was given, money, hours)


K, S, C, L = OrganizationKind, Stage, Channel, Language

# fmt: off
ORGANIZATIONS = [
    OrgRow("Riverton Night Shift Collective", K.SEX_WORKER_LED, S.FORMAL_PARTNERSHIP, "manager", 14, 3, (4, False),
           "Downtown Riverton", "Peer-run safety group for sex workers: buddy system, bad-date alerts, weekly drop-in.",
           lived=True, prefs="Secure messenger only. Never email about members.", dnnp=True,
           tags=("Downtown", "Night outreach"), note="Asked us not to mention their drop-in address in reports.",
           contacts=(ContactRow("Jade", "Co-founder", phone="555-0101", channel=C.SECURE_MESSENGER),
                     ContactRow("Coco", "Drop-in lead", channel=C.SECURE_MESSENGER),
                     ContactRow("Mx. Rivera", "Treasurer", email="rivera@example.org"))),
    OrgRow("Eastside Peer Safety Circle", K.SEX_WORKER_LED, S.COLLABORATING, "manager", 21, 40, (-14, False),
           "Eastside", "Sex workers who meet monthly to share safety tips and check in on each other.",
           lived=True, prefs="Phone only, never email.", dnnp=True, tags=("Eastside", "Spanish-speaking"),
           note="Two members worry about being seen at our office. Meet them somewhere neutral.",
           contacts=(ContactRow("Paloma", "Organizer", phone="555-0112", channel=C.PHONE, language=L.SPANISH),
                     ContactRow("Star", "Volunteer", phone="555-0113", channel=C.PHONE))),
    OrgRow("Lantern Bad Date Line", K.SEX_WORKER_LED, S.BUILDING_TRUST, "manager2", 30, 12, (-3, True),
           "Riverton and Fairview", "Text line run by people in the sex trades to share warnings about unsafe clients.",
           lived=True, prefs="Text first. Use work names only in anything written down.", tags=("Night outreach",),
           contacts=(ContactRow("Onyx", "Line coordinator", email="onyx@example.net", channel=C.TEXT),
                     ContactRow("Bee", "Trainer", email="bee@example.net"),
                     ContactRow("Sunny", "Volunteer", phone="555-0123", channel=C.TEXT, consent=False))),
    OrgRow("Compañeras del Puente", K.SEX_WORKER_LED, S.FIRST_CONTACT, "manager2", 30, 50, (-20, False),
           "Eastside", "Spanish-speaking sex workers who run a phone tree and a monthly potluck.",
           lived=True, prefs="Spanish first. Send a text before calling.", dnnp=True,
           tags=("Eastside", "Spanish-speaking"),
           contacts=(ContactRow("Luz", "Coordinadora", phone="555-0131", channel=C.TEXT, language=L.SPANISH),
                     ContactRow("Reina", email="reina@example.org", language=L.SPANISH))),
    OrgRow("Harbor Street Workers' Union", K.SEX_WORKER_LED, S.PAUSED, "manager", 60, 100, None,
           "Harbor district", "Sex workers organizing for safer working conditions near the harbor.",
           lived=True, prefs="They asked for a pause while they reorganize. Wait for them to reach out.", dnnp=True,
           contacts=(ContactRow("Velvet", "Spokesperson", email="velvet@example.org", consent=False, opted_out=True),)),
    OrgRow("Maple Hill Safety Network", K.SEX_WORKER_LED, S.IDENTIFIED, "manager2", 30, None, None,
           "Maple Hill", "Small peer network we heard about through the Lantern line.",
           lived=True, prefs="Do not reach out cold. Wait for Lantern to introduce us.", dnnp=True),
    OrgRow("Velvet Hour Outreach Crew", K.SEX_WORKER_LED, S.COLLABORATING, "manager", 30, 8, (10, False),
           "Downtown Riverton", "Night walks with snacks, chargers and safety supplies, run by and for sex workers.",
           lived=True, prefs="Call after 2 pm. They sleep in the mornings.", tags=("Downtown", "Night outreach"),
           contacts=(ContactRow("Ruby", "Crew lead", email="ruby@example.org", phone="555-0171", channel=C.PHONE),
                     ContactRow("Kit", "Volunteer", email="kit@example.net"))),
    OrgRow("Riverton Neighbors Mutual Aid", K.MUTUAL_AID, S.COLLABORATING, "manager2", 30, 20, (-30, True),
           "Eastside", "Neighbors sharing food, rides and rent help, no questions asked.", tags=("Eastside",),
           contacts=(ContactRow("Tomás", "Organizer", email="tomas@example.org", language=L.SPANISH),
                     ContactRow("Priya", "Rides", email="priya@example.org"),
                     ContactRow("Ash", "Food shares", email="ash@example.net", consent=False))),
    OrgRow("Open Pantry Exchange", K.MUTUAL_AID, S.ENDED, "manager2", 90, 160, None,
           "Fairview", "Community pantry that closed this spring; its volunteers joined Riverton Neighbors.",
           contacts=(ContactRow("Gail", "Former coordinator", email="gail@example.org"),)),
    OrgRow("Eastside Community Health Van", K.HEALTH, S.FORMAL_PARTNERSHIP, "manager", 30, 5, (21, False),
           "Eastside", "Mobile clinic, no ID needed: testing, wound care and a nurse on Thursday nights.",
           tags=("Eastside", "Night outreach"),
           contacts=(ContactRow("Nurse Adaeze", "Outreach nurse", email="adaeze@example.org"),
                     ContactRow("Marco", "Driver and intake", email="marco@example.org", language=L.SPANISH))),
    OrgRow("Clínica Luz Riverton", K.HEALTH, S.BUILDING_TRUST, "manager2", 45, 70, (-40, False),
           "Eastside", "Sliding-scale clinic with Spanish-speaking staff.",
           prefs="Write to the front desk address, not to staff directly.", tags=("Spanish-speaking",),
           contacts=(ContactRow("Dra. Montes", "Medical director", email="montes@example.org", language=L.SPANISH),)),
    OrgRow("Riverton Record Clearing Project", K.LEGAL, S.COLLABORATING, "manager", 30, 15, (-2, False),
           "Riverton county", "Volunteer lawyers who help people clear old charges from their records.",
           tags=("Downtown",),
           contacts=(ContactRow("Ms. Abernathy", "Staff attorney", email="abernathy@example.org"),
                     ContactRow("Jo", "Intake", email="jo@example.org"))),
    OrgRow("Fairview Tenant and Worker Legal Clinic", K.LEGAL, S.FIRST_CONTACT, "manager2", 30, 25, (5, False),
           "Fairview", "Walk-in legal clinic for housing and work problems.",
           contacts=(ContactRow("Mr. Delgado", "Clinic manager", email="delgado@example.net"),)),
    OrgRow("Downtown Harm Reduction Hub", K.HARM_REDUCTION, S.FORMAL_PARTNERSHIP, "manager", 14, 2, (12, False),
           "Downtown Riverton", "Peer-staffed drop-in with safer-use supplies, naloxone and a quiet room.",
           lived=True, prefs="Come during open hours only.", tags=("Downtown",),
           note="Prefers we do not bring anyone new to the drop-in without asking first.",
           contacts=(ContactRow("Frankie", "Peer lead", email="frankie@example.org"),
                     ContactRow("Dee", "Supplies", email="dee@example.org", phone="555-0142", channel=C.PHONE),
                     ContactRow("Nico", "Volunteer", email="nico@example.net", opted_out=True),
                     ContactRow("Rosa", "Night shift", phone="555-0144", channel=C.TEXT, language=L.SPANISH))),
    OrgRow("Night Owl Naloxone Crew", K.HARM_REDUCTION, S.BUILDING_TRUST, "manager", 30, 33, (-25, False),
           "Downtown and Harbor district", "Volunteers with lived experience who carry naloxone on late-night walks.",
           lived=True, prefs="Text only. The crew lead changes numbers often; try the secure messenger first.",
           dnnp=True, tags=("Night outreach", "Downtown"),
           contacts=(ContactRow("Raven", "Crew lead", channel=C.SECURE_MESSENGER),)),
    OrgRow("Cedar Street Community Hall", K.OTHER, S.COLLABORATING, "manager2", 60, 30, (-10, True),
           "Eastside", "Neighborhood hall that rents rooms at low cost and lets partners use a side door.",
           tags=("Eastside",), contacts=(ContactRow("Bernadette", "Bookings", email="bookings@example.org"),)),
    OrgRow("Loose Thread Arts Co-op", K.OTHER, S.IDENTIFIED, "manager", 45, None, None,
           "Fairview", "Art co-op with free zine and sewing nights; some members are in the sex trades.", lived=True),
    OrgRow("Fairview Interpreters Co-op", K.OTHER, S.PAUSED, "manager2", 60, 90, None,
           "Fairview", "Worker-owned interpreters. Paused while they finish a big contract.",
           tags=("Spanish-speaking",),
           contacts=(ContactRow("Inés", "Scheduler", email="ines@example.org", language=L.SPANISH),)),
]
# fmt: on


SUMMARIES = {
    InteractionKind.MEETING: [
        "Met to plan the next three months together. They set the agenda.",
        "Sat in on their monthly meeting when invited and listened.",
        "Talked through what support would help most right now.",
    ],
    InteractionKind.CALL: [
        "Quick check-in call. Things are steady; no new asks.",
        "Called about timing for the room booking.",
        "Caught up on how their members are doing since last month.",
    ],
    InteractionKind.MESSAGE: [
        "Sent the dates for our next community meeting; they may join.",
        "They messaged to say thank you for the supplies.",
        "Shared a short update on the request we are working on.",
    ],
    InteractionKind.VISIT: [
        "Dropped off supplies during their open hours.",
        "Visited their space at their invitation and met two volunteers.",
    ],
    InteractionKind.EVENT: [
        "Both groups had tables at the neighborhood health fair.",
        "Joined their fundraiser night as guests.",
    ],
    InteractionKind.REFERRAL: [
        "Passed on a participant's request for a Spanish-speaking lawyer, with the participant's okay.",
        "They referred a participant to our housing help desk.",
    ],
}

CONFIDENTIAL_NOTES = [
    "Use work names only in anything written down.",
    "Asked us to keep their meeting schedule out of shared calendars.",
    "Their organizer is dealing with a family matter; go easy on asks this month.",
]

SC, RS, U = SupportCategory, RequestStatus, Urgency

# fmt: off
REQUESTS = [
    RequestRow("Riverton Night Shift Collective", SC.EMERGENCY_FUNDS,
               "Emergency rent help for members who lost income when two motels closed.",
               120, RS.PARTLY_FULFILLED, U.URGENT, "2500.00",
               deliveries=((112, "First payment into their member rent fund.", "1500.00", "2"),)),
    RequestRow("Riverton Night Shift Collective", SC.MEETING_SPACE,
               "A private room on Tuesday nights for peer support. No sign-in sheet.", 150, RS.FULFILLED,
               deliveries=((140, "Booked the Cedar Street side room for Tuesday nights, first month.", "0", "3"),
                           (95, "Renewed the Tuesday booking for three more months.", "0", "1.5"))),
    RequestRow("Eastside Peer Safety Circle", SC.SUPPLIES,
               "Phone chargers, rain ponchos and snacks for the night walks.", 35, RS.IN_PROGRESS, U.HIGH, "400.00"),
    RequestRow("Eastside Peer Safety Circle", SC.ADVOCACY,
               "Come with us to the city council session and back our ask for street lights. Let us do the talking.",
               60, RS.ACKNOWLEDGED),
    RequestRow("Lantern Bad Date Line", SC.TRAINING,
               "Pay our own trainers to run a de-escalation session for new line volunteers.", 80, RS.FULFILLED,
               deliveries=((60, "Paid two peer trainers for a half-day session.", "600.00", "4"),)),
    RequestRow("Compañeras del Puente", SC.REFERRALS,
               "Names of Spanish-speaking lawyers who work with immigrants.", 45, RS.OPEN),
    RequestRow("Compañeras del Puente", SC.INTRODUCTIONS,
               "We offered to introduce them to the county health outreach team. They said not now.",
               50, RS.WITHDRAWN, U.LOW, initiator=Initiator.US),
    RequestRow("Velvet Hour Outreach Crew", SC.EMERGENCY_FUNDS,
               "Motel nights for three members who lost their housing when the building was sold.",
               25, RS.FULFILLED, U.URGENT, "800.00",
               deliveries=((22, "Sent emergency funds for motel nights.", "800.00", "1"),)),
    RequestRow("Velvet Hour Outreach Crew", SC.SUPPLIES,
               "Hand warmers and socks for winter walks.", 10, RS.OPEN, amount="250.00"),
    RequestRow("Riverton Neighbors Mutual Aid", SC.OTHER,
               "Co-sign a lease for a storefront. Our board could not approve it; we explained why and offered a room.",
               90, RS.DECLINED, U.LOW),
    RequestRow("Eastside Community Health Van", SC.INTRODUCTIONS,
               "We offered to introduce their nurse to the Night Shift Collective, with the collective's okay.",
               70, RS.FULFILLED, initiator=Initiator.US,
               deliveries=((65, "Set up a first coffee between the nurse and the collective.", "0", "1.5"),)),
    RequestRow("Riverton Record Clearing Project", SC.ADVOCACY,
               "Letters of support for their grant and a seat at their funder meeting.", 100, RS.PARTLY_FULFILLED,
               deliveries=((85, "Wrote a letter of support for their grant.", "0", "3"),)),
    RequestRow("Downtown Harm Reduction Hub", SC.SUPPLIES,
               "Safer-use and wound-care supplies for two months.", 30, RS.IN_PROGRESS, U.HIGH, "1200.00",
               deliveries=((14, "Bought and dropped off the first month of supplies.", "600.00", "2"),)),
    RequestRow("Downtown Harm Reduction Hub", SC.TRAINING,
               "Train their new volunteers on warm referrals to housing programs.", 5, RS.ACKNOWLEDGED),
    RequestRow("Night Owl Naloxone Crew", SC.EMERGENCY_FUNDS,
               "Gas money for the outreach car for two months.", 40, RS.ACKNOWLEDGED, U.HIGH, "300.00"),
    RequestRow("Cedar Street Community Hall", SC.MEETING_SPACE,
               "A storage closet for partner groups. They found one elsewhere.", 55, RS.WITHDRAWN, U.LOW),
    RequestRow("Clínica Luz Riverton", SC.REFERRALS,
               "A list of counselors who speak Spanish and charge on a sliding scale.", 110, RS.FULFILLED,
               deliveries=((104, "Shared our list of sliding-scale counselors.", "0", "1"),)),
    RequestRow("Open Pantry Exchange", SC.SUPPLIES,
               "Shelf-stable food and hygiene kits for the last pantry days.", 170, RS.FULFILLED, amount="500.00",
               deliveries=((165, "Bought food and hygiene kits.", "480.00", "2"),)),
]

# Support nobody asked for: (organization, category, days ago, what was given, money, hours)
UNREQUESTED_DELIVERIES = [
    ("Riverton Night Shift Collective", SC.SUPPLIES, 30,
     "Winter coats left from our clothing drive. They said yes before we brought them.", "0", "1"),
    ("Eastside Community Health Van", SC.TRAINING, 50,
     "Two free seats for their staff at our first-aid course.", "150.00", "0"),
    ("Lantern Bad Date Line", SC.OTHER, 20, "Printed their safety cards at our cost.", "85.00", "0.5"),
]
# fmt: on


STAGE_PATH: list[str] = [
    Stage.IDENTIFIED,
    Stage.FIRST_CONTACT,
    Stage.BUILDING_TRUST,
    Stage.COLLABORATING,
    Stage.FORMAL_PARTNERSHIP,
]


def backdate_stage_history(org: Organization, today: datetime.date) -> None:
    """Gives the partner a believable path through the stages over the last
    six months, in its change history, so the dashboard's month-by-month
    figures have something to show."""
    final = org.stage
    steps = STAGE_PATH[: STAGE_PATH.index(final) + 1] if final in STAGE_PATH else [*STAGE_PATH[:3], final]
    start = timezone.make_aware(datetime.datetime.combine(today - datetime.timedelta(days=180), datetime.time(9)))
    org.history.all().update(history_date=start, stage=steps[0])
    for number, stage in enumerate(steps[1:], start=1):
        org.stage = stage
        # django-simple-history's documented way to date the change this save records.
        org._history_date = start + datetime.timedelta(days=number * 150 // len(steps))  # type: ignore[attr-defined]
        org.save(update_fields=["stage"])


def ensure_demo_users() -> dict[str, User]:
    """Create or update the demo users, reset their passwords and roles."""
    user_model = get_user_model()
    users: dict[str, User] = {}
    for username, password, group_name, first_name, last_name in DEMO_USERS:
        user, _ = user_model.objects.get_or_create(username=username)
        user.first_name, user.last_name = first_name, last_name
        user.email = f"{username}@example.org"
        user.is_staff = user.is_superuser = group_name is None
        user.set_password(password)
        user.save()
        user.groups.set([Group.objects.get(name=group_name)] if group_name else [])
        users[username] = user
    return users


# The demo's partner contact with portal access (make run prints it).
PORTAL_DEMO = ("Velvet Hour Outreach Crew", "Ruby")


def hold_a_coalition_meeting(new_orgs: dict[str, Organization]) -> None:
    """One meeting of several partners, logged under one and "also with"
    two others. It is the host's oldest interaction and older than the
    others' latest, so nobody's keep-in-touch clock moves."""
    hosts = [org for org in new_orgs.values() if org.interactions.exists()]
    if len(hosts) < 3:
        return
    meeting = hosts[0].interactions.order_by("happened_on").first()
    assert meeting is not None
    others = [org for org in hosts[1:] if org.interactions.filter(happened_on__gt=meeting.happened_on).exists()][:2]
    meeting.kind = InteractionKind.MEETING
    meeting.summary = "Coalition meeting on outreach safety: who covers which nights over the winter."
    meeting.save(update_fields=["kind", "summary"])
    meeting.also_with.set(others)


def open_the_portal(new_orgs: dict[str, Organization], manager: User) -> None:
    """Ruby of Velvet Hour has portal access, and has said their latest
    delivery arrived and helped."""
    org = new_orgs.get(PORTAL_DEMO[0])
    if org is None:
        return
    ruby = org.contacts.get(name_or_alias=PORTAL_DEMO[1])
    PortalAccess.objects.create(contact=ruby, invited_by=manager, invited_at=timezone.now())
    latest = org.deliveries.order_by("-delivered_on", "-pk").first()
    if latest is not None:
        DeliveryConfirmation.objects.create(
            delivery=latest, received=Received.RECEIVED, helped=Helped.YES, contact=ruby, comment="Right on time."
        )


def create_contacts(org: Organization, rows: tuple[ContactRow, ...]) -> list[Contact]:
    """Survey consent only with an email address (Contact.clean's rule)."""
    return [
        Contact.objects.create(
            organization=org, name_or_alias=row.alias, role=row.role, email=row.email, phone=row.phone,
            preferred_channel=row.channel, language=row.language, consent_to_surveys=row.consent and bool(row.email),
            opted_out=row.opted_out,
        )
        for row in rows
    ]  # fmt: skip


def create_interactions(
    org: Organization,
    spec: OrgRow,
    contacts: list[Contact],
    user: User,
    rng: random.Random,
    today: datetime.date,
) -> int:
    """Spread interactions over six months, the latest `spec.last` days ago."""
    last = spec.last
    if last is None:
        return 0
    count = 2 if spec.stage == Stage.FIRST_CONTACT else rng.randint(3, 6)
    older = sorted(rng.sample(range(last + 3, HISTORY_DAYS + 1), count - 1))
    kinds = list(InteractionKind)
    for position, days_ago in enumerate([last, *older]):
        happened_on = today - datetime.timedelta(days=days_ago)
        kind = kinds[(len(org.name) + position) % len(kinds)]
        interaction = Interaction(
            organization=org,
            kind=kind,
            happened_on=happened_on,
            summary=rng.choice(SUMMARIES[kind]),
            logged_by=user,
        )
        if position == 0:
            interaction.confidential_notes = spec.note
            if spec.follow_up:
                offset, done = spec.follow_up
                interaction.follow_up_on = max(today + datetime.timedelta(days=offset), happened_on)
                interaction.follow_up_note = rng.choice(FOLLOW_UP_NOTES)
                interaction.follow_up_done = done
        else:
            if rng.random() < 0.2:
                interaction.confidential_notes = rng.choice(CONFIDENTIAL_NOTES)
            if rng.random() < 0.3:
                interaction.follow_up_on = happened_on + datetime.timedelta(days=7)
                interaction.follow_up_done = True
        interaction.save()
        if contacts:
            interaction.contacts.set(rng.sample(contacts, k=rng.randint(1, min(2, len(contacts)))))
    return count


FOLLOW_UP_NOTES = [
    "Send the hall booking form",
    "Ask whether the naloxone kits arrived",
    "Share the dates of the de-escalation training",
    "Check what they need before the winter drop-in",
    "Ask how they want to be named in the annual report",
]


def create_support(orgs: dict[str, Organization], users: dict[str, User], today: datetime.date) -> tuple[int, int]:
    """Requests and deliveries for the newly created organizations only."""

    def ago(days: int) -> datetime.date:
        return today - datetime.timedelta(days=days)

    request_count = 0
    # (organization, request or None, category, days ago, what, money, hours, delivered by)
    to_deliver: list[tuple[Organization, SupportRequest | None, str, int, str, str, str, User | None]] = []
    for row in REQUESTS:
        if (org := orgs.get(row.org)) is None:
            continue
        support_request = SupportRequest.objects.create(
            organization=org, category=row.category, description=row.description,
            amount_asked=Decimal(row.amount) if row.amount else None, asked_on=ago(row.asked_ago),
            urgency=row.urgency, status=row.status, initiated_by=row.initiator, recorded_by=org.relationship_lead,
        )  # fmt: skip
        request_count += 1
        to_deliver += [(org, support_request, row.category, *given, org.relationship_lead) for given in row.deliveries]
    for org_name, given_category, days_ago, description, money, hours in UNREQUESTED_DELIVERIES:
        if (org := orgs.get(org_name)) is not None:
            to_deliver.append((org, None, given_category, days_ago, description, money, hours, users["manager2"]))

    for org, request, category, days_ago, description, money, hours, user in to_deliver:
        SupportDelivery.objects.create(
            organization=org, request=request, category=category, delivered_on=ago(days_ago),
            description=description, money=Decimal(money), hours=Decimal(hours), delivered_by=user,
        )  # fmt: skip
    return request_count, len(to_deliver)


class Command(BaseCommand):
    help = "Load a fictional demo dataset (partners, contacts, interactions, support, demo users). Safe to re-run."

    @transaction.atomic
    def handle(self, *args: Any, **options: Any) -> None:
        rng = random.Random(SEED)
        today = timezone.localdate()
        users = ensure_demo_users()
        tags = {name: Tag.objects.get_or_create(name=name)[0] for spec in ORGANIZATIONS for name in spec.tags}

        new_orgs: dict[str, Organization] = {}
        contact_count = interaction_count = 0
        for spec in ORGANIZATIONS:
            org, created = Organization.objects.get_or_create(
                name=spec.name,
                defaults={
                    "kind": spec.kind,
                    "stage": spec.stage,
                    "service_area": spec.area,
                    "description": spec.description,
                    "lived_experience_led": spec.lived,
                    "keep_in_touch_days": spec.cadence,
                    "contact_preferences": spec.prefs,
                    "do_not_name_publicly": spec.dnnp,
                    "relationship_lead": users[spec.lead],
                },
            )
            if not created:
                continue
            new_orgs[org.name] = org
            backdate_stage_history(org, today)
            org.tags.set([tags[name] for name in spec.tags])
            contacts = create_contacts(org, spec.contacts)
            contact_count += len(contacts)
            interaction_count += create_interactions(org, spec, contacts, users[spec.lead], rng, today)

        request_count, delivery_count = create_support(new_orgs, users, today)
        hold_a_coalition_meeting(new_orgs)
        open_the_portal(new_orgs, users["manager"])
        self.stdout.write(
            f"Demo data: {len(new_orgs)} new organizations ({len(ORGANIZATIONS) - len(new_orgs)} already there), "
            f"{contact_count} contacts, {interaction_count} interactions, {request_count} support requests, "
            f"{delivery_count} deliveries, {len(tags)} tags; {len(users)} demo users ready."
        )
