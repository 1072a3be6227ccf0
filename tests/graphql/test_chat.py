"""Chat and notifications over GraphQL: rooms, history, sending with the
socket's rate limit, read markers; refusals change nothing; constant SQL."""

import uuid
from types import SimpleNamespace

import pytest

from educa.chat import throttling
from educa.chat.models import Membership, Message, Room
from educa.chat.services import open_direct_room, post_message
from educa.realtime.models import Notification
from educa.realtime.notify import notify_user
from tests.factories import CourseFactory, EnrollmentFactory, StudentFactory
from tests.graphql.conftest import codes

ROOMS = (
    "{ rooms { id kind status title courseId unread lastMessage { id message user } } }"
)
MESSAGES = """
query($room: ID!, $after: ID, $before: ID, $limit: Int! = 50) {
  messages(roomId: $room, after: $after, before: $before, limit: $limit) {
    id roomId message user name userId clientId mentions attachments { id }
  }
}
"""
SEND = """
mutation($room: ID!, $text: String!, $client: ID) {
  sendMessage(roomId: $room, message: $text, clientId: $client) {
    duplicate message { id message user clientId }
  }
}
"""
READ = """
mutation($room: ID!, $message: ID!) {
  markRoomRead(roomId: $room, messageId: $message) { roomId lastReadMessageId }
}
"""


@pytest.fixture
def room(course) -> Room:
    return Room.objects.get(course=course)


def test_rooms_lists_mine_with_unread_and_last_message(
    graphql, course, room, enrolled_student
):
    post_message(room=room, sender=course.owner, body="Welcome")
    CourseFactory()  # someone else's room

    result = graphql(ROOMS, as_user=enrolled_student)

    assert result["data"]["rooms"] == [
        {
            "id": str(room.pk),
            "kind": "course",
            "status": "active",
            "title": course.title,
            "courseId": str(course.pk),
            "unread": 1,
            "lastMessage": {
                "id": str(Message.objects.get().pk),
                "message": "Welcome",
                "user": course.owner.username,
            },
        }
    ]


def test_history_pages_by_id_cursor(graphql, room, enrolled_student):
    ids = [
        post_message(room=room, sender=enrolled_student, body=f"m{n}")[0].pk
        for n in range(5)
    ]

    latest = graphql(MESSAGES, {"room": room.pk, "limit": 2}, as_user=enrolled_student)
    before = graphql(
        MESSAGES,
        {"room": room.pk, "before": ids[3], "limit": 2},
        as_user=enrolled_student,
    )
    after = graphql(
        MESSAGES,
        {"room": room.pk, "after": ids[0], "limit": 2},
        as_user=enrolled_student,
    )

    def bodies(result):
        return [m["message"] for m in result["data"]["messages"]]

    assert bodies(latest) == ["m3", "m4"]
    assert bodies(before) == ["m1", "m2"]
    assert bodies(after) == ["m1", "m2"]


def test_history_limit_is_capped_at_50(graphql, room, enrolled_student):
    result = graphql(MESSAGES, {"room": room.pk, "limit": 51}, as_user=enrolled_student)

    assert codes(result) == ["BAD_USER_INPUT"]


def test_history_refused_to_strangers_and_anonymous(graphql, room, student):
    stranger = graphql(MESSAGES, {"room": room.pk}, as_user=student)
    anonymous = graphql(MESSAGES, {"room": room.pk})
    missing = graphql(MESSAGES, {"room": 999999}, as_user=student)

    assert codes(stranger) == ["FORBIDDEN"]
    assert codes(anonymous) == ["UNAUTHENTICATED"]
    assert codes(missing) == ["NOT_FOUND"]


def test_send_message_stores_it_once_per_client_id(graphql, room, enrolled_student):
    client_id = str(uuid.uuid4())
    variables = {"room": room.pk, "text": "  Hello  ", "client": client_id}

    first = graphql(SEND, variables, as_user=enrolled_student)
    again = graphql(SEND, variables, as_user=enrolled_student)

    sent = first["data"]["sendMessage"]
    assert sent["duplicate"] is False
    assert sent["message"]["message"] == "Hello"
    assert sent["message"]["clientId"] == client_id
    assert again["data"]["sendMessage"]["duplicate"] is True
    assert again["data"]["sendMessage"]["message"]["id"] == sent["message"]["id"]
    assert list(Message.objects.values_list("body", flat=True)) == ["Hello"]


@pytest.mark.parametrize(
    "text", ["", "   ", "x" * 4001, "nul\x00"], ids=["empty", "blank", "long", "nul"]
)
def test_bad_messages_are_bad_input_and_store_nothing(
    graphql, room, enrolled_student, text
):
    result = graphql(SEND, {"room": room.pk, "text": text}, as_user=enrolled_student)

    assert codes(result) == ["BAD_USER_INPUT"]
    assert not Message.objects.exists()


def test_bad_client_id_is_bad_input(graphql, room, enrolled_student):
    result = graphql(
        SEND,
        {"room": room.pk, "text": "hi", "client": "nope"},
        as_user=enrolled_student,
    )

    assert codes(result) == ["BAD_USER_INPUT"]
    assert not Message.objects.exists()


def test_send_refused_to_strangers_and_stores_nothing(graphql, room, student):
    result = graphql(SEND, {"room": room.pk, "text": "let me in"}, as_user=student)

    assert codes(result) == ["FORBIDDEN"]
    assert not Message.objects.exists()


def test_send_has_the_sockets_rate_limit(
    graphql, room, enrolled_student, settings, monkeypatch
):
    settings.CHAT_MESSAGES_PER_SECOND = 2
    # All four sends fall in one second of the limiter's clock, however slow
    # the machine is.
    monkeypatch.setattr(throttling, "time", SimpleNamespace(time=lambda: 1_000_000.0))

    results = [
        graphql(SEND, {"room": room.pk, "text": f"m{n}"}, as_user=enrolled_student)
        for n in range(4)
    ]

    assert [codes(result) for result in results] == [
        [],
        [],
        ["RATE_LIMITED"],
        ["RATE_LIMITED"],
    ]
    assert Message.objects.count() == 2


def test_mark_room_read_moves_my_marker(graphql, room, course, enrolled_student):
    message, _ = post_message(room=room, sender=course.owner, body="read me")

    result = graphql(
        READ, {"room": room.pk, "message": message.pk}, as_user=enrolled_student
    )

    assert result["data"]["markRoomRead"] == {
        "roomId": str(room.pk),
        "lastReadMessageId": str(message.pk),
    }
    assert graphql(ROOMS, as_user=enrolled_student)["data"]["rooms"][0]["unread"] == 0


def test_mark_read_refused_to_strangers(graphql, room, course, student):
    message, _ = post_message(room=room, sender=course.owner, body="private")

    result = graphql(READ, {"room": room.pk, "message": message.pk}, as_user=student)

    assert codes(result) == ["FORBIDDEN"]
    assert not Membership.objects.filter(user=student).exists()


def test_mark_read_of_a_message_elsewhere_is_bad_input(graphql, room, enrolled_student):
    elsewhere = CourseFactory()
    other_room = Room.objects.get(course=elsewhere)
    message, _ = post_message(room=other_room, sender=elsewhere.owner, body="x")

    result = graphql(
        READ, {"room": room.pk, "message": message.pk}, as_user=enrolled_student
    )

    assert codes(result) == ["BAD_USER_INPUT"]


@pytest.mark.parametrize("count", [1, 50])
def test_rooms_query_count_is_constant(graphql, django_assert_num_queries, count):
    student = StudentFactory()
    for _ in range(count):
        course = CourseFactory()
        EnrollmentFactory(course=course, student=student)
        room = Room.objects.get(course=course)
        post_message(room=room, sender=course.owner, body="hello")
    other = StudentFactory()
    EnrollmentFactory(course=course, student=other)
    open_direct_room(user=student, other=other)

    with django_assert_num_queries(2):  # the user, the rooms with everything
        result = graphql(ROOMS, as_user=student)

    assert len(result["data"]["rooms"]) == min(count + 1, 50)


@pytest.mark.parametrize("count", [1, 50])
def test_messages_query_count_is_constant(
    graphql, django_assert_num_queries, room, enrolled_student, count
):
    for n in range(count):
        post_message(room=room, sender=enrolled_student, body=f"m{n}")

    # The user, the room (+ the enrollment check), messages with senders,
    # their attachments.
    with django_assert_num_queries(5):
        result = graphql(MESSAGES, {"room": room.pk}, as_user=enrolled_student)

    assert len(result["data"]["messages"]) == count


NOTIFICATIONS = "{ notifications { id kind payload read } unreadNotifications }"


def test_notifications_newest_first_and_marking_them_read(graphql, student):
    first = notify_user(student.pk, {"type": "x.first", "url": "/a/"})
    second = notify_user(student.pk, {"type": "x.second", "url": "/b/"})
    notify_user(StudentFactory().pk, {"type": "x.not-mine"})

    listed = graphql(NOTIFICATIONS, as_user=student)
    marked = graphql(
        "mutation($id: ID!) { markNotificationsRead(upTo: $id) { unread } }",
        {"id": first.pk},
        as_user=student,
    )

    assert listed["data"]["notifications"] == [
        {
            "id": str(second.pk),
            "kind": "x.second",
            "payload": {"type": "x.second", "url": "/b/"},
            "read": False,
        },
        {
            "id": str(first.pk),
            "kind": "x.first",
            "payload": {"type": "x.first", "url": "/a/"},
            "read": False,
        },
    ]
    assert listed["data"]["unreadNotifications"] == 2
    assert marked["data"] == {"markNotificationsRead": {"unread": 1}}


def test_notifications_need_a_user(graphql, student):
    notify_user(student.pk, {"type": "x.private"})

    result = graphql(NOTIFICATIONS)
    marked = graphql("mutation { markNotificationsRead { unread } }")

    assert set(codes(result)) == {"UNAUTHENTICATED"}
    assert codes(marked) == ["UNAUTHENTICATED"]
    assert Notification.objects.get().read_at is None


@pytest.mark.parametrize("count", [1, 50])
def test_notifications_query_count_is_constant(
    graphql, django_assert_num_queries, student, count
):
    for n in range(count):
        notify_user(student.pk, {"type": f"x.{n}"})

    with django_assert_num_queries(2):  # the user, the notifications
        result = graphql("{ notifications { id kind payload } }", as_user=student)

    assert len(result["data"]["notifications"]) == count
