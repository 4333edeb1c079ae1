"""Printed one-time codes (cards) for a round: for a desk or an outreach
van, where people have no email address. A card's code is eight characters
from tokens.CODE_ALPHABET; the database keeps a keyed hash of it (an
HMAC with the server secret: eight characters are too few for a plain hash
to hide them from someone holding a dump). The codes are shown once, on
the sheet printed when they are made."""

from django.db import transaction
from django.utils.crypto import salted_hmac

from ..models import Card, Round
from ..tokens import new_code

MOST_AT_ONCE = 200
SALT = "surveys.card"


def code_hash(code: str) -> str:
    return salted_hmac(SALT, code, algorithm="sha256").hexdigest()


def make_cards(survey_round: Round, count: int) -> list[str]:
    """`count` new cards for the round; returns their codes, the only time
    they exist outside the printed sheet."""
    codes: set[str] = set()
    while len(codes) < count:
        codes.add(new_code())
    with transaction.atomic():
        Card.objects.bulk_create([Card(round=survey_round, code_hash=code_hash(code)) for code in codes])
    return sorted(codes)


def find_card(survey_round: Round, code: str) -> Card | None:
    """The round's card with this code (as tokens.typed_code gives it)."""
    return Card.objects.filter(round=survey_round, code_hash=code_hash(code)).first()
