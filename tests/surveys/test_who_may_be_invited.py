"""Who may be sent a survey: one rule per kind of person, asked of a row
(when an email is about to go) and of a table (when a round opens), and the
two always agree."""

import itertools

import pytest

from partners.models import Contact
from surveys.models import Invitation, Recipient
from surveys.services.rounds import eligible_recipients
from surveys.services.sending import deliverable
from tests.factories import ContactFactory, OrganizationFactory, RecipientFactory, SurveyFactory

pytestmark = pytest.mark.django_db


def test_a_contact_row_and_the_contact_table_agree():
    for consent, opted_out, email in itertools.product([True, False], [True, False], ["a@example.org", ""]):
        ContactFactory(consent_to_surveys=consent, opted_out=opted_out, email=email or "")
    chosen = set(Contact.objects.can_receive_surveys().values_list("pk", flat=True))

    assert len(chosen) == 1
    assert chosen == {contact.pk for contact in Contact.objects.all() if contact.can_receive_surveys}


def test_a_recipient_row_and_the_recipient_table_agree():
    for consent, opted_out in itertools.product([True, False], [True, False]):
        RecipientFactory(consent=consent, opted_out=opted_out)
    chosen = set(Recipient.objects.can_receive_surveys().values_list("pk", flat=True))

    assert len(chosen) == 1
    assert chosen == {recipient.pk for recipient in Recipient.objects.all() if recipient.can_receive_surveys}


def test_a_round_invites_no_contact_of_an_ended_relationship():
    active = ContactFactory(organization=OrganizationFactory(stage="active"))
    ContactFactory(organization=OrganizationFactory(stage="ended"))

    assert list(eligible_recipients(SurveyFactory(audience="partners"))) == [active]


def test_a_person_who_opts_out_after_the_round_opened_is_not_emailed():
    recipient = RecipientFactory()
    invitation = Invitation(recipient=recipient)
    assert deliverable(invitation)

    recipient.opted_out = True

    assert not deliverable(invitation)
