"""The dashboard's "Partnerships needing attention" panel (reporting/health.py):
partners with their reasons, the kind filter, its CSV, never in the board
report, a fixed number of queries; and how partners as a group rate us,
from released units only: a held round changes nothing."""

import datetime

import pytest
from django.contrib.auth.models import Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from partners.choices import InteractionKind, OrganizationKind, Stage
from reporting.health import attention_figure, group_rating
from reporting.queries import DashboardData
from reporting.scope import Scope
from tests.factories import (
    InteractionFactory,
    OrganizationFactory,
    QuestionFactory,
    RoundFactory,
    SupportRequestFactory,
    SurveyFactory,
)
from tests.reporting.conftest import TODAY, answer_round, noon
from tests.surveys.releasing import release

pytestmark = pytest.mark.django_db

DASHBOARD = reverse("dashboard:index")
START = datetime.date(2025, 7, 1)


def ago(days: int) -> datetime.date:
    return TODAY - datetime.timedelta(days=days)


def data(surveys: bool = True, kind: str = "") -> DashboardData:
    return DashboardData(Scope(start=START, end=TODAY, kind=kind), TODAY, surveys=surveys)


def slipping(name: str, kind=OrganizationKind.SEX_WORKER_LED):
    organization = OrganizationFactory(name=name, kind=kind, stage=Stage.COLLABORATING, keep_in_touch_days=30)
    InteractionFactory(organization=organization, kind=InteractionKind.CALL, happened_on=ago(61))
    return organization


@pytest.fixture
def partners(today):
    alpha = slipping("Alpha")
    SupportRequestFactory.create_batch(2, organization=alpha, asked_on=ago(45))
    beta = slipping("Beta", kind=OrganizationKind.HEALTH)
    well = OrganizationFactory(name="Well", stage=Stage.COLLABORATING, keep_in_touch_days=30)
    InteractionFactory(organization=well, happened_on=TODAY)
    return alpha, beta, well


def test_the_panel_lists_partners_needing_attention_with_their_reasons(partners):
    alpha, beta, _well = partners

    figure = attention_figure(data())

    assert [row[0] for row in figure.table.rows] == ["Alpha", "Beta"]
    assert figure.table.rows[0][3] == "last contact 61 days ago (aim: every 30 days); 2 requests waiting over 30 days"
    assert figure.table.links == [alpha.get_absolute_url(), beta.get_absolute_url()]


def test_the_panel_keeps_to_the_kind_of_partner_chosen(partners):
    assert [row[0] for row in attention_figure(data(kind=OrganizationKind.HEALTH)).table.rows] == ["Beta"]


def test_the_panel_is_on_the_dashboard_with_a_csv_and_not_in_the_board_report(leader_client, partners):
    page = leader_client.get(DASHBOARD).content.decode()
    csv = leader_client.get(reverse("dashboard:export", args=["needs-attention"])).content.decode()
    report = leader_client.get(reverse("dashboard:report")).content.decode()

    assert "Partnerships needing attention" in page
    assert "2 requests waiting over 30 days" in page
    assert "Alpha" in csv and "2 requests waiting over 30 days" in csv
    assert "Partnerships needing attention" not in report and "Alpha" not in report


def test_the_panel_costs_the_same_queries_for_5_or_50_partners(today):
    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            attention_figure(data(surveys=False))
        return len(queries)

    for n in range(5):
        slipping(f"Partner {n}")
    with_5 = count()
    for n in range(5, 50):
        slipping(f"Partner {n}")
    with_50 = count()

    # The usual times, three grouped counts, the partners past keep-in-touch (the
    # dashboard's own figure), the names to rank them, the partners listed.
    assert with_5 == with_50 == 7
    # A long list is the partner list's job: the panel lists 25 and says how many there are.
    panel = attention_figure(data())
    assert len(panel.table.rows) == 25
    assert "50 partners need attention; the 25 with the most signals are listed here" in panel.note


def test_the_panel_lists_the_most_signals_first_then_by_name(today):
    for n in range(30):
        slipping(f"One signal {n:02}")
    for name in ("Zeta", "Yara"):  # two signals each: listed first, whatever their name
        SupportRequestFactory(organization=slipping(name), asked_on=ago(45))

    rows = attention_figure(data()).table.rows

    assert [row[0] for row in rows] == ["Yara", "Zeta", *[f"One signal {n:02}" for n in range(23)]]


# --- partners as a group ---------------------------------------------------------


@pytest.fixture
def partner_survey(today):
    survey = SurveyFactory(title="Partner survey", audience="partners")
    recommend = QuestionFactory(survey=survey, kind="likelihood", mirror_key="recommend", text="Recommend us?")
    return survey, recommend


def a_round(survey, question, opened: str, value: int, people: int):
    opened_on = datetime.date.fromisoformat(opened)
    survey_round = RoundFactory(
        survey=survey, opened_at=noon(opened_on), closes_at=noon(opened_on + datetime.timedelta(days=21))
    )
    answer_round(survey_round, [(question, value)], people=people)
    release(survey_round)
    return survey_round


def test_the_group_rating_is_the_latest_released_round(partner_survey):
    survey, recommend = partner_survey
    a_round(survey, recommend, "2026-01-05", 6, people=5)
    a_round(survey, recommend, "2026-03-02", 8, people=6)

    rating = group_rating(data())

    assert (rating["mean"], rating["people"], rating["opened_at"].date()) == (8, 6, datetime.date(2026, 3, 2))
    note = attention_figure(data()).note
    assert "Partners as a group: 8.0/10 on average on the 0 to 10 questions" in note
    assert "opened 2 Mar 2026, 6 people" in note


def test_a_held_round_does_not_change_the_group_rating(partner_survey, settings):
    survey, recommend = partner_survey
    a_round(survey, recommend, "2026-03-02", 8, people=settings.SURVEY_MIN_RESPONSES)
    before = attention_figure(data()).note

    a_round(survey, recommend, "2026-05-04", 1, people=settings.SURVEY_MIN_RESPONSES - 1)  # held

    assert attention_figure(data()).note == before
    assert group_rating(data())["mean"] == 8


def test_no_group_rating_without_a_released_round_or_for_who_may_not_see_results(partner_survey):
    survey, recommend = partner_survey
    assert group_rating(data()) is None
    a_round(survey, recommend, "2026-03-02", 8, people=5)

    assert group_rating(data(surveys=False)) is None
    assert "Partners as a group" not in attention_figure(data(surveys=False)).note


def test_without_survey_results_permission_the_dashboard_has_no_group_rating(client, partner_survey):
    from tests.factories import UserFactory

    survey, recommend = partner_survey
    a_round(survey, recommend, "2026-03-02", 8, people=5)
    viewer = UserFactory(username="viewer")
    viewer.user_permissions.add(Permission.objects.get(codename="view_organization"))
    client.force_login(viewer)

    page = client.get(DASHBOARD).content.decode()

    assert "Partnerships needing attention" in page
    assert "Partners as a group" not in page
