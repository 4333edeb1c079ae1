"""Fixtures of the privacy attacks: a clock that only moves forward (running
the beat on the way), the people who answer, and the staff who look."""

import pytest
import time_machine

from .attacks import START, Beat, Crowd

# Every role that may read results: (fixture of tests/conftest.py giving the user).
ROLES = {"manager": "program_manager", "leader": "leader", "admin": "administrator"}


@pytest.fixture(autouse=True)
def _no_rate_limit(settings):
    """The attacks send many answers from one test client address."""
    settings.RATELIMIT_ENABLE = False


@pytest.fixture
def clock():
    """The clock, stopped at attacks.START; moved only by run_the_beat_until."""
    with time_machine.travel(START, tick=False) as traveller:
        yield traveller


@pytest.fixture
def run_the_beat_until(clock):
    """run_the_beat_until(moment): moves the clock to `moment`, running every
    periodic task just after each round closes, 10 minutes and 10 days later,
    and at `moment` (attacks.Beat)."""
    return Beat(clock).until


@pytest.fixture
def crowd() -> Crowd:
    return Crowd()


@pytest.fixture(params=sorted(ROLES))
def viewer(request):
    """Each role that may read results, in turn (a user: log in with attacks.looking_as)."""
    return request.getfixturevalue(ROLES[request.param])
