"""Editing and deleting chat messages over GraphQL, as the socket and REST
do (educa.chat.editing): the author within the window, the course room's
instructor deletes anyone's; everyone else refused, nothing changed. Message
and notification fields the pages show (html, edited, deleted; text, url)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from educa.chat.models import Message, Room
from educa.chat.selectors import message_frame
from educa.chat.services import post_message
from educa.graphql.chat import MessageType
from educa.realtime.notify import notify_user
from tests.factories import EnrollmentFactory, InstructorFactory, StudentFactory
from tests.graphql.conftest import codes

EDIT = """
mutation($id: ID!, $text: String!) {
  editMessage(messageId: $id, message: $text) {
    id message html edited editedAt deleted
  }
}
"""
DELETE = """
mutation($id: ID!) { deleteMessage(messageId: $id) { id message html deleted } }
"""
HISTORY = """
query($room: ID!) {
  messages(roomId: $room) { id message html edited editedAt deleted }
}
"""


@pytest.fixture
def room(course) -> Room:
    return Room.objects.get(course=course)


@pytest.fixture
def author(course):
    return EnrollmentFactory(course=course).student


@pytest.fixture
def said(room, author) -> Message:
    return post_message(room=room, sender=author, body="Helo **all**")[0]


def _someone(role: str, course):
    return {
        "anonymous": lambda: None,
        "classmate": lambda: EnrollmentFactory(course=course).student,
        "stranger": StudentFactory,
        "other_instructor": InstructorFactory,
        "instructor": lambda: course.owner,
    }[role]()


def _unchanged(message: Message) -> bool:
    fresh = Message.objects.get(pk=message.pk)
    return (fresh.body, fresh.edited, fresh.deleted) == (message.body, None, None)


def test_author_edits_their_message_and_history_shows_it(graphql, room, author, said):
    edited = graphql(EDIT, {"id": said.pk, "text": "Hello **all**"}, as_user=author)
    history = graphql(HISTORY, {"room": room.pk}, as_user=author)

    shown = edited["data"]["editMessage"]
    assert shown["message"] == "Hello **all**"
    assert shown["html"] == "<p>Hello <strong>all</strong></p>"
    assert (shown["edited"], shown["deleted"]) == (True, False)
    assert shown["editedAt"] is not None
    assert history["data"]["messages"] == [shown]
    assert Message.objects.get().body == "Hello **all**"


def test_a_message_never_changed_says_so(graphql, room, author, said):
    history = graphql(HISTORY, {"room": room.pk}, as_user=author)

    assert history["data"]["messages"] == [
        {
            "id": str(said.pk),
            "message": "Helo **all**",
            "html": "<p>Helo <strong>all</strong></p>",
            "edited": False,
            "editedAt": None,
            "deleted": False,
        }
    ]


@pytest.mark.parametrize(
    ("role", "code"),
    [
        ("anonymous", "UNAUTHENTICATED"),
        ("classmate", "FORBIDDEN"),
        ("stranger", "FORBIDDEN"),
        ("other_instructor", "FORBIDDEN"),
        ("instructor", "FORBIDDEN"),
    ],
)
def test_only_the_author_edits(graphql, course, said, role, code):
    result = graphql(
        EDIT, {"id": said.pk, "text": "Not yours"}, as_user=_someone(role, course)
    )

    assert codes(result) == [code]
    assert result["data"] is None
    assert _unchanged(said)


def test_the_author_may_not_edit_or_delete_after_the_window(
    graphql, author, said, settings
):
    Message.objects.filter(pk=said.pk).update(
        created=timezone.now()
        - timedelta(minutes=settings.CHAT_EDIT_WINDOW_MINUTES + 1)
    )

    edited = graphql(EDIT, {"id": said.pk, "text": "Late"}, as_user=author)
    deleted = graphql(DELETE, {"id": said.pk}, as_user=author)

    assert codes(edited) == codes(deleted) == ["FORBIDDEN"]
    assert "within" in edited["errors"][0]["message"]
    assert _unchanged(said)


@pytest.mark.parametrize("text", ["", "   ", "x" * 100_000, "a\x00b"])
def test_bad_text_is_bad_input_and_changes_nothing(graphql, author, said, text):
    result = graphql(EDIT, {"id": said.pk, "text": text}, as_user=author)

    assert codes(result) == ["BAD_USER_INPUT"]
    assert _unchanged(said)


def test_unknown_and_malformed_message_ids(graphql, author):
    missing = graphql(EDIT, {"id": "999999", "text": "x"}, as_user=author)
    malformed = graphql(DELETE, {"id": "abc"}, as_user=author)

    assert codes(missing) == ["NOT_FOUND"]
    assert codes(malformed) == ["BAD_USER_INPUT"]


@pytest.mark.parametrize("role", ["author", "instructor"])
def test_author_and_instructor_delete_and_it_stays_deleted(
    graphql, course, room, author, said, role
):
    by = author if role == "author" else course.owner

    deleted = graphql(DELETE, {"id": said.pk}, as_user=by)
    again = graphql(DELETE, {"id": said.pk}, as_user=by)
    edit_after = graphql(EDIT, {"id": said.pk, "text": "Back"}, as_user=author)
    history = graphql(HISTORY, {"room": room.pk}, as_user=author)

    assert deleted["data"]["deleteMessage"] == {
        "id": str(said.pk),
        "message": "",
        "html": "",
        "deleted": True,
    }
    assert codes(again) == codes(edit_after) == ["BAD_USER_INPUT"]
    assert history["data"]["messages"][0]["deleted"] is True
    assert Message.objects.get().body == ""


@pytest.mark.parametrize(
    ("role", "code"),
    [
        ("anonymous", "UNAUTHENTICATED"),
        ("classmate", "FORBIDDEN"),
        ("stranger", "FORBIDDEN"),
        ("other_instructor", "FORBIDDEN"),
    ],
)
def test_others_may_not_delete(graphql, course, said, role, code):
    result = graphql(DELETE, {"id": said.pk}, as_user=_someone(role, course))

    assert codes(result) == [code]
    assert _unchanged(said)


def test_notifications_carry_their_sentence_and_link(graphql, student):
    notify_user(student.pk, {"type": "x.other", "url": "/a/"})
    notify_user(student.pk, {"type": "x.elsewhere", "url": "https://evil.example/"})

    result = graphql("{ notifications { kind text url } }", as_user=student)

    shown = result["data"]["notifications"]
    assert [(each["kind"], each["url"]) for each in shown] == [
        ("x.elsewhere", None),
        ("x.other", "/a/"),
    ]
    assert all(isinstance(each["text"], str) and each["text"] for each in shown)


def test_a_frame_leaving_out_false_flags_and_plain_html_maps_the_same(
    room, author, said
):
    frame = message_frame(said)
    smaller = {
        key: value
        for key, value in frame.items()
        if key not in ("html", "edited", "deleted")
    }

    full, small = MessageType.of(frame), MessageType.of(smaller)

    assert (small.html, small.edited, small.edited_at, small.deleted) == (
        full.html,
        False,
        None,
        False,
    )
    assert small.html == "<p>Helo <strong>all</strong></p>"
