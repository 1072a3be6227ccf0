"""`ws/graphql/`: subscriptions over `graphql-transport-ws`, in the Channels
router beside the other sockets (so behind the same Origin check).

Who is asking: the `connection_init` payload's `{"token": "<JWT access>"}`,
else the socket's own authentication (session cookie or `?token=`). An
invalid, expired or revoked token, or nobody signed in, is refused: the
socket closes with 4403 before any operation. When the access token expires
the socket closes with 4403, so clients reconnect with a fresh one.
"""

import asyncio
import logging
import time
from datetime import timedelta
from typing import Any

from channels.db import database_sync_to_async
from django.conf import settings
from strawberry.channels import GraphQLWSConsumer
from strawberry.exceptions import ConnectionRejectionError
from strawberry.subscriptions import GRAPHQL_TRANSPORT_WS_PROTOCOL
from strawberry.subscriptions.protocols.graphql_transport_ws.handlers import (
    BaseGraphQLTransportWSHandler,
    Operation,
)
from strawberry.types.unset import UNSET, UnsetType

from educa.accounts.authentication import JWTAuthentication
from educa.accounts.models import User
from educa.accounts.websocket_auth import query_token, user_for_access_token
from educa.graphql.context import Context
from educa.graphql.live import current_operation
from educa.graphql.schema import schema
from educa.ops.logs import log_websocket
from educa.realtime.consumers import CLOSE_FLOOD, CLOSE_NOT_MEMBER

logger = logging.getLogger(__name__)

# A client has this long after the handshake to send `connection_init`.
INIT_TIMEOUT = timedelta(seconds=10)


def token_user(raw: object) -> tuple[User, float] | None:
    """The user of a valid, unrevoked access token, and when it expires."""
    if not isinstance(raw, str):
        return None
    user = user_for_access_token(raw)
    if user is None:
        return None
    token = JWTAuthentication().get_validated_token(raw.encode())
    return user, float(token["exp"])


class TransportWSHandler(BaseGraphQLTransportWSHandler[Context, None]):
    """graphql-transport-ws as strawberry speaks it, telling resolvers which
    operation they run for, so subscriptions asking the same document can
    share one execution per event (live.py)."""

    async def run_operation(self, operation: Operation[Context, None]) -> None:
        # The operation's own task: the value stays with its resolvers.
        current_operation.set(operation)
        await super().run_operation(operation)


class GraphQLConsumer(GraphQLWSConsumer):
    graphql_transport_ws_handler_class = TransportWSHandler
    frame_window = (0, 0)
    expiry: asyncio.TimerHandle | None = None

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(
            schema=schema,
            subscription_protocols=(GRAPHQL_TRANSPORT_WS_PROTOCOL,),
            connection_init_wait_timeout=INIT_TIMEOUT,
            max_subscriptions_per_connection=settings.GRAPHQL_MAX_SUBSCRIPTIONS_PER_SOCKET,
            **kwargs,
        )

    async def connect(self) -> None:
        log_websocket("connect", self.scope)
        await super().connect()

    async def disconnect(self, code: int) -> None:
        log_websocket("disconnect", self.scope, code=code)
        if self.expiry is not None:
            self.expiry.cancel()
        await super().disconnect(code)

    async def receive(self, text_data: str | None = None, bytes_data=None) -> None:
        if self.flooding():
            await self.close(code=CLOSE_FLOOD)
            return
        await super().receive(text_data=text_data, bytes_data=bytes_data)

    def flooding(self) -> bool:
        """More frames this second than WS_MAX_FRAMES_PER_SECOND, as for
        every socket."""
        second = int(time.monotonic())
        start, count = self.frame_window
        count = count + 1 if start == second else 1
        self.frame_window = (second, count)
        return count > settings.WS_MAX_FRAMES_PER_SECOND

    def is_websocket_origin_allowed(self, request: Any, origin: str) -> bool:
        """The one Origin rule of every socket, ALLOWED_HOSTS, has already
        passed (AllowedHostsOriginValidator in educa/asgi.py)."""
        return True

    async def get_context(self, request: Any, response: Any) -> Context:
        return Context(user=self.scope["user"], request=self)

    async def on_ws_connect(self, context: Context) -> UnsetType:
        params = context.connection_params or {}
        raw = params["token"] if "token" in params else query_token(self.scope)
        if raw is not None:
            found = await database_sync_to_async(token_user)(raw)
            if found is None:
                raise ConnectionRejectionError
            context.user, expires = found
            self.close_at(expires)
        elif not context.user.is_authenticated:
            raise ConnectionRejectionError
        return UNSET  # a `connection_ack` without a payload

    def close_at(self, timestamp: float) -> None:
        """Close with 4403 when the access token expires."""
        loop = asyncio.get_running_loop()
        delay = max(0.0, timestamp - time.time())
        self.expiry = loop.call_later(
            delay, lambda: loop.create_task(self.close(code=CLOSE_NOT_MEMBER))
        )
