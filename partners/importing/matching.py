"""Which rows of a file may already be in the database: partners by name,
contacts by name or alias within their partner. Names are compared as
partners/similar_names.py compares them (case, accents, spacing and
punctuation folded, then similarity for a typo), against names loaded once
per import, so a file of 20,000 rows costs the same few queries as one of 10."""

from dataclasses import dataclass
from difflib import get_close_matches

from ..models import Contact, Organization
from ..similar_names import SIMILAR, folded


@dataclass(frozen=True)
class Match:
    pk: int
    name: str
    # Same name once folded; otherwise only similar (a typo, a word more).
    exact: bool


class NameIndex:
    """Names folded once, to look many up in."""

    def __init__(self, rows: list[tuple[int, str]]) -> None:
        self.by_folded: dict[str, tuple[int, str]] = {}
        for pk, name in rows:
            self.by_folded.setdefault(folded(name), (pk, name))
        self.names = list(self.by_folded)
        # The exact names: the database refuses a second row with one.
        self.taken = {name for _pk, name in rows}

    def exact(self, name: str) -> Match | None:
        found = self.by_folded.get(folded(name))
        return Match(found[0], found[1], exact=True) if found else None

    def find(self, name: str) -> Match | None:
        """The existing row `name` may be: the same folded name, else the most
        similar one. get_close_matches rules most names out on their length
        and letters before comparing them properly: a few thousand partners
        are compared in milliseconds."""
        key = folded(name)
        if not key:
            return None
        if match := self.exact(name):
            return match
        close = get_close_matches(key, self.names, n=1, cutoff=SIMILAR)
        if not close:
            return None
        pk, original = self.by_folded[close[0]]
        return Match(pk, original, exact=False)

    def add(self, pk: int, name: str) -> None:
        key = folded(name)
        if key not in self.by_folded:
            self.by_folded[key] = (pk, name)
            self.names.append(key)
        self.taken.add(name)


def partner_index() -> NameIndex:
    return NameIndex(list(Organization.objects.values_list("pk", "name")))


def contact_indexes() -> dict[int, NameIndex]:
    """Each partner's contacts by name or alias (never their email or phone,
    which stay encrypted and unread)."""
    names: dict[int, list[tuple[int, str]]] = {}
    for pk, organization_id, name in Contact.objects.values_list("pk", "organization_id", "name_or_alias"):
        names.setdefault(organization_id, []).append((pk, name))
    return {organization_id: NameIndex(rows) for organization_id, rows in names.items()}
