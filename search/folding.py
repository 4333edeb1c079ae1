"""How search reads what is typed: words only, in any order, any case, with
accents folded, so "rosa" finds "Rósa" and "owl crew" finds "Night Owl
Naloxone Crew"."""

import re
import unicodedata

# Enough for any name or phrase; bounds the SQL a query can build.
MAX_WORDS = 8
MAX_WORD_LENGTH = 40


def fold(text: str) -> str:
    """Lower case without accents: "Rósa" -> "rosa". The SQLite fallback
    applies the same function to the stored text (search/apps.py)."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(char for char in decomposed if not unicodedata.combining(char)).casefold()


def query_words(text: str) -> list[str]:
    """The folded words of a query: letters and digits only, so no
    punctuation, wildcard or control character (PostgreSQL refuses NUL in a
    string) reaches SQL; duplicates removed."""
    words = re.findall(r"[^\W_]+", fold(text))
    return list(dict.fromkeys(word[:MAX_WORD_LENGTH] for word in words))[:MAX_WORDS]


def fold_stored(value: str | None) -> str | None:
    """fold() as an SQL function: a NULL column stays NULL."""
    return None if value is None else fold(value)
