"""What every resolver gets as `info.context`, over HTTP and over the socket."""

from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest
from strawberry.dataloader import DataLoader
from strawberry.types import Info as StrawberryInfo

from educa.accounts.models import User


@dataclass
class Context:
    """`user` is who the request or socket authenticated as (anonymous on
    HTTP without credentials). `request` is the Django request, or the
    socket's consumer; `response` the HTTP response being built."""

    user: User | AnonymousUser
    request: Any = None
    response: Any = None
    # graphql-transport-ws: the `connection_init` payload.
    connection_params: dict[str, Any] | None = None
    # Per-request batch loaders, made on first use (dataloaders.py).
    loaders: dict[str, DataLoader] = field(default_factory=dict)

    @property
    def http_request(self) -> HttpRequest | None:
        """The Django request over HTTP; None on the socket."""
        return self.request if isinstance(self.request, HttpRequest) else None


Info = StrawberryInfo[Context, None]
