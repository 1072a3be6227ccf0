"""Reading arguments: ids and list windows, refused with BAD_USER_INPUT."""

from dataclasses import dataclass

import strawberry

from educa.graphql.errors import bad_input

# No list answers with more than this many items.
MAX_LIMIT = 50
# Ids are bigint primary keys.
MAX_ID = 2**63 - 1


def parse_id(value: strawberry.ID | str, name: str = "id") -> int:
    """The primary key an `ID` argument names."""
    text = str(value)
    if not text.isdecimal() or not 0 < int(text) <= MAX_ID:
        raise bad_input(f"`{name}` must be a positive integer id.")
    return int(text)


def parse_optional_id(value: strawberry.ID | None, name: str) -> int | None:
    return None if value is None else parse_id(value, name)


def parse_cursor(value: strawberry.ID | None, name: str = "after") -> int | None:
    """An id cursor: 0 (before everything) or an id; None when absent."""
    if value is None:
        return None
    text = str(value)
    if not text.isdecimal() or int(text) > MAX_ID:
        raise bad_input(f"`{name}` must be a non-negative integer id.")
    return int(text)


def parse_ids(values: list[strawberry.ID], name: str = "ids") -> list[int]:
    return [parse_id(value, name) for value in values]


@dataclass(frozen=True)
class Window:
    offset: int
    limit: int

    @property
    def stop(self) -> int:
        return self.offset + self.limit


def window(offset: int, limit: int) -> Window:
    """`offset` >= 0 and 1 <= `limit` <= MAX_LIMIT."""
    if not 1 <= limit <= MAX_LIMIT:
        raise bad_input(f"`limit` must be between 1 and {MAX_LIMIT}.")
    if offset < 0:
        raise bad_input("`offset` must not be negative.")
    return Window(offset=offset, limit=limit)
