"""Editing and deleting messages (educa/chat/editing.py) and the rules they
follow (educa/chat/permissions.py)."""

import os
from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from educa.chat.access import message_for
from educa.chat.attachments import upload_attachment
from educa.chat.editing import MessageChangeRefused, delete_message, edit_message
from educa.chat.models import Attachment, Message
from educa.chat.permissions import (
    can_delete_message,
    can_edit_message,
    can_moderate_room,
)
from educa.chat.services import archive_room, open_direct_room, post_message
from educa.realtime.models import Notification
from tests.factories import EnrollmentFactory, StudentFactory, png_upload


def posted(room, user, body="hello", **kwargs) -> Message:
    message, _ = post_message(room=room, sender=user, body=body, **kwargs)
    return message_for(user, message.pk)


def unchanged(message: Message) -> tuple:
    fresh = Message.objects.get(pk=message.pk)
    return (fresh.body, fresh.html, fresh.edited, fresh.deleted)


def age(message: Message, minutes: int) -> None:
    Message.objects.filter(pk=message.pk).update(
        created=timezone.now() - timedelta(minutes=minutes)
    )
    message.refresh_from_db(fields=["created"])


def test_author_edits_their_message_and_it_is_marked_edited(course, enrolled_student):
    message = posted(course.chat_room, enrolled_student, "teh answer")

    edit_message(message=message, by=enrolled_student, body=" the **answer** ")

    stored = Message.objects.get(pk=message.pk)
    assert stored.body == "the **answer**"
    assert stored.html == "<p>the <strong>answer</strong></p>"
    assert stored.edited is not None


@pytest.mark.parametrize("body", ["", "   ", "x" * 4001, "\x00"])
def test_bad_edit_is_refused_and_changes_nothing(course, enrolled_student, body):
    message = posted(course.chat_room, enrolled_student, "keep me")
    before = unchanged(message)

    with pytest.raises(ValidationError):
        edit_message(message=message, by=enrolled_student, body=body)

    assert unchanged(message) == before


@pytest.mark.parametrize("who", ["classmate", "instructor"])
def test_nobody_edits_someone_elses_message(course, enrolled_student, who):
    classmate = EnrollmentFactory(course=course).student
    editor = classmate if who == "classmate" else course.owner
    message = posted(course.chat_room, enrolled_student, "mine")
    before = unchanged(message)

    with pytest.raises(MessageChangeRefused):
        edit_message(message=message, by=editor, body="hacked")

    assert unchanged(message) == before


def test_edit_window_closes(course, enrolled_student, settings):
    settings.CHAT_EDIT_WINDOW_MINUTES = 15
    message = posted(course.chat_room, enrolled_student, "old")
    age(message, 16)

    with pytest.raises(MessageChangeRefused):
        edit_message(message=message, by=enrolled_student, body="new")
    with pytest.raises(MessageChangeRefused):
        delete_message(message=message, by=enrolled_student)

    assert unchanged(message)[0] == "old"
    assert Message.objects.get(pk=message.pk).deleted is None


def test_deleted_message_cannot_be_edited_or_deleted_again(course, enrolled_student):
    message = posted(course.chat_room, enrolled_student, "oops")
    delete_message(message=message, by=enrolled_student)
    before = unchanged(message)

    with pytest.raises(ValidationError) as refused:
        edit_message(message=message, by=enrolled_student, body="back")
    with pytest.raises(ValidationError):
        delete_message(message=message, by=course.owner)

    assert refused.value.code == "message_deleted"
    assert unchanged(message) == before


def test_deleting_removes_text_mentions_files_and_quoted_excerpts(
    course, enrolled_student, django_capture_on_commit_callbacks
):
    classmate = EnrollmentFactory(course=course).student
    upload = upload_attachment(
        room=course.chat_room, user=enrolled_student, file=png_upload()
    )
    path = upload.file.path
    message = posted(
        course.chat_room,
        enrolled_student,
        f"secret for @{classmate.username}",
        attachment_ids=[upload.pk],
    )

    with django_capture_on_commit_callbacks(execute=True):
        delete_message(message=message, by=enrolled_student)

    stored = Message.objects.get(pk=message.pk)
    assert (stored.body, stored.html, stored.mentions) == ("", "", [])
    assert stored.deleted is not None
    assert stored.deleted_by == enrolled_student
    assert not Attachment.objects.exists()
    assert not os.path.exists(path)
    mention = Notification.objects.get(kind="chat.mention")
    assert mention.payload["excerpt"] == ""
    assert mention.payload["deleted"] is True


def test_the_courses_instructor_deletes_anyones_message_at_any_time(
    course, enrolled_student
):
    message = posted(course.chat_room, enrolled_student, "spam")
    age(message, 600)

    delete_message(message=message, by=course.owner)

    stored = Message.objects.get(pk=message.pk)
    assert stored.deleted is not None
    assert stored.deleted_by == course.owner


def test_a_student_cannot_moderate_and_nothing_changes(course, enrolled_student):
    classmate = EnrollmentFactory(course=course).student
    message = posted(course.chat_room, course.owner, "the instructor's")
    before = unchanged(message)

    with pytest.raises(MessageChangeRefused):
        delete_message(message=message, by=classmate)

    assert unchanged(message) == before


def test_no_moderator_in_a_direct_room(course, enrolled_student):
    room, _ = open_direct_room(user=enrolled_student, other=course.owner)
    message = posted(room, enrolled_student, "between us")

    assert can_moderate_room(course.owner, message.room) is False
    with pytest.raises(MessageChangeRefused):
        delete_message(message=message, by=course.owner)
    assert Message.objects.get(pk=message.pk).deleted is None


def test_outsiders_can_neither_edit_nor_delete(course, enrolled_student):
    message = posted(course.chat_room, enrolled_student, "members only")
    outsider = StudentFactory()
    before = unchanged(message)

    with pytest.raises(PermissionDenied):
        edit_message(message=message, by=outsider, body="x")
    with pytest.raises(PermissionDenied):
        delete_message(message=message, by=outsider)

    assert unchanged(message) == before


def test_staff_holding_the_permission_moderate_every_room(course, enrolled_student):
    operator = StudentFactory(is_staff=True, is_superuser=True)
    message = posted(course.chat_room, enrolled_student, "abuse")

    delete_message(message=message, by=operator)

    assert Message.objects.get(pk=message.pk).deleted_by == operator


def test_archived_room_author_cannot_edit_but_the_instructor_still_removes(
    course, enrolled_student
):
    message = posted(course.chat_room, enrolled_student, "frozen")
    archive_room(room=course.chat_room, by=course.owner)
    message = message_for(enrolled_student, message.pk)

    assert can_edit_message(enrolled_student, message) is False
    assert can_delete_message(enrolled_student, message) is False
    assert can_delete_message(course.owner, message) is True


def test_editing_in_a_mention_notifies_only_the_newly_mentioned(
    course, enrolled_student
):
    first = EnrollmentFactory(course=course).student
    second = EnrollmentFactory(course=course).student
    message = posted(course.chat_room, enrolled_student, f"hi @{first.username}")

    edit_message(
        message=message,
        by=enrolled_student,
        body=f"hi @{first.username} and @{second.username}",
    )

    mentions = Notification.objects.filter(kind="chat.mention").order_by("user_id")
    assert [n.user_id for n in mentions] == sorted([first.pk, second.pk])
    assert {n.payload["excerpt"] for n in mentions} == {
        f"hi @{first.username} and @{second.username}"
    }


def test_an_unchanged_edit_is_not_marked_edited(course, enrolled_student):
    message = posted(course.chat_room, enrolled_student, "same")

    edit_message(message=message, by=enrolled_student, body="same ")

    assert Message.objects.get(pk=message.pk).edited is None
