"""The one place fan-out group names are made (educa/realtime/fanout.py)."""


def user_group(user_id: int) -> str:
    """Every socket of one user: notifications, unread counts, access changes."""
    return f"user.{user_id}"


def room_group(room_id: int) -> str:
    """Every socket connected to one chat room."""
    return f"room.{room_id}"
