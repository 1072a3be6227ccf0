"""`/api/chat/messages/{id}/` (edit, delete), `/api/chat/people/`, group
rooms, and what history shows of edited and deleted messages."""

import pytest

from educa.chat.models import Attachment, Message, Room
from educa.chat.services import open_direct_room, post_message
from tests.api.test_chat import client_for, send_with, upload
from tests.factories import (
    CourseFactory,
    EnrollmentFactory,
    StudentFactory,
    png_upload,
)


def posted(room, user, body="hello") -> Message:
    return post_message(room=room, sender=user, body=body)[0]


def state(message: Message) -> tuple:
    fresh = Message.objects.get(pk=message.pk)
    return (fresh.body, fresh.edited, fresh.deleted)


def test_the_author_edits_over_rest_and_history_shows_it_edited(
    course, enrolled_student
):
    message = posted(course.chat_room, enrolled_student, "helo")
    client = client_for(enrolled_student)

    response = client.patch(
        f"/api/chat/messages/{message.pk}/", {"message": "hello **all**"}, format="json"
    )
    history = client.get(f"/api/chat/rooms/{course.chat_room.pk}/messages/")

    assert response.status_code == 200
    assert response.json()["html"] == "<p>hello <strong>all</strong></p>"
    [frame] = history.json()["results"]
    assert frame["message"] == "hello **all**"
    assert frame["edited"] is not None
    assert frame["deleted"] is False


def test_deleted_text_is_gone_from_history_and_replays(course, enrolled_student):
    keep = posted(course.chat_room, enrolled_student, "keep")
    gone = posted(course.chat_room, enrolled_student, "regret")
    client = client_for(enrolled_student)

    response = client.delete(f"/api/chat/messages/{gone.pk}/")
    url = f"/api/chat/rooms/{course.chat_room.pk}/messages/"
    latest = client.get(url).json()["results"]
    replay = client.get(url, {"after": keep.pk}).json()["results"]
    single = client.get(f"/api/chat/messages/{gone.pk}/").json()

    assert response.status_code == 204
    for frame in (latest[-1], replay[0], single):
        assert (frame["id"], frame["message"], frame["html"], frame["deleted"]) == (
            gone.pk,
            "",
            "",
            True,
        )
    assert "regret" not in str(latest)


@pytest.mark.parametrize(
    ("body", "status"),
    [
        ({"message": ""}, 400),
        ({"message": "   "}, 400),
        ({"message": "x" * 4001}, 400),
        ({}, 400),
        ({"message": 5}, 200),
    ],
    ids=["empty", "blank", "too long", "missing", "number as text"],
)
def test_bad_edits_are_a_400_and_change_nothing(course, enrolled_student, body, status):
    message = posted(course.chat_room, enrolled_student, "fine")

    response = client_for(enrolled_student).patch(
        f"/api/chat/messages/{message.pk}/", body, format="json"
    )

    assert response.status_code == status
    if status == 400:
        assert state(message) == ("fine", None, None)


@pytest.mark.parametrize("method", ["patch", "delete"])
def test_nobody_changes_someone_elses_message(course, enrolled_student, method):
    classmate = EnrollmentFactory(course=course).student
    message = posted(course.chat_room, enrolled_student, "mine")

    response = getattr(client_for(classmate), method)(
        f"/api/chat/messages/{message.pk}/", {"message": "hacked"}, format="json"
    )

    assert response.status_code == 403
    assert state(message) == ("mine", None, None)


def test_the_instructor_deletes_but_cannot_edit_a_students_message(
    course, enrolled_student
):
    message = posted(course.chat_room, enrolled_student, "spam")
    client = client_for(course.owner)

    edited = client.patch(
        f"/api/chat/messages/{message.pk}/", {"message": "ham"}, format="json"
    )
    deleted = client.delete(f"/api/chat/messages/{message.pk}/")

    assert edited.status_code == 403
    assert deleted.status_code == 204
    assert Message.objects.get(pk=message.pk).deleted_by == course.owner
    shown = client.get(f"/api/chat/messages/{message.pk}/").json()
    assert (shown["deleted"], shown["moderated"]) == (True, True)


def test_an_instructor_of_another_course_moderates_nothing_here(
    course, enrolled_student, other_instructor
):
    message = posted(course.chat_room, enrolled_student, "mine")

    response = client_for(other_instructor).delete(f"/api/chat/messages/{message.pk}/")

    assert response.status_code == 403
    assert state(message) == ("mine", None, None)


def test_editing_a_deleted_message_is_a_400(course, enrolled_student):
    message = posted(course.chat_room, enrolled_student, "gone")
    client = client_for(enrolled_student)
    client.delete(f"/api/chat/messages/{message.pk}/")
    before = state(message)

    edited = client.patch(
        f"/api/chat/messages/{message.pk}/", {"message": "back"}, format="json"
    )
    deleted_again = client.delete(f"/api/chat/messages/{message.pk}/")

    assert (edited.status_code, deleted_again.status_code) == (400, 400)
    assert state(message) == before


def test_outsiders_read_nothing_of_a_message(course, enrolled_student, student):
    message = posted(course.chat_room, enrolled_student, "members only")
    url = f"/api/chat/messages/{message.pk}/"

    assert client_for().get(url).status_code == 401
    assert client_for(student).get(url).status_code == 403
    assert "members only" not in client_for(student).get(url).content.decode()
    assert client_for(student).delete(url).status_code == 403
    assert client_for(enrolled_student).get(
        "/api/chat/messages/99999/"
    ).status_code == (404)
    assert state(message) == ("members only", None, None)


def test_a_deleted_messages_files_are_gone(course, enrolled_student):
    attachment_id = upload(client_for(enrolled_student), course.chat_room).json()["id"]
    send_with(course.chat_room, enrolled_student, attachment_id)
    message = Message.objects.get()

    client_for(enrolled_student).delete(f"/api/chat/messages/{message.pk}/")
    download = client_for(course.owner).get(f"/api/chat/attachments/{attachment_id}/")

    assert download.status_code == 403
    assert not Attachment.objects.exists()


def test_rooms_list_names_my_read_marker_and_first_unread(course, enrolled_student):
    first = posted(course.chat_room, course.owner, "one")
    posted(course.chat_room, course.owner, "two")

    [row] = client_for(enrolled_student).get("/api/chat/rooms/").json()["results"]

    assert row["last_read_message_id"] == 0
    assert row["first_unread_id"] == first.pk
    assert row["last_message"]["name"] == course.owner.name


def test_people_are_those_i_share_a_course_with(course, enrolled_student):
    classmate = EnrollmentFactory(course=course).student
    StudentFactory()  # a stranger
    elsewhere = EnrollmentFactory(course=CourseFactory()).student

    response = client_for(enrolled_student).get("/api/chat/people/")
    found = client_for(enrolled_student).get(
        "/api/chat/people/", {"search": classmate.username}
    )

    ids = {person["id"] for person in response.json()["results"]}
    assert ids == {course.owner.pk, classmate.pk}
    assert elsewhere.pk not in ids
    assert [p["id"] for p in found.json()["results"]] == [classmate.pk]
    assert client_for().get("/api/chat/people/").status_code == 401


@pytest.mark.parametrize("people", [1, 12])
def test_people_query_count_does_not_grow(
    course, enrolled_student, people, django_assert_num_queries
):
    for _ in range(people):
        EnrollmentFactory(course=course)
    client = client_for(enrolled_student)

    with django_assert_num_queries(3):  # user, count, page
        response = client.get("/api/chat/people/")

    assert response.json()["count"] == people + 1


def test_a_group_room_of_classmates_is_created(course, enrolled_student):
    classmate = EnrollmentFactory(course=course).student

    response = client_for(enrolled_student).post(
        "/api/chat/rooms/",
        {"title": "Study group", "member_ids": [classmate.pk, course.owner.pk]},
        format="json",
    )

    assert response.status_code == 201
    room = Room.objects.get(kind=Room.Kind.GROUP)
    assert response.json()["id"] == room.pk
    assert response.json()["title"] == "Study group"
    assert set(room.members.values_list("pk", flat=True)) == {
        enrolled_student.pk,
        classmate.pk,
        course.owner.pk,
    }


@pytest.mark.parametrize(
    "body",
    [
        {"title": "", "member_ids": [1]},
        {"title": "x" * 201, "member_ids": [1]},
        {"title": "Ok", "member_ids": []},
        {"title": "Ok"},
        {"title": "Ok", "member_ids": ["a"]},
    ],
    ids=["no title", "long title", "nobody", "no members", "bad id"],
)
def test_bad_group_rooms_are_a_400_and_create_nothing(course, enrolled_student, body):
    response = client_for(enrolled_student).post(
        "/api/chat/rooms/", body, format="json"
    )

    assert response.status_code == 400
    assert not Room.objects.filter(kind=Room.Kind.GROUP).exists()


def test_a_group_room_with_a_stranger_is_refused(course, enrolled_student):
    stranger = StudentFactory()

    response = client_for(enrolled_student).post(
        "/api/chat/rooms/",
        {"title": "Sneaky", "member_ids": [course.owner.pk, stranger.pk]},
        format="json",
    )

    assert response.status_code == 400
    assert response.json() == {
        "member_ids": ["No one you share a course with has that id."]
    }
    assert not Room.objects.filter(kind=Room.Kind.GROUP).exists()


def test_direct_room_of_others_is_not_readable(course, enrolled_student):
    classmate = EnrollmentFactory(course=course).student
    room, _ = open_direct_room(user=enrolled_student, other=course.owner)
    posted(room, enrolled_student, "private")

    response = client_for(classmate).get(f"/api/chat/rooms/{room.pk}/messages/")

    assert response.status_code == 403
    assert "private" not in response.content.decode()


def test_a_file_named_like_an_image_must_be_one(course, enrolled_student):
    client = client_for(enrolled_student)

    fake = upload(client, course.chat_room, "photo.png", b"<html>not a picture")
    real = client.post(
        f"/api/chat/rooms/{course.chat_room.pk}/attachments/",
        {"file": png_upload("photo.jpg")},
        format="multipart",
    )

    assert fake.status_code == 400
    assert real.status_code == 201
    # A PNG named .jpg is served as what it is, and previewed.
    assert (real.json()["content_type"], real.json()["image"]) == ("image/png", True)
    assert real.json()["name"] == "photo.jpg"
    assert Attachment.objects.count() == 1
