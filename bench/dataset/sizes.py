"""How many rows of each kind the generator writes, from one scale factor.

Scale 1.0 is the issue's "large organization"; 0.01 is small enough for a
test. Every count has a floor so that a tiny scale still exercises every
kind of row (every stage, every audience, the same 50 rounds)."""

import math
from dataclasses import dataclass


@dataclass(frozen=True)
class Sizes:
    managers: int
    leaders: int
    tags: int
    organizations: int
    contacts: int
    interactions: int
    requests: int
    deliveries: int
    participants: int
    staff_recipients: int
    rounds: dict  # audience value -> number of rounds
    answers: int

    @classmethod
    def at(cls, scale: float) -> "Sizes":
        def n(full: int, floor: int) -> int:
            return max(floor, math.ceil(full * scale))

        return cls(
            managers=n(40, 2),
            leaders=n(6, 1),
            tags=n(30, 5),
            organizations=n(2_000, 20),
            contacts=n(20_000, 60),
            interactions=n(200_000, 200),
            requests=n(50_000, 50),
            deliveries=n(50_000, 50),
            participants=n(4_000, 40),
            staff_recipients=n(300, 10),
            # 50 rounds across the three audiences at every scale: fewer people
            # per round at a small scale, so there is always someone to answer.
            rounds={"participants": 20, "partners": 15, "staff": 15},
            answers=n(300_000, 300),
        )
