"""Messages per second per user, counted in the shared cache so a user's
sockets on every worker share one allowance."""

import time

from django.conf import settings
from django.core.cache import cache

from educa.ops.cache import increment_counter


def allow_message(user_id: int) -> bool:
    """Count one message for the user in the current second; False once the
    setting CHAT_MESSAGES_PER_SECOND is exceeded. Without the cache nobody
    can be counted, so the message goes through."""
    count = increment_counter(cache, f"chat-rate:{user_id}:{int(time.time())}", 5)
    return count is None or count <= settings.CHAT_MESSAGES_PER_SECOND
