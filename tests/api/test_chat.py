"""`/api/chat/`: rooms, history, direct rooms, read markers and files."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework.test import APIClient
from rest_framework_simplejwt.tokens import AccessToken

from educa.chat.models import Attachment, Membership, Message, Room
from educa.chat.services import mark_read, open_direct_room, post_message
from tests.factories import EnrollmentFactory


def client_for(user=None) -> APIClient:
    client = APIClient()
    if user is not None:
        client.credentials(HTTP_AUTHORIZATION=f"Bearer {AccessToken.for_user(user)}")
    return client


def say(room: Room, user, *bodies: str) -> list[Message]:
    return [post_message(room=room, sender=user, body=b)[0] for b in bodies]


def test_my_rooms_list_unread_counts_and_last_message(course, enrolled_student):
    room = course.chat_room
    first, _ = say(room, course.owner, "one", "two")
    say(room, enrolled_student, "mine")
    mark_read(room=room, user=enrolled_student, message_id=first.pk)

    response = client_for(enrolled_student).get("/api/chat/rooms/")

    assert response.status_code == 200
    [row] = response.json()["results"]
    assert row["id"] == room.pk
    assert row["kind"] == "course"
    assert row["title"] == course.title
    assert row["course_id"] == course.pk
    assert row["unread"] == 1  # "two"; one's own messages never count
    assert row["last_message"]["message"] == "mine"
    assert row["last_message"]["user"] == enrolled_student.username
    assert row["socket"] == f"/ws/chat/{room.pk}/"


def test_rooms_list_needs_authentication():
    assert client_for().get("/api/chat/rooms/").status_code == 401


@pytest.mark.parametrize("rooms", [1, 6])
def test_rooms_list_query_count_does_not_grow(
    course, enrolled_student, rooms, django_assert_num_queries
):
    student = enrolled_student
    for _ in range(rooms):
        other = EnrollmentFactory(course=course).student
        room, _ = open_direct_room(user=student, other=other)
        say(room, other, "hi", "there")
    client = client_for(student)

    with django_assert_num_queries(3):  # user, count, rooms
        response = client.get("/api/chat/rooms/")

    # The direct rooms and the course's room they all share.
    assert len(response.json()["results"]) == rooms + 1
    assert response.json()["results"][0]["unread"] == 2


def test_history_pages_by_id_cursor(course, enrolled_student):
    room = course.chat_room
    messages = say(room, course.owner, *[f"m{n}" for n in range(6)])
    ids = [m.pk for m in messages]
    client = client_for(enrolled_student)
    url = f"/api/chat/rooms/{room.pk}/messages/"

    latest = client.get(url, {"limit": 2}).json()["results"]
    older = client.get(url, {"limit": 2, "before": ids[4]}).json()["results"]
    newer = client.get(url, {"limit": 3, "after": ids[1]}).json()["results"]

    assert [m["id"] for m in latest] == ids[4:]
    assert [m["id"] for m in older] == ids[2:4]
    assert [m["message"] for m in newer] == ["m2", "m3", "m4"]
    assert newer[0]["user"] == course.owner.username


@pytest.mark.parametrize("count", [1, 20])
def test_history_query_count_does_not_grow(
    course, enrolled_student, count, django_assert_num_queries
):
    say(course.chat_room, course.owner, *["x"] * count)
    client = client_for(enrolled_student)

    with django_assert_num_queries(5):  # user, room, membership, messages, files
        response = client.get(f"/api/chat/rooms/{course.chat_room.pk}/messages/")

    assert len(response.json()["results"]) == count


@pytest.mark.parametrize(
    "who", ["student", "other_instructor"], ids=["not enrolled", "other instructor"]
)
def test_history_is_refused_to_non_members(course, who, request):
    say(course.chat_room, course.owner, "secret")
    user = request.getfixturevalue(who)

    response = client_for(user).get(f"/api/chat/rooms/{course.chat_room.pk}/messages/")

    assert response.status_code == 403
    assert "secret" not in response.content.decode()


def test_history_refuses_anonymous_and_unknown_rooms(course, enrolled_student):
    url = f"/api/chat/rooms/{course.chat_room.pk}/messages/"

    assert client_for().get(url).status_code == 401
    assert (
        client_for(enrolled_student).get("/api/chat/rooms/99999/messages/").status_code
        == 404
    )


@pytest.mark.parametrize(
    "params", [{"limit": 0}, {"limit": 201}, {"before": "x"}, {"after": -1}]
)
def test_history_bad_cursor_is_a_400(course, enrolled_student, params):
    response = client_for(enrolled_student).get(
        f"/api/chat/rooms/{course.chat_room.pk}/messages/", params
    )

    assert response.status_code == 400


def test_opening_a_direct_room_twice_gives_the_same_room(course, enrolled_student):
    student, instructor = enrolled_student, course.owner
    client = client_for(student)

    first = client.post("/api/chat/direct/", {"user_id": instructor.pk}, format="json")
    second = client.post("/api/chat/direct/", {"user_id": instructor.pk}, format="json")

    assert first.status_code == 201
    assert second.status_code == 200
    assert first.json()["id"] == second.json()["id"]
    assert first.json()["kind"] == "direct"
    assert first.json()["title"] == instructor.name
    assert Room.objects.filter(kind="direct").count() == 1


@pytest.mark.parametrize("body", [{}, {"user_id": "x"}, {"user_id": 99999}])
def test_direct_room_with_bad_person_is_a_400_and_creates_nothing(student, body):
    response = client_for(student).post("/api/chat/direct/", body, format="json")

    assert response.status_code == 400
    assert not Room.objects.filter(kind="direct").exists()


def test_direct_room_with_someone_sharing_no_course_is_the_same_400_as_nobody(
    student, instructor
):
    stranger = client_for(student).post(
        "/api/chat/direct/", {"user_id": instructor.pk}, format="json"
    )
    nobody = client_for(student).post(
        "/api/chat/direct/", {"user_id": 99999}, format="json"
    )

    assert stranger.status_code == nobody.status_code == 400
    assert stranger.json() == nobody.json()
    assert instructor.name not in stranger.content.decode()
    assert not Room.objects.filter(kind="direct").exists()


def test_direct_room_with_oneself_is_a_400(student):
    response = client_for(student).post(
        "/api/chat/direct/", {"user_id": student.pk}, format="json"
    )

    assert response.status_code == 400
    assert not Room.objects.filter(kind="direct").exists()


def test_marking_read_moves_my_marker(course, enrolled_student):
    [message] = say(course.chat_room, course.owner, "read me")

    response = client_for(enrolled_student).post(
        f"/api/chat/rooms/{course.chat_room.pk}/read/",
        {"message_id": message.pk},
        format="json",
    )

    assert response.json() == {
        "room": course.chat_room.pk,
        "last_read_message_id": message.pk,
    }
    assert (
        Membership.objects.get(user=enrolled_student).last_read_message_id == message.pk
    )


def test_marking_read_is_refused_to_non_members(course, student):
    [message] = say(course.chat_room, course.owner, "read me")

    response = client_for(student).post(
        f"/api/chat/rooms/{course.chat_room.pk}/read/",
        {"message_id": message.pk},
        format="json",
    )

    assert response.status_code == 403
    assert not Membership.objects.filter(user=student).exists()


def test_marking_read_a_message_of_another_room_is_a_400(course, enrolled_student):
    other = EnrollmentFactory(student=enrolled_student).course
    [message] = say(other.chat_room, other.owner, "elsewhere")

    response = client_for(enrolled_student).post(
        f"/api/chat/rooms/{course.chat_room.pk}/read/",
        {"message_id": message.pk},
        format="json",
    )

    assert response.status_code == 400
    assert not Membership.objects.filter(
        user=enrolled_student, room=course.chat_room
    ).exists()


def upload(client, room, name="notes.txt", data=b"hello"):
    return client.post(
        f"/api/chat/rooms/{room.pk}/attachments/",
        {"file": SimpleUploadedFile(name, data, "text/html")},
        format="multipart",
    )


def send_with(room, sender, attachment_id: int) -> None:
    post_message(
        room=room, sender=sender, body="see file", attachment_ids=[attachment_id]
    )


def test_member_uploads_a_file_and_members_download_it(course, enrolled_student):
    response = upload(client_for(enrolled_student), course.chat_room)
    attachment_id = response.json()["id"]
    send_with(course.chat_room, enrolled_student, attachment_id)

    download = client_for(course.owner).get(f"/api/chat/attachments/{attachment_id}/")

    assert response.status_code == 201
    assert response.json()["content_type"] == "text/plain"
    assert response.json()["size"] == 5
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == b"hello"
    assert download["Content-Disposition"] == 'attachment; filename="notes.txt"'
    assert Attachment.objects.get().message.body == "see file"


def test_non_member_can_neither_upload_nor_download(course, enrolled_student, student):
    attachment_id = upload(client_for(enrolled_student), course.chat_room).json()["id"]

    refused_upload = upload(client_for(student), course.chat_room)
    refused_download = client_for(student).get(
        f"/api/chat/attachments/{attachment_id}/"
    )

    assert refused_upload.status_code == 403
    assert refused_download.status_code == 403
    assert Attachment.objects.count() == 1


@pytest.mark.parametrize(
    ("name", "size"), [("virus.exe", 10), ("big.txt", 2 * 2**20)], ids=["type", "size"]
)
def test_disallowed_file_is_a_400_and_stores_nothing(
    course, enrolled_student, settings, name, size
):
    settings.CHAT_ATTACHMENT_MAX_SIZE = 2**20

    response = upload(client_for(enrolled_student), course.chat_room, name, b"x" * size)

    assert response.status_code == 400
    assert not Attachment.objects.exists()


def test_an_unsent_attachment_is_its_uploaders_alone(course, enrolled_student):
    attachment_id = upload(client_for(enrolled_student), course.chat_room).json()["id"]
    url = f"/api/chat/attachments/{attachment_id}/"

    before = client_for(course.owner).get(url)
    own = client_for(enrolled_student).get(url)
    send_with(course.chat_room, enrolled_student, attachment_id)
    after = client_for(course.owner).get(url)

    assert before.status_code == 403
    assert own.status_code == 200
    assert after.status_code == 200


def test_attachment_download_type_is_one_the_schema_allows(course, enrolled_student):
    attachment_id = upload(client_for(enrolled_student), course.chat_room).json()["id"]
    send_with(course.chat_room, enrolled_student, attachment_id)

    download = client_for(course.owner).get(f"/api/chat/attachments/{attachment_id}/")
    schema = client_for().get("/api/schema/?format=json").json()

    operation = schema["paths"]["/api/chat/attachments/{attachment_id}/"]["get"]
    assert download["Content-Type"].startswith("text/plain")
    assert list(operation["responses"]["200"]["content"]) == ["*/*"]
