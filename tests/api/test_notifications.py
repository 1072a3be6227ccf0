"""`/api/notifications/`: the list and marking read."""

import pytest
from rest_framework.test import APIClient
from rest_framework_simplejwt.tokens import AccessToken

from educa.courses.services import enroll
from educa.realtime.models import Notification
from educa.realtime.notify import notify_user


def client_for(user=None) -> APIClient:
    client = APIClient()
    if user is not None:
        client.credentials(HTTP_AUTHORIZATION=f"Bearer {AccessToken.for_user(user)}")
    return client


def test_my_notifications_newest_first(student, instructor):
    older = notify_user(student.pk, {"type": "one"})
    newer = notify_user(student.pk, {"type": "two"})
    notify_user(instructor.pk, {"type": "not mine"})

    response = client_for(student).get("/api/notifications/")

    body = response.json()
    assert body["count"] == 2
    assert [n["id"] for n in body["results"]] == [newer.pk, older.pk]
    assert body["results"][0]["kind"] == "two"
    assert body["results"][0]["payload"] == {"type": "two"}
    assert body["results"][0]["read"] is False
    # An unknown kind without text of its own gets the default sentence.
    assert body["results"][0]["text"] == "You have a new notification."
    assert body["results"][0]["url"] is None


def test_a_notification_reads_as_a_sentence_linking_to_what_it_is_about(
    course, student
):
    """The instructor hears of a new student: "<name> enrolled in <course>",
    linking to the course."""
    enroll(student=student, course=course)

    [row] = client_for(course.owner).get("/api/notifications/").json()["results"]

    assert row["kind"] == "enrollment.created"
    assert row["text"] == f"{student.name} enrolled in {course.title}"
    assert row["url"] == course.get_absolute_url()


@pytest.mark.parametrize(
    "url", ["https://evil.example/", "//evil.example/x", "/\\evil.example", 42]
)
def test_a_notification_links_only_to_a_path_on_this_site(student, url):
    notify_user(student.pk, {"type": "custom", "text": "Look", "url": url})

    [row] = client_for(student).get("/api/notifications/").json()["results"]

    assert row["text"] == "Look"
    assert row["url"] is None


def test_notifications_need_authentication():
    assert client_for().get("/api/notifications/").status_code == 401
    assert client_for().post("/api/notifications/read/").status_code == 401


@pytest.mark.parametrize("count", [1, 15])
def test_notifications_query_count_does_not_grow(
    student, count, django_assert_num_queries
):
    for n in range(count):
        notify_user(student.pk, {"type": f"n{n}"})
    client = client_for(student)

    with django_assert_num_queries(3):  # user, count, page
        response = client.get("/api/notifications/")

    assert len(response.json()["results"]) == count


def test_marking_some_read_leaves_the_rest_unread(student, instructor):
    first = notify_user(student.pk, {"type": "one"})
    notify_user(student.pk, {"type": "two"})
    theirs = notify_user(instructor.pk, {"type": "theirs"})

    response = client_for(student).post(
        "/api/notifications/read/", {"ids": [first.pk, theirs.pk]}, format="json"
    )

    assert response.json() == {"unread": 1}
    assert list(
        Notification.objects.filter(read_at__isnull=False).values_list("pk", flat=True)
    ) == [first.pk]
    unread_only = client_for(student).get("/api/notifications/", {"unread": "true"})
    assert [n["kind"] for n in unread_only.json()["results"]] == ["two"]


def test_marking_all_read(student):
    notify_user(student.pk, {"type": "one"})
    notify_user(student.pk, {"type": "two"})

    response = client_for(student).post("/api/notifications/read/", {}, format="json")

    assert response.json() == {"unread": 0}


def test_bad_read_request_is_a_400_and_changes_nothing(student):
    notify_user(student.pk, {"type": "one"})

    response = client_for(student).post(
        "/api/notifications/read/", {"ids": "all"}, format="json"
    )

    assert response.status_code == 400
    assert Notification.objects.filter(read_at__isnull=True).count() == 1
