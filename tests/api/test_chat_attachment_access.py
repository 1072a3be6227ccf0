"""`GET /api/chat/attachments/{id}/` of a file that WAS sent: only the
room's people download it; nobody outside the room does."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework.test import APIClient
from rest_framework_simplejwt.tokens import AccessToken

from educa.chat.models import Attachment, Room
from educa.chat.services import open_direct_room, post_message
from tests.factories import EnrollmentFactory, InstructorFactory, StudentFactory

SECRET = b"the answers to quiz 3"


def client_for(user=None) -> APIClient:
    client = APIClient()
    if user is not None:
        client.credentials(HTTP_AUTHORIZATION=f"Bearer {AccessToken.for_user(user)}")
    return client


def share(room: Room, sender) -> str:
    """`sender` uploads a file to `room` and sends it in a message; its URL."""
    response = client_for(sender).post(
        f"/api/chat/rooms/{room.pk}/attachments/",
        {"file": SimpleUploadedFile("answers.txt", SECRET, "text/plain")},
        format="multipart",
    )
    assert response.status_code == 201
    attachment_id = response.json()["id"]
    post_message(room=room, sender=sender, body="here", attachment_ids=[attachment_id])
    assert Attachment.objects.get(pk=attachment_id).message is not None
    return f"/api/chat/attachments/{attachment_id}/"


@pytest.mark.parametrize(
    "outsider",
    ["student_of_another_course", "another_instructor", "student_never_enrolled"],
)
def test_a_sent_course_room_file_is_refused_outside_the_course(
    course, enrolled_student, outsider
):
    url = share(course.chat_room, enrolled_student)
    person = {
        "student_of_another_course": lambda: EnrollmentFactory().student,
        "another_instructor": InstructorFactory,
        "student_never_enrolled": StudentFactory,
    }[outsider]()

    refused = client_for(person).get(url)
    member = client_for(course.owner).get(url)

    assert refused.status_code == 403
    assert SECRET not in refused.content
    assert member.status_code == 200
    assert b"".join(member.streaming_content) == SECRET


def test_a_sent_direct_message_file_is_refused_to_a_third_person(
    course, enrolled_student
):
    """The course's instructor shares the course with both, but is not in
    their direct room."""
    classmate = EnrollmentFactory(course=course).student
    room, _ = open_direct_room(user=enrolled_student, other=classmate)
    url = share(room, enrolled_student)

    refused = client_for(course.owner).get(url)
    anonymous = client_for().get(url)
    member = client_for(classmate).get(url)

    assert refused.status_code == 403
    assert SECRET not in refused.content
    assert anonymous.status_code == 401
    assert member.status_code == 200
