"""The large-dataset generator at a tiny scale: consistent, complete,
reproducible from its seed, and careful with data it did not write."""

import io

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from bench.dataset import flush, generate, holds_data
from partners.choices import OrganizationKind, Stage
from partners.models import Contact, Interaction, Organization, SupportDelivery, SupportRequest
from surveys.models import Answer, Invitation, InvitationToken, Response, Round
from tests.factories import OrganizationFactory, ensure_roles

pytestmark = pytest.mark.django_db

SCALE = 0.01


@pytest.fixture
def generated():
    ensure_roles()
    return generate(seed=3, scale=SCALE, say=lambda _: None)


def test_every_stage_and_kind_with_history_for_each_partner(generated):
    assert generated["organizations"] == Organization.objects.count() == 20
    assert set(Organization.objects.values_list("stage", flat=True)) == set(Stage.values)
    assert set(Organization.objects.values_list("kind", flat=True)) == set(OrganizationKind.values)
    history = Organization.history.model.objects
    # One "+" row per partner, and the latest history row says today's stage.
    assert history.filter(history_type="+").count() == 20
    for organization in Organization.objects.all():
        latest = history.filter(id=organization.pk).order_by("-history_date", "-history_id").first()
        assert latest.stage == organization.stage


def test_rows_point_at_rows_of_the_same_partner(generated):
    assert Contact.objects.count() == generated["contacts"] == 200
    assert Interaction.objects.count() == generated["interactions"] == 2000
    assert SupportRequest.objects.count() + SupportDelivery.objects.count() == 1000
    for interaction in Interaction.objects.prefetch_related("contacts")[:200]:
        assert all(c.organization_id == interaction.organization_id for c in interaction.contacts.all())
    answered = SupportDelivery.objects.filter(request__isnull=False).select_related("request")
    assert answered.exists()
    assert all(d.organization_id == d.request.organization_id for d in answered)
    assert SupportDelivery.objects.filter(request__isnull=True).exists()


def test_confidential_notes_are_encrypted_per_row(generated):
    assert generated["confidential_notes"] > 0
    with connection.cursor() as cursor:
        cursor.execute("SELECT confidential_notes FROM partners_interaction WHERE confidential_notes <> ''")
        stored = [row[0] for row in cursor.fetchall()]
    assert len(stored) == generated["confidential_notes"]
    assert all(value.startswith("fernet:") for value in stored)
    assert len(set(stored)) == len(stored)  # a fresh nonce per row, even for the same note


def test_fifty_rounds_and_the_answers_asked_for(generated):
    assert Round.objects.count() == generated["rounds"] == 50
    assert set(Round.objects.values_list("survey__audience", flat=True)) == {"participants", "partners", "staff"}
    assert Answer.objects.count() == generated["answers"] >= 3000
    assert Response.objects.count() == generated["responses"]
    assert InvitationToken.objects.count() == Invitation.objects.count() == generated["invitations"]
    # An invited response uses up one invitation of its round, never more.
    assert Response.objects.filter(channel="invited").exists()
    for survey_round in Round.objects.all():
        invited = survey_round.responses.filter(channel="invited").count()
        assert survey_round.invitations.filter(responded=True).count() == invited


def test_the_same_seed_gives_the_same_data():
    ensure_roles()

    def snapshot():
        return (
            list(Organization.objects.order_by("name").values_list("name", "stage", "kind")),
            list(Interaction.objects.order_by("pk").values_list("happened_on", "kind", "follow_up_on")[:500]),
            sorted(Answer.objects.values_list("question_id", "number")),
        )

    generate(seed=5, scale=SCALE, say=lambda _: None)
    first = snapshot()
    generate(seed=5, scale=SCALE, flush_first=True, say=lambda _: None)
    assert snapshot() == first
    generate(seed=6, scale=SCALE, flush_first=True, say=lambda _: None)
    assert snapshot() != first


def test_refuses_a_database_with_data_unless_asked_to_flush():
    ensure_roles()
    OrganizationFactory(name="Someone's real partner")
    with pytest.raises(CommandError, match="already holds"):
        call_command("generate_large_dataset", "--scale", str(SCALE))
    assert Organization.objects.get().name == "Someone's real partner"
    call_command("generate_large_dataset", "--scale", str(SCALE), "--flush", stdout=io.StringIO())
    assert not Organization.objects.filter(name="Someone's real partner").exists()
    assert Organization.objects.count() == 20


def test_flush_keeps_the_starter_surveys(generated):
    from surveys.models import Survey

    surveys = set(Survey.objects.values_list("pk", flat=True))
    flush()
    assert not holds_data()
    assert set(Survey.objects.values_list("pk", flat=True)) == surveys
