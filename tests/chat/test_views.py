"""The room page `/chat/room/<course_id>/`, any room `/chat/<id>/`, the inbox."""

import pytest

from educa.chat.editing import edit_message
from educa.chat.models import Room
from educa.chat.services import open_direct_room, post_message
from educa.realtime.notify import notify_user
from tests.factories import EnrollmentFactory, StudentFactory


def say(room, user, *bodies):
    return [post_message(room=room, sender=user, body=b)[0] for b in bodies]


def test_member_sees_recent_history_escaped(client, course, enrolled_student):
    say(course.chat_room, course.owner, "<img src=x onerror=alert(1)>")
    client.force_login(enrolled_student)

    response = client.get(f"/chat/room/{course.pk}/")

    html = response.content.decode()
    assert response.status_code == 200
    [frame] = response.context["history"]
    assert frame["message"] == "<img src=x onerror=alert(1)>"
    assert frame["html"] == "<p>&lt;img src=x onerror=alert(1)&gt;</p>"
    assert "<img src=x" not in html
    assert f'"socket": "/ws/chat/{course.chat_room.pk}/"' in html
    assert "js/chat.js" in html


def test_instructor_enters_their_course_room(client, course):
    client.force_login(course.owner)

    assert client.get(f"/chat/room/{course.pk}/").status_code == 200


@pytest.mark.parametrize("who", ["student", "other_instructor"])
def test_non_members_are_refused_the_room_page(client, course, who, request):
    say(course.chat_room, course.owner, "members only")
    client.force_login(request.getfixturevalue(who))

    response = client.get(f"/chat/room/{course.pk}/")

    assert response.status_code == 403
    assert "members only" not in response.content.decode()


def test_anonymous_visitor_is_sent_to_log_in(client, course):
    response = client.get(f"/chat/room/{course.pk}/")

    assert response.status_code == 302
    assert response["Location"] == f"/accounts/login/?next=/chat/room/{course.pk}/"


def test_unknown_course_is_a_404(client, student):
    client.force_login(student)

    assert client.get("/chat/room/99999/").status_code == 404


@pytest.mark.parametrize("count", [1, 25])
def test_room_page_query_count_does_not_grow(
    client, course, enrolled_student, count, django_assert_num_queries
):
    say(course.chat_room, course.owner, *["hello"] * count)
    client.force_login(enrolled_student)

    # session, user, the room with its course, the enrollment, the room's
    # title and unread count, its latest change number, messages,
    # attachments, and the header's two permission lookups (is the user an
    # instructor?)
    with django_assert_num_queries(10):
        response = client.get(f"/chat/room/{course.pk}/")

    assert len(response.context["history"]) == count


def test_direct_room_page_for_its_two_people_only(client, course, enrolled_student):
    student, instructor = enrolled_student, course.owner
    room, _ = open_direct_room(user=student, other=instructor)
    say(room, student, "just us")
    client.force_login(instructor)
    seen = client.get(f"/chat/{room.pk}/")
    client.force_login(StudentFactory())

    refused = client.get(f"/chat/{room.pk}/")

    assert seen.status_code == 200
    assert [m["message"] for m in seen.context["history"]] == ["just us"]
    assert refused.status_code == 403


@pytest.mark.parametrize("rooms", [1, 5])
def test_inbox_lists_rooms_with_unread_badges(
    client, course, enrolled_student, rooms, django_assert_num_queries
):
    student = enrolled_student
    for _ in range(rooms):
        other = EnrollmentFactory(course=course).student
        room, _ = open_direct_room(user=student, other=other)
        say(room, other, "ping", "pong")
    notify_user(student.pk, {"type": "chat.direct_message", "excerpt": "ping"})
    client.force_login(student)

    # session, user, rooms, notifications, and the header's two permission lookups
    with django_assert_num_queries(6):
        response = client.get("/chat/")

    html = response.content.decode()
    # The course room too, where nobody has said anything yet.
    assert html.count('aria-label="2 unread"') == rooms
    assert html.count('class="room-row') == rooms + 1
    assert "wrote to you: “ping”" in html


def test_header_has_the_live_bell_for_signed_in_people_only(client, student):
    anonymous = client.get("/").content.decode()
    client.force_login(student)

    signed_in = client.get("/").content.decode()

    assert 'id="notification-bell"' not in anonymous
    assert 'id="notification-bell"' in signed_in
    assert "js/realtime.js" in signed_in


def test_starting_a_direct_message_opens_the_room_with_that_person(
    client, course, enrolled_student
):
    client.force_login(enrolled_student)

    response = client.post(f"/chat/direct/{course.owner.pk}/")

    direct = Room.objects.get(kind=Room.Kind.DIRECT)
    assert response.status_code == 302
    assert response["Location"] == f"/chat/{direct.pk}/"
    assert set(direct.members.values_list("pk", flat=True)) == {
        enrolled_student.pk,
        course.owner.pk,
    }
    assert client.post(f"/chat/direct/{course.owner.pk}/")["Location"] == (
        f"/chat/{direct.pk}/"
    )
    assert Room.objects.filter(kind=Room.Kind.DIRECT).count() == 1


@pytest.mark.parametrize("target", ["stranger", "unknown"])
def test_no_direct_message_with_someone_who_shares_no_course(
    client, enrolled_student, target
):
    stranger = StudentFactory()
    client.force_login(enrolled_student)
    user_id = stranger.pk if target == "stranger" else 99999

    response = client.post(f"/chat/direct/{user_id}/")

    assert response.status_code == 404
    assert not Room.objects.filter(kind=Room.Kind.DIRECT).exists()


def test_starting_a_direct_message_needs_a_post_and_a_signed_in_person(
    client, course, enrolled_student
):
    assert client.post(f"/chat/direct/{course.owner.pk}/").status_code == 302
    client.force_login(enrolled_student)

    assert client.get(f"/chat/direct/{course.owner.pk}/").status_code == 405
    assert not Room.objects.filter(kind=Room.Kind.DIRECT).exists()


@pytest.mark.parametrize("people", [2, 15])
def test_new_conversation_lists_only_people_i_share_a_course_with(
    client, course, enrolled_student, people, django_assert_num_queries
):
    classmates = [EnrollmentFactory(course=course).student for _ in range(people)]
    stranger = StudentFactory(display_name="Stranger Danger")
    client.force_login(enrolled_student)

    # session, user, count, page, the header's two permission lookups
    with django_assert_num_queries(6):
        response = client.get("/chat/new/")

    html = response.content.decode()
    assert html.count('class="person"') == min(people + 1, 20)
    assert course.owner.name in html
    assert stranger.name not in html
    assert f'action="/chat/direct/{classmates[0].pk}/"' in html or people > 19


def test_new_conversation_searches_names(client, course, enrolled_student):
    EnrollmentFactory(course=course, student__display_name="Ada Lovelace")
    EnrollmentFactory(course=course, student__display_name="Alan Turing")
    client.force_login(enrolled_student)

    html = client.get("/chat/new/", {"q": "lovel"}).content.decode()

    assert "Ada Lovelace" in html
    assert "Alan Turing" not in html


def test_making_a_group_room_from_the_page(client, course, enrolled_student):
    classmate = EnrollmentFactory(course=course).student
    client.force_login(enrolled_student)

    response = client.post(
        "/chat/new/", {"title": "Study group", "members": [classmate.pk]}
    )

    group = Room.objects.get(kind=Room.Kind.GROUP)
    assert response["Location"] == f"/chat/{group.pk}/"
    assert group.title == "Study group"
    assert set(group.members.values_list("pk", flat=True)) == {
        enrolled_student.pk,
        classmate.pk,
    }


@pytest.mark.parametrize(
    "form",
    [{"title": "", "members": ["1"]}, {"title": "x"}, {"title": "x", "members": ["a"]}],
    ids=["no title", "nobody", "bad id"],
)
def test_a_bad_group_room_form_creates_nothing(client, enrolled_student, form):
    client.force_login(enrolled_student)

    response = client.post("/chat/new/", form, follow=True)

    assert response.status_code == 200
    assert not Room.objects.filter(kind=Room.Kind.GROUP).exists()
    assert response.redirect_chain[-1][0] == "/chat/new/"


def test_a_group_room_with_a_stranger_is_refused_on_the_page(
    client, course, enrolled_student
):
    stranger = StudentFactory()
    client.force_login(enrolled_student)

    response = client.post(
        "/chat/new/", {"title": "Sneaky", "members": [stranger.pk]}, follow=True
    )

    assert "No one you share a course with has that id." in response.content.decode()
    assert not Room.objects.filter(kind=Room.Kind.GROUP).exists()


def test_the_inbox_previews_show_display_names(client, course, enrolled_student):
    say(course.chat_room, course.owner, "Welcome")
    client.force_login(enrolled_student)

    html = client.get("/chat/").content.decode()

    assert f'<span class="preview-name">{course.owner.name}</span>' in html
    assert (
        course.owner.username not in html.split('id="room-list"')[1].split("</ul>")[0]
    )


def test_the_room_page_tells_the_page_where_unread_starts(
    client, course, enrolled_student
):
    first, _ = say(course.chat_room, course.owner, "one", "two")
    client.force_login(enrolled_student)

    config = client.get(f"/chat/room/{course.pk}/").context["chat_config"]

    assert config["firstUnreadId"] == first.pk
    assert config["lastRead"] == 0
    assert config["moderator"] is False
    client.force_login(course.owner)
    assert client.get(f"/chat/room/{course.pk}/").context["chat_config"]["moderator"]


def test_the_header_shows_two_labelled_counts(client, student):
    client.force_login(student)

    html = client.get("/").content.decode()

    assert 'id="messages-link"' in html
    assert 'aria-label="Messages"' in html
    assert 'id="notification-bell"' in html
    assert 'href="/notifications/"' in html


def test_nul_characters_in_searches_and_titles_are_harmless(
    client, course, enrolled_student
):
    classmate = EnrollmentFactory(course=course).student
    client.force_login(enrolled_student)

    search = client.get("/chat/new/", {"q": "a\x00b"})
    group = client.post(
        "/chat/new/", {"title": "bad\x00title", "members": [classmate.pk]}
    )

    assert search.status_code == 200
    assert group.status_code == 302
    assert not Room.objects.filter(kind=Room.Kind.GROUP).exists()


def test_room_page_gives_the_socket_its_change_cursor(client, course, enrolled_student):
    [message] = say(course.chat_room, enrolled_student, "helo")
    edit_message(message=message, by=enrolled_student, body="hello")
    client.force_login(enrolled_student)

    response = client.get(f"/chat/room/{course.pk}/")

    assert response.context["chat_config"]["changes"] == 1
