"""The partners' rules live on the models, so the Django admin obeys them
as the staff pages do."""

from datetime import timedelta

import pytest
from django.utils import timezone

from partners.models import Contact, Interaction
from tests.admin_pages import admin_change
from tests.factories import ContactFactory, InteractionFactory

pytestmark = pytest.mark.django_db


def test_the_admin_refuses_consent_to_surveys_without_an_email(admin_client_):
    contact = ContactFactory(email="", consent_to_surveys=False)

    status, page = admin_change(admin_client_, contact, "name_or_alias", consent_to_surveys="on")

    assert status == 200 and "An email address is needed to send surveys." in page
    assert Contact.objects.get(pk=contact.pk).consent_to_surveys is False


def test_the_admin_refuses_an_interaction_in_the_future(admin_client_):
    interaction = InteractionFactory()
    tomorrow = timezone.localdate() + timedelta(days=1)

    status, page = admin_change(admin_client_, interaction, "summary", happened_on=tomorrow.isoformat())

    assert status == 200 and "An interaction cannot be in the future." in page
    assert Interaction.objects.get(pk=interaction.pk).happened_on != tomorrow


@pytest.mark.parametrize(("days_ago", "done", "overdue"), [(1, False, True), (0, False, False), (1, True, False)])
def test_a_follow_up_is_overdue_once_its_day_has_passed_undone(days_ago, done, overdue):
    interaction = InteractionFactory(
        happened_on=timezone.localdate() - timedelta(days=5),
        follow_up_on=timezone.localdate() - timedelta(days=days_ago),
        follow_up_done=done,
    )

    assert interaction.follow_up_overdue is overdue
