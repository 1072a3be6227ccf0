"""Messages per second per user, counted in the shared cache so a user's
sockets on every worker share one allowance."""

import time

from django.conf import settings
from django.core.cache import cache


def allow_message(user_id: int) -> bool:
    """Count one message for the user in the current second; False once the
    setting CHAT_MESSAGES_PER_SECOND is exceeded."""
    key = f"chat-rate:{user_id}:{int(time.time())}"
    cache.add(key, 0, timeout=5)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.add(key, 1, timeout=5)
        count = 1
    return count <= settings.CHAT_MESSAGES_PER_SECOND
