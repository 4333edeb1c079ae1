"""Every dashboard figure against the hand-worked dataset of conftest.py.
The expected numbers below were worked out by hand from that dataset."""

import datetime
from decimal import Decimal

import pytest
import time_machine

from reporting.filters import default_period
from reporting.key_figures import key_figures, period_figures
from reporting.queries import DashboardData
from reporting.scope import Scope
from reporting.tables import KeyFigure
from tests.factories import SupportRequestFactory
from tests.reporting.conftest import TODAY, d

pytestmark = pytest.mark.django_db

ZEROS = {"identified": 0, "first_contact": 0, "building_trust": 0, "collaborating": 0}
ZEROS |= {"formal_partnership": 0, "paused": 0, "ended": 0}


def data(start="2025-07-01", end="2026-06-15", kind="") -> DashboardData:
    return DashboardData(Scope(start=d(start), end=d(end), kind=kind), today=TODAY)


def by_month(rows: list[dict]) -> dict[str, dict]:
    return {row["month"].strftime("%Y-%m"): row for row in rows}


def test_the_default_period_is_the_last_12_months_up_to_today():
    assert default_period(TODAY) == (datetime.date(2025, 7, 1), TODAY)
    assert default_period(datetime.date(2026, 1, 31)) == (datetime.date(2025, 2, 1), datetime.date(2026, 1, 31))


class TestRelationships:
    def test_partners_by_stage_today(self, hand_data):
        counts = data().stages_now
        assert counts == ZEROS | {"identified": 1, "collaborating": 1, "paused": 1, "active": 1, "total": 3}

    def test_partners_by_stage_at_each_month_end_come_from_the_history(self, hand_data):
        months = by_month(data().stages_by_month)
        assert list(months) == [f"2025-{m:02}" for m in range(7, 13)] + [f"2026-{m:02}" for m in range(1, 7)]
        assert months["2025-12"] == {"month": d("2025-12-01"), **ZEROS, "total": 0}
        assert months["2026-01"]["first_contact"] == 1 and months["2026-01"]["total"] == 1
        assert months["2026-02"] | {"month": None} == {
            "month": None,
            **ZEROS,
            "first_contact": 1,
            "building_trust": 1,
            "total": 2,
        }
        assert months["2026-03"] | {"month": None} == {
            "month": None,
            **ZEROS,
            "collaborating": 1,
            "building_trust": 1,
            "total": 2,
        }
        assert months["2026-04"] | {"month": None} == {
            "month": None,
            **ZEROS,
            "collaborating": 1,
            "paused": 1,
            "total": 2,
        }
        expected_may = {"month": None, **ZEROS, "collaborating": 1, "paused": 1, "identified": 1, "total": 3}
        assert months["2026-05"] | {"month": None} == expected_may
        assert months["2026-06"] | {"month": None} == expected_may

    def test_a_deleted_partner_stops_counting_at_its_deletion(self, hand_data):
        from tests.reporting.conftest import on

        with on(d("2026-06-02")):
            hand_data.gamma.requests.all().delete()
            hand_data.gamma.delete()
        months = by_month(data().stages_by_month)
        assert months["2026-05"]["identified"] == 1
        assert months["2026-06"]["identified"] == 0

    def test_a_change_counts_from_the_first_moment_after_it(self, db):
        """At its history_date exactly a row does not count yet, and the row
        before it still does; moments may come in any order."""
        from partners.choices import Stage
        from reporting.scope import start_of_day
        from reporting.stage_history import stage_counts_at
        from tests.factories import OrganizationFactory

        first, second, third = (start_of_day(d(day)) for day in ("2026-01-01", "2026-02-01", "2026-03-01"))
        with time_machine.travel(first, tick=False):
            partner = OrganizationFactory(stage=Stage.IDENTIFIED)
        with time_machine.travel(second, tick=False):
            partner.stage = Stage.FIRST_CONTACT
            partner.save()
        assert stage_counts_at([third, first, second, second + datetime.timedelta(microseconds=1)]) == [
            {"first_contact": 1},
            {},
            {"identified": 1},
            {"first_contact": 1},
        ]

    def test_partners_past_their_keep_in_touch_cadence(self, hand_data):
        # Alpha (collaborating, every 30 days) last heard from on 10 May: 36 days.
        # Beta is paused and Gamma only identified: no clock.
        (alpha,) = data().overdue_partners
        assert (alpha.name, alpha.days_since_contact) == ("Alpha", 36)

    def test_interactions_per_month_by_kind(self, hand_data):
        months = by_month(data().interactions_by_month)
        assert months["2026-02"]["visit"] == 1 and months["2026-02"]["total"] == 1
        assert (months["2026-03"]["meeting"], months["2026-03"]["call"], months["2026-03"]["total"]) == (1, 1, 2)
        assert months["2026-05"]["meeting"] == 1 and months["2026-05"]["total"] == 1
        assert sum(row["total"] for row in months.values()) == 4  # the May 2025 one is before the period


class TestSupport:
    def test_requests_and_deliveries_per_month(self, hand_data):
        months = by_month(data().support_by_month)
        asked_given = {
            m: (r["requests"], r["deliveries"]) for m, r in months.items() if r["requests"] or r["deliveries"]
        }
        assert asked_given == {"2026-03": (1, 2), "2026-04": (2, 1), "2026-05": (1, 1), "2026-06": (2, 1)}

    def test_requests_deliveries_money_and_hours_per_category(self, hand_data):
        rows = {r["category"]: r for r in data().support_by_category if r["requests"] or r["deliveries"]}
        assert {c: (r["requests"], r["deliveries"], r["unrequested"]) for c, r in rows.items()} == {
            "emergency_funds": (1, 2, 0),
            "meeting_space": (1, 1, 0),
            "supplies": (2, 1, 0),
            "training": (1, 0, 0),
            "other": (1, 1, 1),
        }
        assert {c: (r["money"], r["hours"]) for c, r in rows.items() if r["deliveries"]} == {
            "emergency_funds": (Decimal("500"), Decimal("1")),
            "meeting_space": (Decimal("0"), Decimal("4")),
            "supplies": (Decimal("50"), Decimal("0.5")),
            "other": (Decimal("0"), Decimal("2")),
        }

    def test_fulfilment_rate(self, hand_data):
        summary = data().fulfilment
        # Decided: fulfilled 1, partly 1, declined 1 (withdrawn and open do not count): 2 / 3.
        assert (summary["total"], summary["fulfilled"], summary["partly_fulfilled"]) == (6, 1, 1)
        assert (summary["declined"], summary["withdrawn"]) == (1, 1)
        assert summary["fulfilment_rate"] == pytest.approx(2 / 3)

    def test_median_days_to_first_delivery(self, hand_data):
        # First deliveries after 3, 10 and 2 days: the median is 3.
        assert data().median_days == {"median": 3, "measured": 3}

    def test_median_of_an_even_number_is_the_mean_of_the_middle_two(self, hand_data):
        # March and April only: 3 and 10 days.
        assert data(start="2026-03-01", end="2026-04-30").median_days == {"median": 6.5, "measured": 2}

    def test_money_hours_and_the_share_nobody_asked_for(self, hand_data):
        totals = data().delivery_totals
        assert totals == {
            "deliveries": 5,
            "unrequested": 1,
            "money": Decimal("550"),
            "hours": Decimal("7.5"),
            "unrequested_share": pytest.approx(0.2),
            "confirmed": 2,
            "missing": 1,
            "confirmed_share": pytest.approx(0.4),
        }

    def test_what_partners_said_and_asked_for_in_the_portal(self, hand_data):
        figures = {figure.label: figure for figure in key_figures(data())}

        confirmed = figures["Deliveries confirmed by partners"]
        assert confirmed.value == "40%"
        assert confirmed.hint == "2 of 5 deliveries, in the portal; 1 not or only partly received"
        # Six requests in the period, one made in the portal (the other, before it, is not counted).
        assert data().made_in_portal == {"requests": 6, "in_portal": 1, "share": pytest.approx(1 / 6)}
        assert figures["Requests partners made themselves"].hint == "1 of 6 requests, in the portal"

    def test_no_deliveries_and_no_requests_give_no_share(self, db):
        totals, portal = data().delivery_totals, data().made_in_portal

        assert totals["confirmed_share"] is None and portal["share"] is None

    def test_open_requests_by_age(self, hand_data):
        # Outstanding today: acknowledged 5 days, open 45 days, partly fulfilled
        # 75 days, and one open since January 2025 (before the period, still counted).
        bands = data().open_requests
        assert bands == {"0_7": 1, "8_30": 0, "31_90": 2, "over_90": 1, "total": 4}

    def test_open_requests_by_age_at_each_bands_edges(self, db):
        for days in (0, 7, 8, 30, 31, 90, 91):
            SupportRequestFactory(asked_on=TODAY - datetime.timedelta(days=days), status="open")
        SupportRequestFactory(asked_on=TODAY - datetime.timedelta(days=3), status="fulfilled")
        bands = data(start="2020-01-01", end=TODAY.isoformat()).open_requests
        assert bands == {"0_7": 2, "8_30": 2, "31_90": 2, "over_90": 1, "total": 7}


class TestSurveys:
    def test_response_rate_per_round_and_audience(self, hand_data):
        rows = [(r["round"].pk, r["audience"], r["invited"], r["answered"], r["rate"]) for r in data().rounds]
        # Participation is shown as it is, held rounds included: it says how
        # many took part, never what they answered.
        assert rows == [
            (hand_data.p1.pk, "partners", 5, 5, 1.0),
            (hand_data.x1.pk, "participants", 10, 6, 0.6),
            (hand_data.p2.pk, "partners", 4, 4, 1.0),
        ]

    def test_scores_by_wellbeing_domain_audience_and_round(self, hand_data):
        rows = [(r["audience"], r["domain"], r["column"].key, r["mean"], r["people"]) for r in data().domain_scores]
        assert rows == [("partners", "safety", hand_data.p1.pk, 4.0, 5)]  # p2 (4 people) is held

    def test_the_partners_0_to_10_trend(self, hand_data):
        rows = [(r["column"].key, r["mean"], r["people"]) for r in data().partner_trend]
        assert rows == [(hand_data.p1.pk, 8.0, 5)]

    def test_mirrored_questions_side_by_side(self, hand_data):
        (row,) = data().mirrored
        # Partners: 5 answers of 8 in the released round; participants: 6
        # answers of 10 (the 2025 round is outside the period); staff were
        # not asked.
        assert row["key"] == "recommend" and row["scale"] == 10
        assert row["means"] == {"partners": 8.0, "participants": 10.0}

    def test_responses_and_you_said_we_did_items(self, hand_data):
        assert data().survey_totals == {"responses": 15, "released": 11, "loop_items": 1, "rounds": 3}

    def test_totals_leave_paper_answers_to_the_round_page_and_never_count_invitations(self, hand_data):
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        from surveys.services.answering import record_response

        record_response(hand_data.p1, [], paper=True)

        totals = data().survey_totals  # added up from the rounds' participation, which the page shows
        assert totals["responses"] == 15 and totals["rounds"] == 3
        # The period before needs only these totals: invitations are the largest survey table.
        compared = DashboardData(data().scope, today=TODAY, compared_only=True)
        with CaptureQueriesContext(connection) as queries:
            assert compared.survey_totals == totals
        assert not any("surveys_invitation" in query["sql"] for query in queries.captured_queries)
        assert not any("surveys_releasecount" in query["sql"] for query in queries.captured_queries)

    def test_a_period_with_no_rounds(self, hand_data):
        empty = data(start="2025-07-01", end="2025-12-31")
        assert empty.rounds == [] and empty.domain_scores == [] and empty.partner_trend == []
        assert empty.mirrored == []
        assert empty.survey_totals == {"responses": 0, "released": 0, "loop_items": 0, "rounds": 0}


class TestFilters:
    def test_the_kind_filter_keeps_only_that_kind_of_partner(self, hand_data):
        health = data(kind="health")  # Beta only
        assert health.stages_now["paused"] == 1 and health.stages_now["total"] == 1
        assert by_month(health.stages_by_month)["2026-03"]["building_trust"] == 1
        assert by_month(health.stages_by_month)["2026-03"]["total"] == 1
        assert sum(r["total"] for r in health.interactions_by_month) == 1
        assert (health.fulfilment["total"], health.fulfilment["fulfilment_rate"]) == (2, 0.0)
        assert health.delivery_totals["unrequested_share"] == 1.0
        assert health.median_days == {"median": None, "measured": 0}
        assert health.open_requests["31_90"] == 1 and health.open_requests["total"] == 1
        assert health.overdue_partners == []

    def test_the_kind_filter_leaves_survey_figures_alone(self, hand_data):
        assert data(kind="health").survey_totals == data().survey_totals

    def test_the_date_range_changes_the_figures(self, hand_data):
        april = data(start="2026-04-01", end="2026-04-30")
        assert [row["month"] for row in april.support_by_month] == [d("2026-04-01")]
        assert april.fulfilment["fulfilment_rate"] == 0.5  # partly fulfilled 1, declined 1
        assert april.delivery_totals["money"] == 0 and april.delivery_totals["hours"] == 4
        assert april.rounds == []
        assert by_month(april.stages_by_month)["2026-04"]["paused"] == 1
        may = data(start="2026-05-01", end="2026-05-31")
        assert [r["round"].pk for r in may.rounds] == [hand_data.p2.pk]


class TestEdgeCases:
    def test_no_data_at_all(self, db, today):
        empty = data()
        assert empty.stages_now["total"] == 0
        assert len(empty.stages_by_month) == 12
        assert all(row["total"] == 0 for row in empty.stages_by_month)
        assert empty.fulfilment["fulfilment_rate"] is None
        assert empty.median_days == {"median": None, "measured": 0}
        assert empty.delivery_totals["unrequested_share"] is None
        assert empty.delivery_totals["money"] == 0
        assert empty.open_requests["total"] == 0
        assert empty.survey_totals["responses"] == 0

    def test_a_single_partner(self, db, today):
        from tests.factories import OrganizationFactory, SupportDeliveryFactory, SupportRequestFactory
        from tests.reporting.conftest import on

        with on(d("2026-06-01")):
            only = OrganizationFactory(stage="building_trust")
        request = SupportRequestFactory(organization=only, asked_on=d("2026-06-02"), status="fulfilled")
        SupportDeliveryFactory(request=request, delivered_on=d("2026-06-09"), money=Decimal("80"), hours=1)
        single = data()
        assert single.stages_now["building_trust"] == 1 and single.stages_now["active"] == 1
        assert by_month(single.stages_by_month)["2026-06"]["building_trust"] == 1
        assert by_month(single.stages_by_month)["2026-05"]["total"] == 0
        assert single.fulfilment["fulfilment_rate"] == 1.0
        assert single.median_days == {"median": 7, "measured": 1}
        assert single.delivery_totals["money"] == Decimal("80")
        assert single.delivery_totals["unrequested_share"] == 0


class TestThePeriodBefore:
    def test_the_period_before_has_the_same_length_and_ends_the_day_before(self):
        scope = Scope(start=d("2026-03-01"), end=d("2026-05-31"))

        before = scope.previous

        assert (before.start, before.end) == (d("2025-11-29"), d("2026-02-28"))  # 92 days each
        assert before.end - before.start == scope.end - scope.start

    def test_each_figure_of_the_period_sits_beside_the_one_before(self, hand_data):
        # March to May 2026 against December 2025 to February 2026.
        figures = {f.label: f for f in key_figures(data(start="2026-03-01", end="2026-05-31"))}

        money = figures["Money delivered"]
        assert (money.raw, money.previous) == (Decimal("500"), Decimal("0"))
        assert money.change == "+$500.00"
        responses = figures["Survey responses"]
        # February's partner round, against March's participants (6) and May's partners (4, held).
        assert (responses.raw, responses.previous, responses.change) == (10, 5, "+5")

    @pytest.mark.parametrize(("start", "end"), [("2026-03-01", "2026-05-31"), ("2025-07-01", "2026-06-15")])
    def test_the_period_before_counted_as_totals_gives_the_same_figures(self, hand_data, start, end):
        """The period before counts its requests and deliveries as totals
        only (DashboardData.compared_only): every figure must be the one its
        own dashboard would show."""
        scope = Scope(start=d(start), end=d(end)).previous
        as_its_own = [f.raw for f in period_figures(DashboardData(scope, today=TODAY))]
        compared = [f.raw for f in period_figures(DashboardData(scope, today=TODAY, compared_only=True))]
        assert compared == as_its_own
        assert any(raw for raw in as_its_own)  # something to compare: hand_data has work in both

    def test_today_s_figures_are_apart_and_not_compared(self, hand_data):
        figures = key_figures(data(start="2026-03-01", end="2026-05-31"))

        today = [f.label for f in figures if f.today]
        assert today == ["Active partners", "Past keep-in-touch cadence", "Open requests"]
        assert all(f.previous is None and f.change == "" for f in figures if f.today)

    def test_a_share_changes_by_points(self):
        share = KeyFigure("Fulfilment rate", 0.75, "percent", previous=0.5)

        assert (share.value, share.previous_value, share.change) == ("75%", "50%", "+25 pts")
        assert KeyFigure("x", 3, previous=3).change == "no change"
        assert KeyFigure("x", None, previous=3).change == ""
