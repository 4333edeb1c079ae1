"""When two partner names are the same partner: compared without case,
accents, spacing and punctuation ("night owl naloxone crew" is "Night Owl
Naloxone Crew"), and by similarity for a typo or a word more or less
("Night Owl Naloxon Crew"). The warning on "Add a partner" asks it; an
import's duplicate check should too."""

import unicodedata
from difflib import SequenceMatcher

# How alike two folded names must be to be called similar (0 to 1).
SIMILAR = 0.85


def folded(name: str) -> str:
    """Lower case, no accents, letters and digits only, one space between words."""
    plain = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().casefold()
    return " ".join("".join(c if c.isalnum() else " " for c in plain).split())


def are_similar(one: str, other: str) -> bool:
    a, b = folded(one), folded(other)
    if not a or not b:
        return False
    return a == b or SequenceMatcher(None, a, b).ratio() >= SIMILAR


def similar_names(name: str, names: list[str]) -> list[str]:
    """The names in `names` that may be the same partner as `name`."""
    return [other for other in names if are_similar(name, other)]
