"""The "My work" home page."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from partners.choices import RequestStatus, Stage
from tests.factories import InteractionFactory, OrganizationFactory, SupportRequestFactory, busy_partner

pytestmark = pytest.mark.django_db

HOME = reverse("home")
NO_ROLE = "Your account does not have a role yet."


def days_ago(days: int) -> datetime.date:
    return timezone.localdate() - datetime.timedelta(days=days)


def test_anonymous_visitor_is_sent_to_login(client):
    response = client.get(HOME)

    assert response.status_code == 302
    assert response.url == "/accounts/login/?next=/"


def test_user_without_a_role_is_told_so_and_sees_no_partner_data(outsider_client, sample_rows):
    response = outsider_client.get(HOME)

    assert response.status_code == 200
    html = response.content.decode()
    assert NO_ROLE in html
    assert "Sample partner" not in html
    assert reverse("partners:organization_list") not in html
    assert reverse("partners:interaction_start") not in html


def test_program_managers_get_their_work(manager_client):
    response = manager_client.get(HOME)

    assert response.status_code == 200
    assert NO_ROLE not in response.content.decode()
    assert "Open requests, oldest first" in response.content.decode()
    assert reverse("partners:interaction_start") in response.content.decode()


def test_leadership_is_sent_to_the_dashboard(leader_client):
    # "My work" is a program manager's: follow-ups, requests to answer.
    response = leader_client.get(HOME)

    assert response.status_code == 302
    assert response.url == reverse("dashboard:index")
    assert leader_client.get(response.url).status_code == 200


def test_someone_in_both_roles_keeps_my_work(client, leader):
    from django.contrib.auth.models import Group

    leader.groups.add(Group.objects.get(name="Program managers"))
    client.force_login(leader)

    response = client.get(HOME)

    assert response.status_code == 200
    assert "Open requests, oldest first" in response.content.decode()


def test_shows_my_follow_ups_due_and_not_anyone_elses(manager_client, program_manager):
    mine = InteractionFactory(logged_by=program_manager, follow_up_on=days_ago(3), summary="Mine, overdue")
    led = InteractionFactory(
        organization=OrganizationFactory(relationship_lead=program_manager),
        follow_up_on=timezone.localdate(),
        summary="On a partner I lead, due today",
    )
    InteractionFactory(follow_up_on=days_ago(3), summary="Someone else's")
    InteractionFactory(logged_by=program_manager, follow_up_on=days_ago(3), follow_up_done=True, summary="Done")
    InteractionFactory(logged_by=program_manager, follow_up_on=days_ago(-3), summary="Not yet")

    response = manager_client.get(HOME)

    assert list(response.context["follow_ups"]) == [mine, led]
    html = response.content.decode()
    assert "overdue since" in html
    assert "Someone else" not in html


def test_shows_my_partners_past_their_keep_in_touch_cadence(manager_client, program_manager):
    overdue = OrganizationFactory(relationship_lead=program_manager, keep_in_touch_days=7, name="Overdue partner")
    InteractionFactory(organization=overdue, happened_on=days_ago(8))
    recent = OrganizationFactory(relationship_lead=program_manager, keep_in_touch_days=7)
    InteractionFactory(organization=recent, happened_on=days_ago(2))
    paused = OrganizationFactory(relationship_lead=program_manager, keep_in_touch_days=7, stage=Stage.PAUSED)
    InteractionFactory(organization=paused, happened_on=days_ago(60))
    not_mine = OrganizationFactory(keep_in_touch_days=7)
    InteractionFactory(organization=not_mine, happened_on=days_ago(60))

    response = manager_client.get(HOME)

    assert list(response.context["overdue_partners"]) == [overdue]
    assert "last contact 8 days ago" in response.content.decode()


def test_shows_open_requests_oldest_first_and_at_most_fifteen(manager_client):
    oldest = SupportRequestFactory(asked_on=days_ago(100), status=RequestStatus.PARTLY_FULFILLED)
    SupportRequestFactory(asked_on=days_ago(200), status=RequestStatus.FULFILLED)
    SupportRequestFactory(asked_on=days_ago(200), status=RequestStatus.DECLINED)
    SupportRequestFactory.create_batch(20, asked_on=days_ago(5))

    response = manager_client.get(HOME)

    shown = list(response.context["open_requests"])
    assert len(shown) == 15
    assert shown[0] == oldest
    assert shown[0].days_open == 100
    assert all(r.status not in (RequestStatus.FULFILLED, RequestStatus.DECLINED) for r in shown)


def test_home_never_shows_confidential_notes(manager_client, leader_client, program_manager):
    interaction = InteractionFactory(
        logged_by=program_manager, follow_up_on=days_ago(1), confidential_notes="Hidden detail"
    )

    manager_home, leader_home = manager_client.get(HOME), leader_client.get(HOME, follow=True)

    assert (manager_home.status_code, leader_home.status_code) == (200, 200)
    assert list(manager_home.context["follow_ups"]) == [interaction]  # the noted interaction is listed
    assert interaction.summary in manager_home.content.decode()
    assert leader_home.redirect_chain == [(reverse("dashboard:index"), 302)]
    assert "Hidden detail" not in manager_home.content.decode()
    assert "Hidden detail" not in leader_home.content.decode()


def test_home_costs_the_same_queries_for_5_or_50_rows(manager_client, program_manager, assert_constant_queries):
    def add_rows(count):
        for _ in range(count):
            # Each adds a follow-up due, a partner past cadence and an open request.
            busy_partner(lead=program_manager, logged_by=program_manager)

    assert_constant_queries(manager_client, HOME, "home", add_rows)
