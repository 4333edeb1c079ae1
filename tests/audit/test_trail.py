"""The audit trail of sensitive actions (audit/trail.py): logins, failed
logins, logouts, exports, survey result views and role changes, each with
who and when, readable (and only readable) by administrators in the admin;
and no secret ever written into it."""

import pytest
from django.contrib.auth.models import Group
from django.test import Client
from django.urls import reverse
from simple_history.models import HistoricalRecords

from audit.models import AuditAction, AuditEvent
from core.encrypted_fields import blind_index
from surveys.models import InvitationToken
from surveys.tokens import new_token
from tests.conftest import LEADERSHIP, PROGRAM_MANAGERS
from tests.factories import (
    InteractionFactory,
    InvitationFactory,
    QuestionFactory,
    RecipientFactory,
    RoundFactory,
    SurveyFactory,
    UserFactory,
)
from tests.surveys.releasing import record, release

pytestmark = pytest.mark.django_db

PASSWORD = "correct-horse-battery"
IP = "203.0.113.77"


def log_in(username: str, password: str, ip: str = IP) -> tuple[Client, object]:
    client = Client(REMOTE_ADDR=ip)
    return client, client.post(reverse("login"), {"username": username, "password": password})


def events(action: str) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(action=action).select_related("user").order_by("id"))


# Logging in and out


def test_a_login_is_recorded_with_who_and_a_hash_of_the_address(program_manager):
    _, response = log_in("manager", PASSWORD)

    assert response.status_code == 302
    (event,) = events(AuditAction.LOGIN)
    assert (event.user, event.target) == (program_manager, "manager")
    assert event.at is not None
    assert event.ip_hash == blind_index(IP, "audit.client-ip")
    assert IP not in event.ip_hash


def test_the_same_address_hashes_alike_and_another_differently(program_manager, leader):
    log_in("manager", PASSWORD, ip="198.51.100.1")
    log_in("leader", PASSWORD, ip="198.51.100.1")
    log_in("manager", PASSWORD, ip="198.51.100.2")

    first, second, third = (event.ip_hash for event in events(AuditAction.LOGIN))
    assert first == second != third
    assert len(first) == 64


def test_a_failed_login_names_the_account_tried_but_nobody_as_who(program_manager):
    _, response = log_in("manager", "not-the-password")

    assert response.status_code == 400
    (event,) = events(AuditAction.LOGIN_FAILED)
    assert (event.user, event.target) == (None, "manager")
    assert event.ip_hash == blind_index(IP, "audit.client-ip")


def test_a_password_typed_into_the_username_box_is_not_kept(program_manager):
    log_in("correct-horse-battery-staple", "")
    log_in("Hunter2-my-real-password", "whatever")

    (event,) = events(AuditAction.LOGIN_FAILED)  # an empty password is refused before authenticating
    assert event.target == "(unknown username)"
    assert "Hunter2" not in str(list(AuditEvent.objects.values_list()))


def test_a_logout_is_recorded(program_manager):
    client, _ = log_in("manager", PASSWORD)

    client.post(reverse("logout"))

    (event,) = events(AuditAction.LOGOUT)
    assert (event.user, event.target) == (program_manager, "manager")


# Exports and results


@pytest.mark.parametrize(
    ("url", "target"),
    [
        (reverse("partners:organization_list") + "?_export=csv", "partners.csv"),
        (reverse("partners:interaction_list") + "?_export=xlsx", "interactions.xlsx"),
        (reverse("partners:request_list") + "?_export=csv", "support-requests.csv"),
        (reverse("partners:delivery_list") + "?_export=csv", "support-deliveries.csv"),
    ],
)
def test_every_list_export_is_recorded(manager_client, program_manager, url, target):
    response = manager_client.get(url)

    assert response.status_code == 200
    (event,) = events(AuditAction.EXPORT)
    assert (event.user, event.target) == (program_manager, target)


def test_a_list_page_without_export_records_nothing(manager_client):
    response = manager_client.get(reverse("partners:organization_list"))

    assert response.status_code == 200
    assert not AuditEvent.objects.filter(action=AuditAction.EXPORT).exists()


def test_a_dashboard_export_is_recorded_with_its_file_name(leader_client, leader):
    url = reverse("dashboard:export", args=["key-figures"]) + "?start=2024-01-01&end=2024-03-31"

    response = leader_client.get(url)

    assert response.status_code == 200
    (event,) = events(AuditAction.EXPORT)
    assert (event.user, event.target) == (leader, "key-figures-20240101-20240331.csv")


def test_survey_results_pages_and_their_export_are_recorded(leader_client, leader):
    survey = SurveyFactory()
    survey_round = RoundFactory(survey=survey)
    record(survey_round, QuestionFactory(survey=survey), [4] * 5)
    release(survey_round)

    leader_client.get(reverse("surveys:survey_results", args=[survey.pk]))
    leader_client.get(reverse("surveys:survey_results", args=[survey.pk]) + f"?round={survey_round.pk}")
    leader_client.get(reverse("surveys:mirrored_questions"))
    leader_client.get(reverse("surveys:survey_results_csv", args=[survey.pk]))

    views = [(e.user, e.target) for e in events(AuditAction.RESULTS_VIEW)]
    assert views == [
        (leader, f"survey #{survey.pk}"),
        (leader, f"survey #{survey.pk}, round #{survey_round.pk}"),
        (leader, "mirrored questions (all surveys)"),
    ]
    assert [e.target for e in events(AuditAction.EXPORT)] == [f"survey-{survey.pk}-results.csv"]


def test_a_refused_results_view_is_not_recorded_as_seen(outsider_client):
    survey = SurveyFactory()

    assert outsider_client.get(reverse("surveys:survey_results", args=[survey.pk])).status_code == 403
    assert not AuditEvent.objects.filter(action=AuditAction.RESULTS_VIEW).exists()


# Role changes


def _admin_user_form(user, **changes) -> dict:
    data = {
        "username": user.username,
        "email": user.email,
        "is_active": "on",
        "date_joined_0": "2024-01-01",
        "date_joined_1": "09:00:00",
        "groups": [group.pk for group in user.groups.all()],
    }
    return {key: value for key, value in (data | changes).items() if value is not None}


def test_an_administrator_changing_roles_in_the_admin_is_recorded(admin_client_, administrator, leader):
    AuditEvent.objects.all().delete()
    url = reverse("admin:auth_user_change", args=[leader.pk])
    managers = Group.objects.get(name=PROGRAM_MANAGERS)

    response = admin_client_.post(url, _admin_user_form(leader, groups=[managers.pk], is_superuser="on"))

    assert response.status_code == 302, response.context["adminform"].form.errors
    changes = sorted((e.user, e.target) for e in events(AuditAction.ROLE_CHANGE))
    assert changes == [
        (administrator, "leader: added to Program managers"),
        (administrator, "leader: removed from Leadership"),
        (administrator, "leader: superuser granted"),
    ]


def test_role_changes_outside_a_request_name_nobody(leader):
    AuditEvent.objects.all().delete()
    leadership = Group.objects.get(name=LEADERSHIP)
    colleague = UserFactory(username="colleague")

    leadership.user_set.add(colleague)  # from the group's side
    leader.groups.clear()
    colleague.is_staff = True
    colleague.save()

    assert [(e.user, e.target) for e in events(AuditAction.ROLE_CHANGE)] == [
        (None, "colleague: added to Leadership"),
        (None, "leader: removed from Leadership"),
        (None, "colleague: staff (admin site) granted"),
    ]


def test_the_acting_user_comes_from_the_request_simple_history_keeps(rf, administrator, leader):
    AuditEvent.objects.all().delete()
    request = rf.post("/admin/")
    request.user = administrator
    HistoricalRecords.context.request = request
    try:
        leader.is_superuser = True
        leader.save(update_fields=["is_superuser"])
    finally:
        del HistoricalRecords.context.request

    (event,) = events(AuditAction.ROLE_CHANGE)
    assert (event.user, event.target) == (administrator, "leader: superuser granted")


def test_saving_a_user_without_role_changes_records_nothing(leader):
    AuditEvent.objects.all().delete()
    leader.first_name = "Ana"
    leader.save()
    leader.groups.set(leader.groups.all())

    assert not AuditEvent.objects.exists()


# Administrators read it; nobody edits it


def test_administrators_see_the_trail_in_the_admin(admin_client_, program_manager):
    log_in("manager", PASSWORD)
    changelist = reverse("admin:audit_auditevent_changelist")

    page = admin_client_.get(changelist, {"action__exact": AuditAction.LOGIN})

    assert page.status_code == 200
    assert "Logged in" in page.content.decode()
    event = AuditEvent.objects.filter(action=AuditAction.LOGIN, user=program_manager).get()
    assert admin_client_.get(reverse("admin:audit_auditevent_change", args=[event.pk])).status_code == 200
    assert admin_client_.get(reverse("admin:audit_auditevent_add")).status_code == 403
    assert (
        admin_client_.post(reverse("admin:audit_auditevent_delete", args=[event.pk]), {"post": "yes"}).status_code
        == 403
    )
    assert (
        admin_client_.post(reverse("admin:audit_auditevent_change", args=[event.pk]), {"target": "x"}).status_code
        == 403
    )
    assert AuditEvent.objects.filter(pk=event.pk, target="manager").exists()


@pytest.mark.parametrize("who", ["manager_client", "leader_client", "outsider_client"])
def test_nobody_else_opens_the_trail(request, who):
    response = request.getfixturevalue(who).get(reverse("admin:audit_auditevent_changelist"))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))


# No secret lands in the table


def test_no_secret_is_ever_written_to_the_trail(program_manager, leader, administrator, admin_client_):
    note, address = "CANARY-note-5f2a she sleeps at the shelter", "canary.person.5f2a@example.net"
    InteractionFactory(confidential_notes=note)
    survey = SurveyFactory(status="active")
    QuestionFactory(survey=survey, kind="agreement")
    invitation = InvitationFactory(round=RoundFactory(survey=survey), recipient=RecipientFactory(email=address))
    token, digest = new_token()
    InvitationToken.objects.create(invitation=invitation, token_hash=digest)

    log_in("manager", "wrong-password-5f2a")
    log_in(address, "password-in-the-wrong-box-5f2a")
    client, _ = log_in("manager", PASSWORD)
    client.get(reverse("partners:interaction_list") + "?_export=csv")
    client.get(reverse("surveys:survey_results", args=[survey.pk]))
    client.get(reverse("surveys:respond", args=[token]), REMOTE_ADDR=IP)
    client.post(reverse("surveys:respond", args=[token]), {f"q{survey.questions.get().pk}": "4"})
    admin_client_.post(
        reverse("admin:auth_user_change", args=[leader.pk]), _admin_user_form(leader, groups=[], email=address)
    )
    client.post(reverse("logout"))

    kinds = set(AuditEvent.objects.values_list("action", flat=True))
    assert kinds >= {"login", "login_failed", "logout", "export", "results_view", "role_change"}
    stored = " ".join(str(value) for row in AuditEvent.objects.values_list() for value in row)
    for secret in (note, address, token, digest, PASSWORD, "wrong-password-5f2a", "password-in-the", IP):
        assert secret not in stored, secret
