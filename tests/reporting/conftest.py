"""A small dataset whose every dashboard figure is worked out by hand in
test_figures.py. "Today" is 15 June 2026, so the default period is
1 July 2025 to 15 June 2026."""

import datetime
from decimal import Decimal
from types import SimpleNamespace

import pytest
import time_machine

from partners.choices import InteractionKind as IK
from partners.choices import OrganizationKind, Received, RequestStatus, Stage
from partners.choices import SupportCategory as SC
from partners.models import DeliveryConfirmation, SupportRequest
from surveys.models import Answer, YouSaidWeDid
from surveys.services.answering import record_response
from tests.factories import (
    ContactFactory,
    InteractionFactory,
    InvitationFactory,
    OrganizationFactory,
    QuestionFactory,
    RoundFactory,
    SupportDeliveryFactory,
    SupportRequestFactory,
    SurveyFactory,
)
from tests.surveys.releasing import release

TODAY = datetime.date(2026, 6, 15)
SECRET = "SECRET-NOTE-do-not-show"


def noon(day: datetime.date) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(12), tzinfo=datetime.UTC)


def on(day: datetime.date):
    """The clock (and so every history_date written) set to noon that day."""
    return time_machine.travel(noon(day), tick=False)


@pytest.fixture
def today():
    with on(TODAY):
        yield TODAY


def d(text: str) -> datetime.date:
    return datetime.date.fromisoformat(text)


def _partners() -> SimpleNamespace:
    with on(d("2026-01-10")):
        alpha = OrganizationFactory(name="Alpha", kind=OrganizationKind.SEX_WORKER_LED, stage=Stage.FIRST_CONTACT)
    with on(d("2026-02-20")):
        beta = OrganizationFactory(name="Beta", kind=OrganizationKind.HEALTH, stage=Stage.BUILDING_TRUST)
    with on(d("2026-03-05")):
        alpha.stage = Stage.COLLABORATING
        alpha.save()
    with on(d("2026-04-10")):
        beta.stage = Stage.PAUSED
        beta.save()
    with on(d("2026-05-02")):
        gamma = OrganizationFactory(name="Gamma", kind=OrganizationKind.SEX_WORKER_LED, stage=Stage.IDENTIFIED)
    return SimpleNamespace(alpha=alpha, beta=beta, gamma=gamma)


def _interactions(p) -> None:
    InteractionFactory(organization=p.alpha, kind=IK.MEETING, happened_on=d("2026-03-06"))
    InteractionFactory(organization=p.alpha, kind=IK.CALL, happened_on=d("2026-03-20"))
    InteractionFactory(organization=p.alpha, kind=IK.MEETING, happened_on=d("2026-05-10"), confidential_notes=SECRET)
    InteractionFactory(organization=p.beta, kind=IK.VISIT, happened_on=d("2026-02-25"), confidential_notes=SECRET)
    InteractionFactory(organization=p.alpha, kind=IK.MEETING, happened_on=d("2025-05-01"))  # before the period


def _support(p) -> None:
    def ask(org, category, asked_on, status, **extra):
        return SupportRequestFactory(organization=org, category=category, asked_on=d(asked_on), status=status, **extra)

    def give(request, delivered_on, money, hours, org=None, category=None):
        return SupportDeliveryFactory(
            request=request,
            organization=org or request.organization,
            category=category or request.category,
            delivered_on=d(delivered_on),
            money=Decimal(money),
            hours=Decimal(hours),
        )

    def confirm(delivery, received):
        DeliveryConfirmation.objects.create(delivery=delivery, received=received, contact=alpha_contact)

    alpha_contact = ContactFactory(organization=p.alpha)
    r1 = ask(p.alpha, SC.EMERGENCY_FUNDS, "2026-03-01", RequestStatus.FULFILLED, amount_asked=500)
    confirm(give(r1, "2026-03-04", "300", "1"), Received.RECEIVED)  # first delivery 3 days later
    give(r1, "2026-03-20", "200", "0")
    SupportRequest.objects.filter(pk=r1.pk).update(fulfilled_on=d("2026-03-20"))  # 19 days to fulfil
    # Asked by the partner in the portal; it said the delivery only partly arrived.
    r2 = ask(p.alpha, SC.MEETING_SPACE, "2026-04-01", RequestStatus.PARTLY_FULFILLED, submitted_by=alpha_contact)
    confirm(give(r2, "2026-04-11", "0", "4"), Received.PARTLY)  # 10 days
    ask(p.beta, SC.SUPPLIES, "2026-04-05", RequestStatus.DECLINED)
    ask(p.beta, SC.TRAINING, "2026-05-01", RequestStatus.OPEN)  # open 45 days
    r5 = ask(p.alpha, SC.SUPPLIES, "2026-06-10", RequestStatus.ACKNOWLEDGED)  # open 5 days
    give(r5, "2026-06-12", "50", "0.5")  # 2 days
    ask(p.gamma, SC.OTHER, "2026-06-01", RequestStatus.WITHDRAWN)
    # Before the period (open 521 days), asked in the portal: not counted.
    ask(p.alpha, SC.ADVOCACY, "2025-01-10", RequestStatus.OPEN, submitted_by=alpha_contact)
    give(None, "2026-05-20", "0", "2", org=p.beta, category=SC.OTHER)  # nobody asked


def answer_round(survey_round, questions_and_values: list[tuple], people: int, contacts_of=None) -> None:
    """`people` responses by private link, each giving every question its value."""
    for _ in range(people):
        if contacts_of is not None:
            invitation = InvitationFactory(
                round=survey_round, recipient=None, contact=ContactFactory(organization=contacts_of)
            )
        else:
            invitation = InvitationFactory(round=survey_round)
        answers = [Answer(question=q, number=value) for q, value in questions_and_values]
        record_response(survey_round, answers, invitation=invitation)


def _surveys(p) -> SimpleNamespace:
    partners = SurveyFactory(title="Partner survey", audience="partners")
    recommend = QuestionFactory(
        survey=partners, kind="likelihood", mirror_key="recommend", text="Would you recommend us?"
    )
    safety = QuestionFactory(survey=partners, kind="agreement", domain="safety", text="We keep you safe.")
    p1 = RoundFactory(survey=partners, opened_at=noon(d("2026-02-01")), closes_at=noon(d("2026-02-22")))
    p2 = RoundFactory(survey=partners, opened_at=noon(d("2026-05-01")), closes_at=noon(d("2026-05-22")))
    answer_round(p1, [(recommend, 8), (safety, 4)], people=5, contacts_of=p.alpha)  # exactly k: released
    answer_round(p2, [(recommend, 8), (safety, 4)], people=4, contacts_of=p.beta)  # k-1: held

    participants = SurveyFactory(title="Participant survey", audience="participants")
    p_recommend = QuestionFactory(survey=participants, kind="likelihood", mirror_key="recommend", text="Recommend?")
    x1 = RoundFactory(survey=participants, opened_at=noon(d("2026-03-01")), closes_at=noon(d("2026-03-22")))
    answer_round(x1, [(p_recommend, 10)], people=6)
    InvitationFactory.create_batch(4, round=x1)  # invited, never answered: 6 of 10
    x0 = RoundFactory(survey=participants, opened_at=noon(d("2025-03-01")), closes_at=noon(d("2025-03-22")))
    answer_round(x0, [(p_recommend, 2)], people=7)  # before the period

    YouSaidWeDid.objects.create(round=p1, you_said="More evening hours.", we_did="Open until 10 pm.", status="done")
    YouSaidWeDid.objects.create(round=x0, you_said="Old.", we_did="Old.", status="done")
    YouSaidWeDid.objects.create(round=p1, you_said="Planned.", we_did="Not yet.")  # not counted: not done
    release(p1, p2, x1, x0)
    return SimpleNamespace(partners=partners, p1=p1, p2=p2, x1=x1, x0=x0)


@pytest.fixture
def hand_data(db, today) -> SimpleNamespace:
    partners = _partners()
    _interactions(partners)
    _support(partners)
    surveys = _surveys(partners)
    return SimpleNamespace(**vars(partners), **vars(surveys))
