"""Reads about people."""

from educa.accounts.models import User
from educa.ops.queries import instance_with_pk


def user_with_id(user_id: int) -> User | None:
    """The user with this id, or None. Every Bearer request loads its user:
    one fixed statement, not a compiled ORM query (educa/ops/queries.py)."""
    return instance_with_pk(User, user_id)
