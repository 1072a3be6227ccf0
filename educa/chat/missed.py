"""Missed-message e-mails, as Zulip sends them: a direct message or an
@mention still unread MISSED_MESSAGES_MINUTES after it was posted e-mails
its recipient once, gathering everything they have not read since the last
such e-mail, with links. Nothing is sent for what was read meanwhile, nor
to people who opted out (their profile, or the signed one-click link in
every such e-mail).

A sweep (the periodic task, every minute) reads the last day's direct
messages and mentions in a fixed number of queries and works out who has
something unread old enough; each person's MissedMessagesEmailed row is how
far their e-mails went, so a sweep run twice e-mails nobody twice.
"""

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from educa.accounts.models import User
from educa.accounts.services import update_profile
from educa.chat.models import Membership, Message, MissedMessagesEmailed, Room
from educa.chat.permissions import may_use_room
from educa.mail.services import queue_email

MISSED_MESSAGES = "missed_messages"
# Older messages never start an e-mail (a sweep after a long outage).
LOOKBACK = timedelta(days=1)
UNSUBSCRIBE = "educa.chat.missed-messages.unsubscribe"
MAX_BODY = 1000


@dataclass(frozen=True)
class Missed:
    message: Message
    mention: bool


def _window(now: datetime) -> list[Message]:
    """The last day's direct messages and messages with mentions."""
    return list(
        Message.objects.filter(created__gt=now - LOOKBACK)
        .filter(Q(room__kind=Room.Kind.DIRECT) | ~Q(mentions=[]))
        .select_related("sender", "room__course")
        .order_by("id")
    )


def missed_by_person(now: datetime) -> dict[User, list[Missed]]:
    """Each opted-in person with an unread direct message or mention older
    than MISSED_MESSAGES_MINUTES, and all their unread ones (any age) after
    their last missed-message e-mail, oldest first."""
    messages = _window(now)
    direct_rooms = {m.room_id for m in messages if m.room.kind == Room.Kind.DIRECT}
    direct_members = defaultdict(set)
    for room_id, user_id in Membership.objects.filter(
        room_id__in=direct_rooms
    ).values_list("room_id", "user_id"):
        direct_members[room_id].add(user_id)
    usernames = {name for message in messages for name in message.mentions}
    people = {
        user.pk: user
        for user in User.objects.filter(
            Q(pk__in={u for members in direct_members.values() for u in members})
            | Q(username__in=usernames),
            is_active=True,
            email_missed_messages=True,
        ).exclude(email="")
    }
    by_username = {user.username: user for user in people.values()}
    candidates: dict[int, list[Missed]] = defaultdict(list)
    for message in messages:
        mentioned = {
            by_username[name].pk for name in message.mentions if name in by_username
        }
        for user_id in mentioned | direct_members.get(message.room_id, set()):
            if user_id in people and user_id != message.sender_id:
                candidates[user_id].append(Missed(message, user_id in mentioned))
    last_read = {
        (room_id, user_id): read
        for room_id, user_id, read in Membership.objects.filter(
            user_id__in=candidates
        ).values_list("room_id", "user_id", "last_read_message_id")
    }
    emailed = dict(
        MissedMessagesEmailed.objects.filter(user_id__in=candidates).values_list(
            "user_id", "last_message_id"
        )
    )
    cutoff = now - timedelta(minutes=settings.MISSED_MESSAGES_MINUTES)
    found = {}
    for user_id, missed in candidates.items():
        unread = [
            each
            for each in missed
            if each.message.pk > emailed.get(user_id, 0)
            and each.message.pk > last_read.get((each.message.room_id, user_id), 0)
        ]
        if any(each.message.created <= cutoff for each in unread):
            found[people[user_id]] = unread
    return found


def _room_title(room: Room, sender: User) -> str:
    if room.kind == Room.Kind.COURSE:
        return room.course.title
    if room.kind == Room.Kind.DIRECT:
        return f"Direct messages with {sender.name}"
    return room.title


def _absolute(path: str) -> str:
    return settings.SITE_URL + path


def unsubscribe_url(user: User) -> str:
    token = signing.dumps(user.pk, salt=UNSUBSCRIBE)
    return _absolute(reverse("missed_messages_unsubscribe", args=[token]))


def _context(user: User, missed: list[Missed]) -> dict:
    rooms: dict[int, dict] = {}
    for each in missed:
        message = each.message
        room = rooms.setdefault(
            message.room_id,
            {
                "title": _room_title(message.room, message.sender),
                "url": _absolute(reverse("chat_room", args=[message.room_id])),
                "messages": [],
            },
        )
        room["messages"].append(
            {
                "sender": message.sender.name,
                "time": f"{message.created:%Y-%m-%d %H:%M} UTC",
                "body": message.body[:MAX_BODY],
                "mention": each.mention,
            }
        )
    senders = sorted({each.message.sender.name for each in missed})
    return {
        "name": user.name,
        "count": len(missed),
        "senders": senders[:3],
        "rooms": list(rooms.values()),
        "minutes": settings.MISSED_MESSAGES_MINUTES,
        "inbox_url": _absolute(reverse("chat_inbox")),
        "profile_url": _absolute(reverse("profile")),
        "unsubscribe_url": unsubscribe_url(user),
    }


@transaction.atomic
def email_missed_messages(*, user: User, missed: list[Missed]) -> bool:
    """Queue the one e-mail gathering `missed` (still unread, in rooms the
    person may still use) and move their mark past it; False if there was
    nothing left to send."""
    mark, _ = MissedMessagesEmailed.objects.select_for_update().get_or_create(user=user)
    rooms = {each.message.room_id: each.message.room for each in missed}
    usable = {pk for pk, room in rooms.items() if may_use_room(user, room)}
    missed = [
        each
        for each in missed
        if each.message.pk > mark.last_message_id and each.message.room_id in usable
    ]
    if not missed:
        return False
    last = max(each.message.pk for each in missed)
    queue_email(
        kind=MISSED_MESSAGES,
        key=f"{user.pk}:{last}",
        to=user.email,
        recipient_id=user.pk,
        context=_context(user, missed),
    )
    mark.last_message_id = last
    mark.save(update_fields=["last_message_id", "updated"])
    return True


def send_missed_message_emails(*, now: datetime | None = None) -> int:
    """The sweep: e-mail everyone with missed messages; how many."""
    found = missed_by_person(now or timezone.now())
    return sum(
        email_missed_messages(user=user, missed=missed)
        for user, missed in found.items()
    )


def unsubscribe(*, token: str) -> User:
    """Stop missed-message e-mails for the person a link names; a link that
    was not made here (tampered with, truncated) is a ValidationError."""
    try:
        user_id = signing.loads(token, salt=UNSUBSCRIBE)
        user = User.objects.get(pk=int(user_id))
    except (signing.BadSignature, User.DoesNotExist, TypeError, ValueError) as error:
        raise ValidationError(
            "This unsubscribe link is not valid: nothing was changed. Open your "
            "profile to choose which e-mails you get.",
            code="invalid_link",
        ) from error
    if user.email_missed_messages:
        update_profile(user=user, email_missed_messages=False)
    return user
