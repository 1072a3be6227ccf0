"""The admin lists and edits every model of the domain."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from educa.chat.editing import delete_message
from educa.chat.models import Attachment
from educa.chat.services import open_direct_room, post_message
from educa.realtime.notify import notify_user
from educa.realtime.services import mark_notifications_read
from tests.factories import (
    ITEM_FACTORIES,
    CourseFactory,
    EnrollmentFactory,
    ModuleFactory,
    StudentFactory,
    SubjectFactory,
)

ADMIN_MODELS = [
    "accounts_user",
    "courses_subject",
    "courses_course",
    "courses_module",
    "courses_text",
    "courses_file",
    "courses_image",
    "courses_video",
    "courses_enrollment",
    "chat_room",
    "chat_message",
    "chat_attachment",
    "realtime_notification",
]


@pytest.fixture
def admin_client(client, db):
    client.force_login(StudentFactory(is_staff=True, is_superuser=True))
    return client


def _item(kind):
    return lambda course, marker: ITEM_FACTORIES[kind](course=course, title=marker)


# How to make a row of each model whose searched field holds `marker`.
MAKERS = {
    "accounts_user": lambda course, marker: StudentFactory(username=marker),
    "courses_subject": lambda course, marker: SubjectFactory(title=marker),
    "courses_course": lambda course, marker: CourseFactory(title=marker),
    "courses_module": lambda course, marker: ModuleFactory(course=course, title=marker),
    "courses_text": _item("text"),
    "courses_file": _item("file"),
    "courses_image": _item("image"),
    "courses_video": _item("video"),
    "courses_enrollment": lambda course, marker: EnrollmentFactory(
        course=course, student=StudentFactory(username=marker)
    ),
    "chat_room": lambda course, marker: CourseFactory(title=marker).chat_room,
    "chat_message": lambda course, marker: post_message(
        room=course.chat_room, sender=course.owner, body=f"{marker} says hi"
    )[0],
    "chat_attachment": lambda course, marker: Attachment.objects.create(
        room=course.chat_room,
        uploader=course.owner,
        file=SimpleUploadedFile(f"{marker}.txt", b"x", "text/plain"),
        name=f"{marker}.txt",
        size=1,
        content_type="text/plain",
    ),
    "realtime_notification": lambda course, marker: notify_user(
        StudentFactory(username=marker).pk, {"type": "x.y"}
    ),
}


def listed(response) -> set[int]:
    """The primary keys of the rows a changelist page shows."""
    assert response.status_code == 200
    return {row.pk for row in response.context["cl"].result_list}


@pytest.mark.parametrize("model", ADMIN_MODELS)
def test_admin_changelist_and_search(admin_client, course, model):
    """The changelist lists every row; a search lists the row that matches
    and not the one that does not."""
    wanted = MAKERS[model](course, "zebra")
    other = MAKERS[model](course, "okapi")
    url = reverse(f"admin:{model}_changelist")

    everything = listed(admin_client.get(url))
    found = listed(admin_client.get(url, {"q": "zebra"}))

    assert {wanted.pk, other.pk} <= everything
    assert wanted.pk in found
    assert other.pk not in found


def test_admin_course_page_has_the_module_inline(admin_client, course):
    ModuleFactory(course=course, title="Inline module")

    response = admin_client.get(
        reverse("admin:courses_course_change", args=[course.pk])
    )

    assert response.status_code == 200
    assert "Inline module" in response.content.decode()


def test_students_cannot_open_the_admin(client, student):
    client.force_login(student)

    response = client.get(reverse("admin:courses_course_changelist"))

    assert response.status_code == 302


def test_operators_delete_a_message_for_everyone_from_the_admin(
    admin_client, course, enrolled_student
):
    message, _ = post_message(
        room=course.chat_room, sender=enrolled_student, body="abuse"
    )

    response = admin_client.post(
        reverse("admin:chat_message_changelist"),
        {"action": "delete_for_everyone", "_selected_action": [message.pk]},
    )

    assert response.status_code == 302
    message.refresh_from_db()
    assert (message.body, message.deleted is not None) == ("", True)


def test_admin_message_filters(admin_client, course, enrolled_student):
    """Not deleted, in course rooms: the deleted message and the direct
    room's are filtered out."""
    kept, _ = post_message(room=course.chat_room, sender=enrolled_student, body="a")
    gone, _ = post_message(room=course.chat_room, sender=enrolled_student, body="b")
    delete_message(message=gone, by=enrolled_student)
    direct, _ = open_direct_room(user=enrolled_student, other=course.owner)
    post_message(room=direct, sender=enrolled_student, body="c")

    shown = listed(
        admin_client.get(
            reverse("admin:chat_message_changelist"),
            {"deleted__isnull": "True", "room__kind__exact": "course"},
        )
    )

    assert shown == {kept.pk}


def test_admin_room_filter(admin_client, course, enrolled_student):
    direct, _ = open_direct_room(user=enrolled_student, other=course.owner)

    url = reverse("admin:chat_room_changelist")
    courses = listed(admin_client.get(url, {"kind__exact": "course"}))
    directs = listed(admin_client.get(url, {"kind__exact": "direct"}))

    assert course.chat_room.pk in courses
    assert direct.pk not in courses
    assert directs == {direct.pk}


def test_admin_notification_filters(admin_client, enrolled_student):
    """Unread of kind x.y: the read one and the other kind are filtered out."""
    wanted = notify_user(enrolled_student.pk, {"type": "x.y"})
    read = notify_user(enrolled_student.pk, {"type": "x.y"})
    mark_notifications_read(user_id=enrolled_student.pk, ids=[read.pk])
    notify_user(enrolled_student.pk, {"type": "z.w"})

    shown = listed(
        admin_client.get(
            reverse("admin:realtime_notification_changelist"),
            {"kind": "x.y", "read_at__isnull": "True"},
        )
    )

    assert shown == {wanted.pk}
