"""Missed-message e-mails: a direct message or a mention still unread
MISSED_MESSAGES_MINUTES later e-mails its recipient once, gathering what
they missed; the one-click unsubscribe link works without signing in."""

from datetime import timedelta

import pytest
from django.core import signing
from django.utils import timezone

from educa.accounts.models import User
from educa.chat.access import room_for
from educa.chat.missed import UNSUBSCRIBE, send_missed_message_emails
from educa.chat.models import Message
from educa.chat.services import mark_read, open_direct_room, post_message
from educa.mail.models import SentEmail
from tests.factories import CourseFactory, EnrollmentFactory, StudentFactory
from tests.ops.test_worker import wait_until, worker_process
from tests.smtp import html_of, links_in, text_of
from tests.web import WebClient


@pytest.fixture
def pair(db, instructor):
    course = CourseFactory(owner=instructor)
    ada = StudentFactory(username="ada", display_name="Ada", email="ada@example.com")
    bob = StudentFactory(username="bob", display_name="Bob", email="bob@example.com")
    for person in (ada, bob):
        EnrollmentFactory(course=course, student=person)
    room, _ = open_direct_room(user=ada, other=bob)
    return course, ada, bob, room


def aged(message: Message, minutes: int = 11) -> Message:
    Message.objects.filter(pk=message.pk).update(
        created=timezone.now() - timedelta(minutes=minutes)
    )
    return message


def sweep(django_capture_on_commit_callbacks) -> int:
    with django_capture_on_commit_callbacks(execute=True):
        return send_missed_message_emails()


def test_an_unread_direct_message_is_emailed_once_with_everything_missed(
    pair, mailoutbox, django_capture_on_commit_callbacks
):
    _, ada, _bob, room = pair
    aged(post_message(room=room, sender=ada, body="Lunch at noon?")[0])
    post_message(room=room, sender=ada, body="Or at one?")

    sent = sweep(django_capture_on_commit_callbacks)
    again = sweep(django_capture_on_commit_callbacks)

    assert (sent, again) == (1, 0)
    [message] = mailoutbox
    assert message.to == ["bob@example.com"]
    assert message.subject == "2 unread messages on Educa from Ada"
    assert "Lunch at noon?" in message.body
    assert "Or at one?" in message.body
    assert f"/chat/{room.pk}/" in message.body
    assert message.extra_headers["List-Unsubscribe-Post"] == (
        "List-Unsubscribe=One-Click"
    )


def test_nothing_is_sent_for_what_was_read_meanwhile(
    pair, mailoutbox, django_capture_on_commit_callbacks
):
    _, ada, bob, room = pair
    message = aged(post_message(room=room, sender=ada, body="Seen it?")[0])
    mark_read(room=room, user=bob, message_id=message.pk)

    assert sweep(django_capture_on_commit_callbacks) == 0
    assert mailoutbox == []


def test_nothing_is_sent_before_the_delay(
    pair, mailoutbox, django_capture_on_commit_callbacks, settings
):
    settings.MISSED_MESSAGES_MINUTES = 10
    _, ada, _, room = pair
    aged(post_message(room=room, sender=ada, body="Hi")[0], minutes=9)

    assert sweep(django_capture_on_commit_callbacks) == 0


def test_nothing_is_sent_to_people_who_opted_out(
    pair, mailoutbox, django_capture_on_commit_callbacks
):
    _, ada, bob, room = pair
    User.objects.filter(pk=bob.pk).update(email_missed_messages=False)
    aged(post_message(room=room, sender=ada, body="Hi")[0])

    assert sweep(django_capture_on_commit_callbacks) == 0


def test_a_mention_in_a_course_room_is_emailed_to_the_mentioned_person_only(
    pair, mailoutbox, django_capture_on_commit_callbacks
):
    course, ada, _bob, _ = pair
    carol = EnrollmentFactory(course=course).student
    room = room_for(ada, course_id=course.pk)
    aged(post_message(room=room, sender=ada, body="@bob can you share notes?")[0])
    aged(post_message(room=room, sender=ada, body="thanks all")[0])

    sweep(django_capture_on_commit_callbacks)

    [message] = mailoutbox
    assert message.to == ["bob@example.com"]
    assert "mentioned you" in message.body
    assert "thanks all" not in message.body
    assert not SentEmail.objects.filter(to=carol.email).exists()


def test_the_next_email_holds_only_what_came_after(
    pair, mailoutbox, django_capture_on_commit_callbacks
):
    _, ada, _, room = pair
    aged(post_message(room=room, sender=ada, body="first")[0])
    sweep(django_capture_on_commit_callbacks)
    aged(post_message(room=room, sender=ada, body="second")[0])

    sweep(django_capture_on_commit_callbacks)

    assert [("first" in m.body, "second" in m.body) for m in mailoutbox] == [
        (True, False),
        (False, True),
    ]


def test_the_unsubscribe_link_works_without_signing_in(
    pair, client, mailoutbox, django_capture_on_commit_callbacks
):
    _, ada, bob, room = pair
    aged(post_message(room=room, sender=ada, body="Hi")[0])
    sweep(django_capture_on_commit_callbacks)
    link = next(link for link in links_in(mailoutbox[0]) if "unsubscribe" in link)

    page = client.get(link.removeprefix("http://127.0.0.1:8000"))

    assert page.status_code == 200
    assert "You are unsubscribed" in page.content.decode()
    assert not User.objects.get(pk=bob.pk).email_missed_messages


@pytest.mark.parametrize(
    "token",
    [
        "garbage",
        signing.dumps(1, salt="another.purpose"),
        signing.dumps(10**9, salt=UNSUBSCRIBE),
    ],
    ids=["garbage", "another-purpose", "unknown-user"],
)
def test_a_tampered_unsubscribe_link_is_refused_and_changes_nothing(
    pair, client, token
):
    _, _, _bob, _ = pair

    page = client.get(f"/chat/unsubscribe/{token}/")

    assert page.status_code == 400
    assert "not valid" in page.content.decode()
    assert User.objects.filter(email_missed_messages=False).count() == 0


def test_mail_clients_unsubscribe_with_one_post(pair, client):
    _, _, bob, _ = pair
    token = signing.dumps(bob.pk, salt=UNSUBSCRIBE)

    page = client.post(f"/chat/unsubscribe/{token}/", {"List-Unsubscribe": "One-Click"})

    assert page.status_code == 200
    assert not User.objects.get(pk=bob.pk).email_missed_messages


def test_the_worker_emails_missed_messages_and_the_link_unsubscribes(
    smtp, live_server_url, worker_env, instructor
):
    course = CourseFactory(owner=instructor)
    ada = StudentFactory(display_name="Ada")
    bob = StudentFactory(email="bob@example.com")
    for person in (ada, bob):
        EnrollmentFactory(course=course, student=person)
    room, _ = open_direct_room(user=ada, other=bob)
    aged(post_message(room=room, sender=ada, body="Are you there?")[0])

    with worker_process({**worker_env, "SITE_URL": live_server_url}):
        [message] = smtp.inbox.wait_for(1)
        wait_until(lambda: SentEmail.objects.filter(status="sent").exists())

    assert message["To"] == "bob@example.com"
    assert "Are you there?" in text_of(message)
    assert "Are you there?" in html_of(message)
    link = next(link for link in links_in(message) if "unsubscribe" in link)
    assert message["List-Unsubscribe"].strip() == f"<{link}>"
    page = WebClient(live_server_url).get(link)
    assert "You are unsubscribed" in page.text
    wait_until(lambda: not User.objects.get(pk=bob.pk).email_missed_messages)
