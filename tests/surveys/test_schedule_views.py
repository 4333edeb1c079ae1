"""A survey's one schedule: set it, change it, and what is refused."""

import datetime

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from surveys.models import Schedule
from tests.factories import ScheduleFactory, SurveyFactory

pytestmark = pytest.mark.django_db

NOW = datetime.datetime(2030, 5, 1, 9, 0, tzinfo=datetime.UTC)


@pytest.fixture(autouse=True)
def frozen_clock():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def survey():
    return SurveyFactory(status="active")


def edit_url(survey) -> str:
    return reverse("surveys:schedule_edit", args=[survey.pk])


def schedule_data(**overrides) -> dict:
    data = {
        "recurrence": "quarterly",
        "next_run_at": "2030-06-01T10:30",
        "reminder_after_days": "7",
        "max_reminders": "1",
        "close_after_days": "21",
        "active": "on",
    }
    return {key: value for key, value in (data | overrides).items() if value is not None}


def test_manager_schedules_a_survey(manager_client, survey):
    response = manager_client.post(edit_url(survey), schedule_data())

    assert response.status_code == 302
    assert response.url == survey.get_absolute_url() + "#schedule"
    schedule = Schedule.objects.get(survey=survey)
    assert schedule.recurrence == "quarterly"
    assert schedule.next_run_at == datetime.datetime(2030, 6, 1, 10, 30, tzinfo=timezone.get_current_timezone())
    assert (schedule.reminder_after_days, schedule.max_reminders, schedule.close_after_days) == (7, 1, 21)
    assert schedule.active


def test_manager_edits_the_one_schedule(manager_client, survey):
    schedule = ScheduleFactory(survey=survey, next_run_at=NOW + datetime.timedelta(days=3))

    form_page = manager_client.get(edit_url(survey))
    manager_client.post(edit_url(survey), schedule_data(recurrence="yearly", active=None))

    assert 'type="datetime-local"' in form_page.content.decode()
    assert 'value="2030-05-04T09:00"' in form_page.content.decode()
    assert Schedule.objects.filter(survey=survey).count() == 1
    schedule.refresh_from_db()
    assert (schedule.recurrence, schedule.active) == ("yearly", False)


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"next_run_at": "2030-04-30T09:00"}, "next_run_at"),  # in the past
        ({"next_run_at": "2030-05-01T09:00"}, "next_run_at"),  # now is not the future
        ({"next_run_at": "next tuesday"}, "next_run_at"),
        ({"recurrence": "weekly"}, "recurrence"),
        ({"reminder_after_days": "21"}, "reminder_after_days"),  # the round has closed by then
        ({"reminder_after_days": "30"}, "reminder_after_days"),
        ({"reminder_after_days": "0"}, "reminder_after_days"),
        ({"max_reminders": "4"}, "max_reminders"),
        ({"close_after_days": "0"}, "close_after_days"),
        ({"close_after_days": "500"}, "close_after_days"),
    ],
)
def test_bad_schedule_input_is_refused(manager_client, survey, assert_bad_input, overrides, field):
    ScheduleFactory(survey=survey, recurrence="monthly", next_run_at=NOW + datetime.timedelta(days=3))

    response = manager_client.post(edit_url(survey), schedule_data(**overrides))

    assert_bad_input(response, field)
    schedule = Schedule.objects.get(survey=survey)
    assert (schedule.recurrence, schedule.next_run_at) == ("monthly", NOW + datetime.timedelta(days=3))


def test_bad_first_schedule_saves_nothing(manager_client, survey, assert_bad_input):
    response = manager_client.post(edit_url(survey), schedule_data(reminder_after_days="25"))

    assert_bad_input(response, "reminder_after_days")
    assert "before the round closes" in response.content.decode()
    assert not Schedule.objects.filter(survey=survey).exists()


@pytest.mark.parametrize("who", ["leader_client", "outsider_client", "csrf_manager_client"])
def test_refused_schedule_writes_change_nothing(request, survey, who):
    client = request.getfixturevalue(who)

    response = client.post(edit_url(survey), schedule_data())

    assert response.status_code == 403
    assert not Schedule.objects.filter(survey=survey).exists()


def test_schedule_page_access(client, leader_client, outsider_client, manager_client, survey):
    assert manager_client.get(edit_url(survey)).status_code == 200
    assert leader_client.get(edit_url(survey)).status_code == 403
    assert outsider_client.get(edit_url(survey)).status_code == 403
    assert client.get(edit_url(survey)).url.startswith("/accounts/login/")
    assert manager_client.get(reverse("surveys:schedule_edit", args=[999999])).status_code == 404


def test_survey_page_shows_the_schedule(leader_client, survey):
    ScheduleFactory(survey=survey, recurrence="twice_a_year", next_run_at=NOW + datetime.timedelta(days=3))

    html = leader_client.get(survey.get_absolute_url()).content.decode()

    assert "Twice a year" in html
    assert "4 May 2030" in html
    assert edit_url(survey) not in html  # leadership cannot change it
