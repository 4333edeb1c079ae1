"""Single-use links written apart from invitations, and invitations marked
answered in batches of at least k (surveys/services/spent_links.py)."""

import datetime

import pytest
from django.utils import timezone

from surveys.models import Invitation, SpentLink
from surveys.services import spent_links
from surveys.services.answering import LinkAlreadyUsed, record_response
from tests.factories import InvitationFactory, RoundFactory
from tests.surveys.releasing import close

pytestmark = pytest.mark.django_db


def _answered(survey_round, people: int) -> list[Invitation]:
    invitations = InvitationFactory.create_batch(people, round=survey_round, state="sent")
    for invitation in invitations:
        record_response(survey_round, [], invitation=invitation)
    return invitations


def _marked(invitations) -> list[bool]:
    return [Invitation.objects.get(pk=i.pk).responded for i in invitations]


def test_the_marker_needs_the_secret_key(settings):
    plain = spent_links.marker(42)
    assert len(plain) == 64 and "42" not in plain
    settings.SECRET_KEY = "another-secret-key-" + "y" * 40
    assert spent_links.marker(42) != plain


def test_a_link_stays_used_when_the_secret_key_is_rotated(settings):
    survey_round = RoundFactory()
    (invitation,) = _answered(survey_round, 1)
    settings.SECRET_KEY_FALLBACKS = [settings.SECRET_KEY]
    settings.SECRET_KEY = "the-new-secret-key-" + "z" * 40
    assert spent_links.is_spent(invitation)
    with pytest.raises(LinkAlreadyUsed):
        record_response(survey_round, [], invitation=invitation)


def test_fewer_than_k_waiting_are_not_marked(settings):
    settings.SURVEY_MIN_RESPONSES = 5
    survey_round = RoundFactory()
    waiting = _answered(survey_round, 4)
    InvitationFactory(round=survey_round)  # invited, never answered
    assert spent_links.mark_answered() == 0
    assert _marked(waiting) == [False] * 4
    assert all(spent_links.is_spent(i) for i in waiting)  # single use all the same


def test_k_waiting_are_marked_together_and_once(settings):
    settings.SURVEY_MIN_RESPONSES = 5
    survey_round = RoundFactory()
    first = _answered(survey_round, 5)
    never = InvitationFactory(round=survey_round)
    assert spent_links.mark_answered() == 5
    assert _marked(first) == [True] * 5
    more = _answered(survey_round, 3)
    assert spent_links.mark_answered() == 0  # 3 new ones wait for two more
    assert _marked(more) == [False] * 3
    assert not Invitation.objects.get(pk=never.pk).responded


def test_each_round_is_batched_on_its_own(settings):
    """A batch mixing rounds would pair the one answer of a round with the
    one invitation of that round in the batch."""
    settings.SURVEY_MIN_RESPONSES = 5
    big, small = RoundFactory(), RoundFactory()
    _answered(big, 5)
    lonely = _answered(small, 1)
    assert spent_links.mark_answered() == 5
    assert _marked(lonely) == [False]


def test_markers_are_cleared_once_the_round_has_closed_and_settled():
    open_round, closed_round = RoundFactory(), RoundFactory()
    _answered(open_round, 2)
    _answered(closed_round, 2)
    close(closed_round)  # an hour ago
    assert spent_links.clear_closed_rounds() == 2
    assert set(SpentLink.objects.values_list("round", flat=True)) == {open_round.pk}
    closed_round.closed_at = timezone.now()
    assert spent_links.clear_closed_rounds(timezone.now() + datetime.timedelta(minutes=1)) == 0
