"""The database reader: someone with a copy of the database (a backup, a
replica, a support login) tries to tie each anonymous response to the
invitation, and so the person, it came from. Response has no foreign key to
Invitation, but PostgreSQL keeps more than the columns: the id of the
transaction that wrote each row version (xmin), the row's place on disk
(ctid), and the ids themselves. If a response is written in the same
transaction that marks its invitation answered, or in the same order, any
of these pairs them up.

Twenty people of one anonymous round answer one by one, in a random order,
each answer committed on its own, five at a time with the beat running in
between, so that invitations are marked answered in batches (in a shuffled
order, at least k at once, in transactions that write no response). No
invitation may share a transaction id with a response, every batch must hold
at least k invitations, and no linking method may do better than chance
within a batch: with four batches of five, chance is one right pair in five,
about four of twenty; the test allows up to half."""

import datetime
import random

import pytest
from django.db import connection
from django.utils import timezone

from surveys.models import Invitation
from tests.factories import RecipientFactory

from .attacks import Crowd, answer_fields, canary_survey, released_by, submit

pytestmark = [
    pytest.mark.services,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="reads PostgreSQL's system columns (xmin, ctid): set DATABASE_URL to a PostgreSQL database",
    ),
]

PEOPLE = 20
BATCH = 5  # answers between two runs of the beat
ORDERS = {"id": "id", "ctid": "ctid", "xmin": "xmin::text::bigint"}


def _rows(sql: str, params=()) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _answer_in_random_order(crowd: Crowd, survey_round, run_the_beat_until) -> dict[str, int]:
    """Each invited person answers from a fresh browser, in a seeded random
    order, the beat running after every fifth. Returns which invitation
    wrote each (unique) text answer."""
    invitations = list(Invitation.objects.filter(round=survey_round).order_by("pk"))
    random.Random(20250106).shuffle(invitations)
    wrote = {}
    for number, invitation in enumerate(invitations, start=1):
        text = f"released-ok-db-{number}"
        crowd.used.add(invitation.pk)
        submit(crowd.private_link(invitation), answer_fields(survey_round.survey, text, allowed=True))
        wrote[text] = invitation.pk
        if number % BATCH == 0:
            run_the_beat_until(timezone.now() + datetime.timedelta(minutes=2))
    return wrote


def _truth(wrote: dict[str, int]) -> dict[int, int]:
    """Response id -> invitation id, from the text answers (the test knows
    who wrote what; an attacker does not)."""
    found = _rows("SELECT response_id, text FROM surveys_answer WHERE text LIKE 'released-ok-db-%%'")
    return {response: wrote[text] for response, text in found}


def _pair_by_rank(response_order: str, invitation_order: str) -> list[tuple[int, int]]:
    responses = _rows(f"SELECT id FROM surveys_response ORDER BY {response_order}")  # noqa: S608 - fixed names
    invitations = _rows(f"SELECT id FROM surveys_invitation WHERE responded ORDER BY {invitation_order}")  # noqa: S608
    return [(r, i) for (r,), (i,) in zip(responses, invitations, strict=False)]


def _pair_by_nearest_xid() -> list[tuple[int, int]]:
    responses = _rows("SELECT id, xmin::text::bigint FROM surveys_response")
    invitations = _rows("SELECT id, xmin::text::bigint FROM surveys_invitation WHERE responded")
    return [(r, min(invitations, key=lambda inv, x=x: abs(inv[1] - x))[0]) for r, x in responses if invitations]


def test_no_response_can_be_tied_to_its_invitation(crowd, run_the_beat_until):
    run_the_beat_until(timezone.now())
    RecipientFactory.create_batch(PEOPLE, audience="participants")  # invited together when the round opens
    survey_round = crowd.open_round(canary_survey("participants", title="Database reader"), invite=PEOPLE)
    run_the_beat_until(timezone.now() + datetime.timedelta(days=1))
    wrote = _answer_in_random_order(crowd, survey_round, run_the_beat_until)
    batches = _rows("SELECT count(*) FROM surveys_invitation WHERE responded GROUP BY xmin::text")
    run_the_beat_until(released_by(survey_round))
    truth = _truth(wrote)  # after the beat: responses may be written late, too
    assert len(truth) == PEOPLE, f"{len(truth)} of {PEOPLE} responses found"

    same_xid = _rows("SELECT r.id, i.id FROM surveys_response r JOIN surveys_invitation i ON i.xmin = r.xmin")
    methods = {"xmin equality": same_xid, "nearest xid": _pair_by_nearest_xid()}
    for (r_name, r_order), (i_name, i_order) in [(r, i) for r in ORDERS.items() for i in ORDERS.items()]:
        methods[f"responses by {r_name} / invitations by {i_name}"] = _pair_by_rank(r_order, i_order)
    hits = {name: sum(truth.get(r) == i for r, i in pairs) for name, pairs in methods.items()}
    report = ", ".join(f"{name}: {n}/{PEOPLE}" for name, n in hits.items())
    print(f"\nLinks found: {report}")

    assert not same_xid, f"{len(same_xid)} invitations share a transaction id with a response ({report})"
    assert sorted(n for (n,) in batches) == [BATCH] * (PEOPLE // BATCH), f"batches of {batches}"
    beaten = {name: n for name, n in hits.items() if n > PEOPLE // 2}
    assert not beaten, f"these methods tie responses to invitations: {beaten} ({report})"
