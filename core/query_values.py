"""Reading numbers from query strings and forms: one definition of what an
id or a page size may look like, so that a bad value is refused as bad
input, never a server error ("²".isdigit() is true but int("²") fails; an id
of 19 digits or more overflows the database column)."""

# The largest value of a 64-bit id column (BigAutoField).
LARGEST_ID = 2**63 - 1


def parse_id(value: object) -> int | None:
    """The id `value` names, or None when it cannot be one."""
    text = str(value)
    if text.isascii() and text.isdigit() and int(text) <= LARGEST_ID:
        return int(text)
    return None


def parse_count(value: object, low: int, high: int) -> int | None:
    """A whole number from `low` to `high` (a page size), or None."""
    text = str(value)
    if text.isascii() and text.isdigit() and low <= int(text) <= high:
        return int(text)
    return None
