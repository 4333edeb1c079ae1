"""The dashboard page, its CSV exports and the board report: who may see
them, bad filters, what the page and the files hold, and what they never hold."""

import csv
import datetime
import io
import re

import openpyxl
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from reporting.figures import figure_builders
from reporting.tables import LISTED
from tests.factories import OrganizationFactory, QuestionFactory, RoundFactory, SurveyFactory, UserFactory
from tests.reporting.conftest import SECRET, d, on
from tests.surveys.releasing import release

pytestmark = pytest.mark.django_db

DASHBOARD = reverse("dashboard:index")
REPORT = reverse("dashboard:report")
TABLES = list(figure_builders(surveys=True))


def export_url(name: str, query: str = "") -> str:
    return reverse("dashboard:export", args=[name]) + (f"?{query}" if query else "")


def csv_rows(response) -> list[list[str]]:
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert response.content.startswith("\ufeff".encode())  # Excel reads it as UTF-8
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


def xlsx_rows(response) -> list[list]:
    assert response.status_code == 200
    assert response["Content-Disposition"].endswith('.xlsx"')
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    return [list(row) for row in sheet.iter_rows(values_only=True)]


class TestWhoMaySee:
    @pytest.mark.parametrize("who", ["leader_client", "manager_client"])
    @pytest.mark.parametrize("url", [DASHBOARD, REPORT, export_url("key-figures"), export_url("mirrored-questions")])
    def test_leadership_and_program_managers(self, request, who, url, today):
        assert request.getfixturevalue(who).get(url).status_code == 200

    @pytest.mark.parametrize("url", [DASHBOARD, REPORT, export_url("key-figures")])
    def test_a_user_without_a_role_is_refused(self, outsider_client, url):
        assert outsider_client.get(url).status_code == 403

    @pytest.mark.parametrize("url", [DASHBOARD, REPORT, export_url("key-figures")])
    def test_anonymous_visitors_are_sent_to_login(self, client, url):
        response = client.get(url)
        assert response.status_code == 302
        assert response.url.startswith(reverse("login") + "?next=")

    def test_the_dashboard_is_in_the_navigation_for_roles_only(self, leader_client, outsider_client):
        assert f'href="{DASHBOARD}"' in leader_client.get(reverse("partners:organization_list")).content.decode()
        outsider_home = outsider_client.get(reverse("home"))
        assert outsider_home.status_code == 200
        assert "Your account does not have a role yet." in outsider_home.content.decode()  # the page did render
        assert f'href="{DASHBOARD}"' not in outsider_home.content.decode()

    def test_without_survey_results_permission_no_survey_figures(self, client, hand_data):
        from django.contrib.auth.models import Permission

        user = UserFactory(username="partners-only")
        user.user_permissions.add(Permission.objects.get(codename="view_organization"))
        client.force_login(user)
        response = client.get(DASHBOARD)
        assert response.status_code == 200
        html = response.content.decode()
        assert "Active partners" in html and "Partners by stage" in html  # the partner figures are there
        assert "What people tell us" not in html and "Survey responses" not in html
        assert client.get(export_url("partner-trend")).status_code == 403
        assert client.get(export_url("support-by-month")).status_code == 200

    def test_an_unknown_table_is_404(self, leader_client):
        assert leader_client.get(export_url("no-such-table")).status_code == 404


class TestBadFilters:
    @pytest.mark.parametrize(
        ("query", "field"),
        [
            ("start=2026-13-01", "start"),
            ("start=yesterday", "start"),
            ("end=2026-02-30", "end"),
            ("start=2026-05-01&end=2026-04-01", "end"),  # start after end
            ("start=2019-01-01&end=2026-01-01", "end"),  # more than five years
            ("kind=pimps", "kind"),
        ],
    )
    @pytest.mark.parametrize("url", [DASHBOARD, REPORT, export_url("key-figures")])
    def test_a_bad_filter_is_a_400_with_the_message_beside_the_field(self, leader_client, today, url, query, field):
        response = leader_client.get(f"{url}?{query}")
        assert response.status_code == 400
        html = response.content.decode()
        assert f'id="id_{field}_error"' in html
        assert "Some filters are not valid" in html
        assert "Key figures" not in html  # no figures for a filter that did not parse

    def test_start_after_end_says_so(self, leader_client, today):
        html = leader_client.get(f"{DASHBOARD}?start=2026-05-01&end=2026-04-01").content.decode()
        assert "The end date must be on or after the start date." in html

    def test_empty_dates_take_the_default_period(self, leader_client, today):
        response = leader_client.get(f"{DASHBOARD}?start=&end=&kind=")
        assert response.status_code == 200
        assert "From 1 Jul 2025 to 15 Jun 2026" in response.content.decode()


class TestThePage:
    def test_key_figures_at_the_top(self, leader_client, hand_data):
        html = leader_client.get(DASHBOARD).content.decode()
        figures = dict(re.findall(r"<dt>(.*?)</dt>\s*<dd class=\"key-value[^\"]*\">(.*?)</dd>", html))
        assert figures == {
            "Active partners": "1",
            "Past keep-in-touch cadence": "1",
            "Open requests": "4",
            "Fulfilment rate": "67%",
            "Median days to first delivery": "3",
            "Median days to fulfil": "19",
            "Money delivered": "$550.00",
            "Staff hours delivered": "7.5",
            "Delivered without being asked": "20%",
            "Deliveries confirmed by partners": "40%",
            "Requests partners made themselves": "17%",
            "Survey responses": "15",
            "Survey responses shown": "11",
            "“You said, we did” items": "1",
        }

    def test_with_no_data_at_all_the_page_still_shows(self, leader_client, today):
        response = leader_client.get(DASHBOARD)
        assert response.status_code == 200
        html = response.content.decode()
        assert "Nothing to show for this period." in html
        assert '<dd class="key-value">—</dd>' in html  # a rate of nothing is no rate, not a division by zero

    def test_the_filters_change_the_page(self, leader_client, hand_data):
        everyone = leader_client.get(DASHBOARD).content.decode()
        health = leader_client.get(f"{DASHBOARD}?kind=health").content.decode()
        assert 'href="/partners/' in everyone and "Alpha" in everyone  # past cadence lists Alpha
        assert "Alpha" not in health
        assert "partners of kind “Health”" in health

    def test_every_chart_is_an_svg_image_with_a_title_and_no_style_attribute(self, leader_client, hand_data):
        html = leader_client.get(DASHBOARD).content.decode()
        charts = re.findall(r"<svg[^>]*class=\"chart-svg\"[^>]*>\s*<title>([^<]+)</title>", html)
        svgs = re.findall(r"<svg[^>]*class=\"chart-svg\"[^>]*>", html)
        assert len(charts) == len(svgs) >= 10
        assert all('role="img"' in svg and 'aria-label="' in svg for svg in svgs)
        assert "Partners by stage at each month end" in charts
        assert "style=" not in html  # blocked by the CSP: presentation attributes only
        assert "<script" not in html

    def test_every_chart_is_followed_by_a_table_with_caption_and_headers(self, leader_client, hand_data):
        html = leader_client.get(DASHBOARD).content.decode()
        sections = re.findall(r'<section class="card figure.*?</section>', html, flags=re.S)
        assert len(sections) >= 10
        assert sum("chart-svg" in section for section in sections) >= 10
        for section in sections:
            if "chart-svg" in section:
                assert section.index("chart-svg") < section.index("<table")
            assert "<caption>" in section and 'scope="col"' in section

    def test_every_table_has_a_csv_link_with_the_same_filter(self, leader_client, hand_data):
        html = leader_client.get(f"{DASHBOARD}?start=2026-01-01&end=2026-06-15&kind=health").content.decode()
        for name in TABLES:
            assert f'href="{export_url(name, "start=2026-01-01&amp;end=2026-06-15&amp;kind=health")}"' in html


class TestExports:
    def test_a_csv_holds_the_table_for_the_filter(self, leader_client, hand_data):
        rows = csv_rows(leader_client.get(export_url("support-by-month", "start=2026-03-01&end=2026-04-30")))
        assert rows == [["Month", "Requests made", "Deliveries given"], ["2026-03", "1", "2"], ["2026-04", "2", "1"]]
        assert (
            'filename="support-by-month-20260301-20260430.csv"'
            in leader_client.get(export_url("support-by-month", "start=2026-03-01&end=2026-04-30"))[
                "Content-Disposition"
            ]
        )

    def test_a_held_round_is_not_in_the_csv_at_all(self, leader_client, hand_data):
        rows = csv_rows(leader_client.get(export_url("partner-trend")))
        assert rows[0] == ["Round opened", "Rounds", "Survey", "Average (0 to 10)", "People"]
        assert [row[3:] for row in rows[1:]] == [["8.0", "5"]]  # p1; p2 (4 people) is held

    def test_formulas_are_neutralised(self, leader_client, today):
        with on(d("2026-01-05")):  # never contacted since: past cadence
            OrganizationFactory(name='=HYPERLINK("http://evil.example")', stage="collaborating")
            OrganizationFactory(name="@SUM(A1:A9)", stage="collaborating")
        names = [row[0] for row in csv_rows(leader_client.get(export_url("overdue-partners")))[1:]]
        assert sorted(names) == ['\'=HYPERLINK("http://evil.example")', "'@SUM(A1:A9)"]

    def test_a_long_list_shows_its_first_rows_and_exports_them_all(self, leader_client, today):
        with on(d("2026-01-05")):  # never contacted since: past cadence
            OrganizationFactory.create_batch(LISTED + 3, stage="collaborating", kind="sex_worker_led")
            OrganizationFactory(name="Other kind", stage="collaborating", kind="health")
        page = leader_client.get(reverse("dashboard:index") + "?kind=sex_worker_led").content.decode()
        table = page[page.index('id="figure-overdue-partners"') :]
        table = table[: table.index("</section>")]
        assert table.count('<th scope="row">') == LISTED
        assert f"The {LISTED} silent longest of {LISTED + 3} are listed here" in table
        link = reverse("partners:organization_list") + "?is_overdue=true&amp;kind=sex_worker_led"
        assert f'<a href="{link}">All {LISTED + 3} in the partner list</a>' in table
        rows = csv_rows(leader_client.get(export_url("overdue-partners", "kind=sex_worker_led")))
        assert len(rows) == 1 + LISTED + 3

    def test_question_text_is_neutralised_too(self, leader_client, today):
        from tests.reporting.conftest import answer_round

        question = QuestionFactory(
            survey=SurveyFactory(audience="staff"), kind="agreement", mirror_key="k", text="+1 for the team?"
        )
        survey_round = RoundFactory(survey=question.survey, opened_at=timezone.now() - datetime.timedelta(days=30))
        answer_round(survey_round, [(question, 5)], people=5)
        release(survey_round)
        rows = csv_rows(leader_client.get(export_url("mirrored-questions")))
        assert rows[1][0] == "'+1 for the team?"
        assert rows[1][-1] == "5.0"

    @pytest.mark.parametrize("name", TABLES)
    def test_every_table_exports_with_no_data(self, leader_client, today, name):
        assert csv_rows(leader_client.get(export_url(name)))[0]
        assert xlsx_rows(leader_client.get(reverse("dashboard:export_xlsx", args=[name])))[0]

    def test_xlsx_beside_every_csv_with_numbers_as_numbers(self, leader_client, hand_data):
        html = leader_client.get(DASHBOARD).content.decode()
        for name in TABLES:
            assert reverse("dashboard:export_xlsx", args=[name]) in html
        query = "?start=2026-03-01&end=2026-04-30"
        rows = xlsx_rows(leader_client.get(reverse("dashboard:export_xlsx", args=["support-by-month"]) + query))
        assert rows == [
            ["Month", "Requests made", "Deliveries given"],
            [datetime.datetime(2026, 3, 1), 1, 2],
            [datetime.datetime(2026, 4, 1), 2, 1],
        ]
        money = xlsx_rows(leader_client.get(reverse("dashboard:export_xlsx", args=["delivered-by-category"])))
        assert 500 in [cell for row in money[1:] for cell in row]


class TestBoardReport:
    def test_the_report_has_no_navigation_and_names_no_partner(self, leader_client, hand_data):
        html = leader_client.get(REPORT).content.decode()
        assert 'class="board-report"' in html
        assert "Partners by stage today" in html and "Who answered: the latest released round of each survey" in html
        for name in ("Alpha", "Beta", "Gamma"):
            assert name not in html

    def test_the_report_follows_the_filter(self, leader_client, hand_data):
        assert "550.00" in leader_client.get(REPORT).content.decode()  # the whole period's money delivered
        html = leader_client.get(f"{REPORT}?start=2026-04-01&end=2026-04-30").content.decode()
        assert "From 1 Apr 2026 to 30 Apr 2026" in html
        assert "550.00" not in html


class TestConfidentialNotes:
    def test_no_confidential_note_anywhere_on_the_dashboard_csv_or_report(self, manager_client, hand_data):
        with CaptureQueriesContext(connection) as queries:
            pages = [manager_client.get(DASHBOARD), manager_client.get(REPORT)]
            pages += [manager_client.get(export_url(name)) for name in TABLES]
        for response in pages:
            assert response.status_code == 200
            assert SECRET not in response.content.decode()
        assert not [q["sql"] for q in queries if "confidential_notes" in q["sql"]]
