"""The one place channel-layer group names are made.

Group names must be ASCII letters, digits, hyphens, underscores or periods
and shorter than 100 characters; ids keep them well inside that.
"""


def user_group(user_id: int) -> str:
    """Every socket of one user: their notification stream."""
    return f"user.{user_id}"


def room_group(room_id: int) -> str:
    """Every socket connected to one chat room."""
    return f"room.{room_id}"
