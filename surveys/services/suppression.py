"""Small-number suppression: no figure drawn from fewer than `k` people is
shown, and hidden cells cannot be worked out from the visible ones.

Primary suppression hides every cell with 1 to k-1 people. Complementary
suppression then hides the next smallest cells until the hidden cells
together hold at least k people, so "total minus what is shown" never
points at fewer than k people. Empty cells (0) stay visible: they describe
nobody."""

from django.conf import settings


def min_responses() -> int:
    return settings.SURVEY_MIN_RESPONSES


def hidden_cells(counts: list[int], k: int | None = None) -> list[bool]:
    k = k or min_responses()
    hidden = [0 < count < k for count in counts]
    while any(hidden) and sum(c for c, h in zip(counts, hidden, strict=True) if h) < k:
        visible = [(count, i) for i, (count, h) in enumerate(zip(counts, hidden, strict=True)) if not h and count > 0]
        if not visible:
            break
        hidden[min(visible)[1]] = True
    return hidden


def shown(value, people: int, k: int | None = None):
    """`value` when it is drawn from at least k people, else None."""
    return value if people >= (k or min_responses()) else None
