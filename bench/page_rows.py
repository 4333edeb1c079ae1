"""Rows added to an otherwise empty database for the "5 rows vs 500 rows"
comparison: each page's main table grows from 5 to 500 and its query count
must not move. The rows come from the dataset generator's own functions, so
they carry the same relations (leads, tags, contacts present, deliveries,
history, answers) a page might forget to fetch in one go."""

import datetime
import random
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model

from partners.models import Interaction, Organization, SupportRequest, Tag
from surveys.models import Invitation, Round, Survey

from .dataset import partner_rows, survey_rows


@dataclass
class Base:
    """What every page needs before its main table grows: the staff, a
    partner with a contact, one request, and the three starter surveys with
    one round each."""

    rng: random.Random
    manager: object
    leader: object
    tags: list[Tag]
    organization: Organization
    interaction: Interaction
    request: SupportRequest
    surveys: dict[str, Survey]
    rounds: dict[str, Round]
    now: datetime.datetime = field(default_factory=lambda: partner_rows.now_and_today()[0])

    @property
    def today(self) -> datetime.date:
        return self.now.date()


def make_base(seed: int = 7) -> Base:
    rng = random.Random(seed)
    now, today = partner_rows.now_and_today()
    User = get_user_model()
    manager = User.objects.filter(username__startswith="bench-manager").order_by("pk").first()
    leader = User.objects.filter(username__startswith="bench-leader").order_by("pk").first()
    if manager is None:
        (manager,), (leader,) = partner_rows.create_users(rng, 1, 1)
    tags = partner_rows.create_tags(3)
    (organization,) = partner_rows.create_organizations(rng, 1, [manager], tags, now)
    contacts = partner_rows.create_contacts(rng, [organization], 2)
    partner_rows.create_interactions(rng, [organization], contacts, [manager], 1, today)
    partner_rows.create_support(rng, [organization], [manager], 1, 1, today)
    surveys = survey_rows.surveys_by_audience()
    survey_rows.create_recipients(rng, "participants", 3)
    survey_rows.create_recipients(rng, "staff", 3)
    rounds = {a: survey_rows.create_rounds(rng, s, 1, now)[0] for a, s in surveys.items()}
    return Base(
        rng=rng,
        manager=manager,
        leader=leader,
        tags=tags,
        organization=organization,
        interaction=Interaction.objects.get(organization=organization),
        request=SupportRequest.objects.get(organization=organization),
        surveys=surveys,
        rounds=rounds,
        now=now,
    )


def organizations(base: Base, n: int) -> None:
    """Partners with history, contacts, interactions and support, led by the manager."""
    added = partner_rows.create_organizations(base.rng, n, [base.manager], base.tags, base.now)
    partner_rows.create_organization_history(base.rng, added, base.now)
    contacts = partner_rows.create_contacts(base.rng, added, n)
    partner_rows.create_interactions(base.rng, added, contacts, [base.manager], n, base.today)
    partner_rows.create_support(base.rng, added, [base.manager], n, n, base.today)


def interactions(base: Base, n: int) -> None:
    contacts = {base.organization.pk: list(base.organization.contacts.all())}
    partner_rows.create_interactions(base.rng, [base.organization], contacts, [base.manager], n, base.today)


def support(base: Base, n: int) -> None:
    partner_rows.create_support(base.rng, [base.organization], [base.manager], n, n, base.today)


def partner_timeline(base: Base, n: int) -> None:
    """One partner's page: more contacts, interactions, requests and deliveries."""
    partner_rows.create_contacts(base.rng, [base.organization], n)
    interactions(base, n)
    support(base, n)


def people_present(base: Base, n: int) -> None:
    contacts = partner_rows.create_contacts(base.rng, [base.organization], n)[base.organization.pk]
    base.interaction.contacts.add(*contacts)


def deliveries(base: Base, n: int) -> None:
    from partners.models import SupportDelivery

    SupportDelivery.objects.bulk_create(
        [
            SupportDelivery(
                organization=base.organization,
                request=base.request,
                category=base.request.category,
                delivered_on=base.today,
                description="Delivered for the comparison.",
                money=10,
                hours=1,
                delivered_by=base.manager,
            )
            for _ in range(n)
        ]
    )


def surveys(base: Base, n: int) -> None:
    """More surveys on the list, each with a question and a round."""
    made = Survey.objects.bulk_create(
        [Survey(title=f"Comparison survey {base.rng.random():.6f}", audience="staff", status="draft") for _ in range(n)]
    )
    Round.objects.bulk_create([Round(survey=s, closes_at=base.now + datetime.timedelta(days=1)) for s in made])


def rounds(base: Base, n: int) -> None:
    """More rounds of the participants' survey, each invited and answered."""
    survey = base.surveys["participants"]
    made = survey_rows.create_rounds(base.rng, survey, n, base.now)
    _answer(base, survey, made)


def invitations(base: Base, n: int) -> None:
    """More people invited to (and answering) the participants' open round."""
    survey, round_ = base.surveys["participants"], base.rounds["participants"]
    survey_rows.create_recipients(base.rng, "participants", n)
    already = frozenset(Invitation.objects.filter(round=round_).values_list("recipient_id", flat=True))
    fresh = survey_rows.create_invitations(base.rng, survey, [round_], exclude=already)[round_.pk]
    survey_rows.create_answers(base.rng, [(survey, round_, fresh)], target=n)
    failed = fresh[: max(1, n // 10)]
    Invitation.objects.filter(pk__in=[i.pk for i in failed]).update(state="failed", last_error="Mailbox full")


def responses(base: Base, n: int) -> None:
    """More answers in the participants' rounds (about 10 answers a response)."""
    survey, round_ = base.surveys["participants"], base.rounds["participants"]
    survey_rows.create_answers(base.rng, [(survey, round_, [])], target=n * 10)


def recipients(base: Base, n: int) -> None:
    survey_rows.create_recipients(base.rng, "staff", n)


def _answer(base: Base, survey: Survey, made: list[Round]) -> None:
    invited = survey_rows.create_invitations(base.rng, survey, made)
    plan = [(survey, r, invited[r.pk]) for r in made]
    survey_rows.create_answers(base.rng, plan, target=len(made) * 5)
