"""The admin lists and edits every model of the domain."""

import pytest
from django.urls import reverse

from educa.chat.services import post_message
from educa.realtime.notify import notify_user
from tests.factories import (
    EnrollmentFactory,
    ModuleFactory,
    StudentFactory,
    add_content,
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


@pytest.mark.parametrize("model", ADMIN_MODELS)
def test_admin_changelist_and_search(admin_client, course, model):
    module = ModuleFactory(course=course)
    for kind in ("text", "video", "image", "file"):
        add_content(module, kind)
    student = EnrollmentFactory(course=course).student
    post_message(room=course.chat_room, sender=student, body="x marks the spot")
    notify_user(student.pk, {"type": "x.y", "text": "x"})

    listing = admin_client.get(reverse(f"admin:{model}_changelist"))
    search = admin_client.get(reverse(f"admin:{model}_changelist"), {"q": "x"})

    assert (listing.status_code, search.status_code) == (200, 200)


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


@pytest.mark.parametrize(
    ("model", "query"),
    [
        ("chat_message", {"deleted__isnull": "True", "room__kind__exact": "course"}),
        ("chat_room", {"kind__exact": "course"}),
        ("realtime_notification", {"kind": "x.y", "read_at__isnull": "True"}),
    ],
)
def test_admin_filters(admin_client, course, enrolled_student, model, query):
    post_message(room=course.chat_room, sender=enrolled_student, body="hi")
    notify_user(enrolled_student.pk, {"type": "x.y"})

    response = admin_client.get(reverse(f"admin:{model}_changelist"), query)

    assert response.status_code == 200
    assert "1 " in response.content.decode()
