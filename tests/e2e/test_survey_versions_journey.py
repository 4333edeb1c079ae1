"""A program manager changes a survey that has been sent, as a new version,
and reads one trend across both versions; then starts a new survey from a
starter survey."""

import datetime

import pytest
from django.utils import timezone

from surveys.models import Survey
from tests.factories import QuestionFactory, RoundFactory, SurveyFactory, UserFactory
from tests.surveys.releasing import record, release, spread

from .conftest import check_page, field, log_in, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_a_new_version_keeps_the_trend_and_a_starter_starts_a_survey(open_page, live_server):
    UserFactory(username="dana", first_name="Dana", groups=["Program managers", "Leadership"])
    survey = SurveyFactory(status="active", title="Drop-in check-in", audience="participants")
    safe = QuestionFactory(survey=survey, kind="agreement", text="I feel safe at the drop-in", position=1)
    hours = QuestionFactory(survey=survey, kind="agreement", text="The opening hours suit me", position=2)
    first = RoundFactory(survey=survey, opened_at=timezone.now() - datetime.timedelta(days=90))
    record(first, safe, spread({3: 10}))
    record(first, hours, spread({2: 10}))
    release(first)

    page = open_page()
    log_in(page, live_server, "dana", "correct-horse-battery")
    page.goto(live_server.url + survey.get_absolute_url())
    page.get_by_role("link", name="Change as a new version").click()
    check_page(page, "new version: what happens")
    page.get_by_role("button", name="Draft the new version").click()
    page.get_by_role("link", name="Add a question").wait_for()
    check_page(page, "new version: the draft")
    draft = Survey.objects.get(version_of=survey)
    page.get_by_role("link", name="Edit question 1").click()
    field(page, "Question").fill("I feel safe at the night drop-in")
    page.get_by_role("button", name="Save question").click()
    page.get_by_role("button", name="Delete question 2").click()
    page.get_by_role("link", name="Add a question").click()
    field(page, "Kind").select_option(value="agreement")
    field(page, "Question").fill("Staff listen to me")
    page.get_by_role("button", name="Save question").click()
    page.get_by_role("button", name="Make active").click()
    page.get_by_text("The survey is now active.").wait_for()
    survey.refresh_from_db()
    assert survey.status == "archived"

    second = RoundFactory(survey=draft, opened_at=timezone.now() - datetime.timedelta(days=5))
    record(second, draft.questions.get(text="I feel safe at the night drop-in"), spread({5: 10}))
    release(second)
    page.get_by_role("link", name="Results").click()
    trend = page.locator("#trend-heading + .table-container")
    trend.wait_for()
    check_page(page, "results over two versions")
    row = trend.get_by_role("row", name="I feel safe at the night drop-in")
    assert row.get_by_role("cell").all_inner_texts() == ["3.00", "5.00"]
    dropped = trend.get_by_role("row", name="The opening hours suit me (asked in another version)")
    assert dropped.get_by_role("cell").all_inner_texts() == ["2.00", "—"]
    screenshot(page, "survey-versions-results")

    page.goto(live_server.url + "/surveys/new/")
    check_page(page, "new survey: starters")
    page.get_by_role("link", name="Partnership survey").click()
    field(page, "Title of the new survey").fill("Partnership survey, spring")
    page.get_by_role("button", name="Make the new survey").click()
    page.get_by_role("link", name="Add a question").wait_for()
    check_page(page, "survey from a starter")
    copy = Survey.objects.get(title="Partnership survey, spring")
    assert copy.status == "draft" and copy.questions.count() > 5
