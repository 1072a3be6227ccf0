"""Notifications read as sentences that link where they are about: the same
words and link on the pages, in the REST API and in the live frame; opening
one marks it read; a page lists them all."""

import pytest
from rest_framework.test import APIClient
from rest_framework_simplejwt.tokens import AccessToken

from educa.chat.services import create_group_room, open_direct_room, post_message
from educa.courses.services import add_content, enroll, review_course
from educa.realtime.models import Notification
from educa.realtime.notify import notify_user
from educa.realtime.selectors import notification_frame, notification_text
from tests.factories import EnrollmentFactory, ModuleFactory, StudentFactory


def api_for(user) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {AccessToken.for_user(user)}")
    return client


def test_enrollment_reads_as_a_sentence_linking_to_the_course(course):
    grace = StudentFactory(display_name="Grace Hopper")

    enroll(student=grace, course=course)

    notification = Notification.objects.get()
    [listed] = api_for(course.owner).get("/api/notifications/").json()["results"]
    frame = notification_frame(notification, unread=1)
    sentence = f"Grace Hopper enrolled in {course.title}"
    assert (listed["text"], listed["url"]) == (sentence, f"/course/{course.slug}/")
    assert (frame["text"], frame["url"]) == (sentence, f"/course/{course.slug}/")


def test_a_new_review_reads_as_a_sentence_linking_to_the_course(
    course, enrolled_student
):
    enrolled_student.display_name = "Grace Hopper"
    enrolled_student.save(update_fields=["display_name"])
    Notification.objects.all().delete()

    review_course(student=enrolled_student, course=course, rating=4, text="")

    notification = Notification.objects.get(kind="course.reviewed")
    assert notification_text(notification) == (
        f"Grace Hopper rated {course.title} 4 out of 5"
    )
    assert notification.payload["url"] == f"/course/{course.slug}/"


def test_a_mention_reads_with_who_where_and_what(course, enrolled_student):
    alan = EnrollmentFactory(course=course, student__display_name="Alan Turing").student

    message, _ = post_message(
        room=course.chat_room,
        sender=alan,
        body=f"@{enrolled_student.username} look at <this> & that",
    )

    notification = Notification.objects.get(kind="chat.mention")
    assert notification_text(notification) == (
        f"Alan Turing mentioned you in {course.title}: "
        f"“@{enrolled_student.username} look at <this> & that”"
    )
    assert notification.payload["url"] == (
        f"/chat/{course.chat_room.pk}/#message-{message.pk}"
    )


def test_direct_messages_new_content_and_groups_read_as_sentences(
    course, enrolled_student
):
    room, _ = open_direct_room(user=course.owner, other=enrolled_student)
    post_message(room=room, sender=course.owner, body="psst")
    module = ModuleFactory(course=course)
    add_content(module=module, by=course.owner, kind="text", title="Loops", content="c")
    create_group_room(by=course.owner, title="Helpers", members=[enrolled_student])

    texts = {
        n.kind: (notification_text(n), n.payload["url"])
        for n in Notification.objects.filter(user=enrolled_student)
    }

    assert texts == {
        "chat.direct_message": (
            f"{course.owner.name} wrote to you: “psst”",
            f"/chat/{room.pk}/#message-{room.messages.get().pk}",
        ),
        "course.content_added": (
            f"New in {course.title}: Loops",
            f"/students/course/{course.pk}/{module.pk}/",
        ),
        "chat.group_added": (
            f"{course.owner.name} added you to the group “Helpers”",
            f"/chat/{room.pk + 1}/",
        ),
    }


@pytest.mark.parametrize(
    ("payload", "text"),
    [
        ({"type": "mystery.event"}, "You have a new notification."),
        (
            {"type": "mystery.event", "text": "Something <b>happened</b>"},
            "Something <b>happened</b>",
        ),
        ({"type": "../../etc/passwd"}, "You have a new notification."),
    ],
)
def test_unknown_kinds_get_the_generic_sentence(student, payload, text):
    notification = notify_user(student.pk, payload)

    assert notification_text(notification) == text


@pytest.mark.parametrize(
    "url", ["https://evil.example/", "//evil.example/", "javascript:alert(1)", 5]
)
def test_a_link_off_the_site_is_never_followed(client, student, url):
    notification = notify_user(student.pk, {"type": "x.y", "url": url})
    client.force_login(student)

    response = client.get(f"/notifications/{notification.pk}/")

    assert response.status_code == 302
    assert response["Location"] == "/notifications/"


def test_opening_a_notification_marks_it_read_and_goes_where_it_links(
    client, course, student
):
    enroll(student=student, course=course)
    notification = Notification.objects.get()
    client.force_login(course.owner)

    response = client.get(f"/notifications/{notification.pk}/")

    assert response.status_code == 302
    assert response["Location"] == f"/course/{course.slug}/"
    notification.refresh_from_db()
    assert notification.read_at is not None


def test_nobody_opens_someone_elses_notification(client, course, student):
    enroll(student=student, course=course)
    notification = Notification.objects.get()
    client.force_login(student)

    response = client.get(f"/notifications/{notification.pk}/")

    assert response.status_code == 404
    notification.refresh_from_db()
    assert notification.read_at is None


@pytest.mark.parametrize("count", [3, 25])
def test_the_notifications_page_lists_sentences_page_by_page(
    client, student, count, django_assert_num_queries
):
    for n in range(count):
        notify_user(student.pk, {"type": "x.y", "text": f"Event {n}"})
    client.force_login(student)

    # session, user, count, page, the header's two permission lookups
    with django_assert_num_queries(6):
        response = client.get("/notifications/")

    html = response.content.decode()
    assert html.count('class="notification unread"') == min(count, 20)
    assert f"Event {count - 1}" in html
    assert ("Page 1 of 2" in html) == (count > 20)


def test_mark_all_read_needs_a_post_and_clears_only_mine(client, student, instructor):
    mine = [notify_user(student.pk, {"type": "x.y"}) for _ in range(3)]
    theirs = notify_user(instructor.pk, {"type": "x.y"})
    client.force_login(student)

    assert client.get("/notifications/read/").status_code == 405
    response = client.post("/notifications/read/")

    assert response.status_code == 302
    assert not Notification.objects.filter(
        pk__in=[n.pk for n in mine], read_at__isnull=True
    ).exists()
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_notification_pages_need_signing_in(client, student):
    notification = notify_user(student.pk, {"type": "x.y"})

    for url in ["/notifications/", f"/notifications/{notification.pk}/"]:
        assert client.get(url)["Location"].startswith("/accounts/login/")
    notification.refresh_from_db()
    assert notification.read_at is None
