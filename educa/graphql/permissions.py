"""Who is asking, and the refusals every resolver shares. The rules
themselves are the domain's `can_*` functions; these only turn their answers
into coded errors."""

from educa.accounts.models import User
from educa.graphql.context import Info
from educa.graphql.errors import forbidden, unauthenticated


def signed_in(info: Info) -> User:
    """The signed-in user; UNAUTHENTICATED for anonymous requests."""
    user = info.context.user
    if not user.is_authenticated:
        raise unauthenticated()
    return user


def require(allowed: bool, message: str) -> None:
    """FORBIDDEN unless `allowed` (the answer of a domain permission)."""
    if not allowed:
        raise forbidden(message)
