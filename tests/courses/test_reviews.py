"""Ratings and reviews: enrolled students rate 1-5 once each (and may change
it); everyone sees the average and count; the instructor hears of them."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from rest_framework.test import APIClient
from rest_framework_simplejwt.tokens import RefreshToken

from educa.courses.models import Review
from educa.courses.services import review_course, unpublish_course, update_course
from educa.realtime.models import Notification
from tests.factories import (
    CourseFactory,
    EnrollmentFactory,
    InstructorFactory,
    ModuleFactory,
    ReviewFactory,
    StudentFactory,
    png_upload,
)
from tests.roles import sign_in

pytestmark = pytest.mark.django_db


def _api(user=None) -> APIClient:
    client = APIClient()
    if user is not None:
        token = RefreshToken.for_user(user).access_token
        client.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    return client


def test_an_enrolled_student_rates_a_course(course, enrolled_student):
    review = review_course(
        student=enrolled_student, course=course, rating=5, text="  Superb.  "
    )

    assert (review.rating, review.text) == (5, "Superb.")


def test_rating_again_changes_the_one_review(course, enrolled_student):
    review_course(student=enrolled_student, course=course, rating=2)

    review_course(student=enrolled_student, course=course, rating=4, text="Better")

    assert list(Review.objects.values_list("rating", "text")) == [(4, "Better")]


@pytest.mark.parametrize("who", ["student", "other_instructor", "owner"])
def test_only_enrolled_students_may_review(course, who):
    user = {
        "student": StudentFactory,
        "other_instructor": InstructorFactory,
        "owner": lambda: course.owner,
    }[who]()

    with pytest.raises(PermissionDenied):
        review_course(student=user, course=course, rating=5)

    assert not Review.objects.exists()


@pytest.mark.parametrize("rating", [0, 6, -1])
def test_a_rating_outside_1_to_5_is_refused(course, enrolled_student, rating):
    with pytest.raises(ValidationError):
        review_course(student=enrolled_student, course=course, rating=rating)

    assert not Review.objects.exists()


def test_the_instructor_hears_of_a_new_review_only(course, enrolled_student):
    review_course(student=enrolled_student, course=course, rating=5)
    review_course(student=enrolled_student, course=course, rating=4)

    (notification,) = Notification.objects.filter(user=course.owner)
    assert notification.kind == "course.reviewed"
    assert notification.payload == {
        "type": "course.reviewed",
        "course_id": course.pk,
        "course_title": course.title,
        "actor_name": enrolled_student.name,
        "rating": 5,
        "url": course.get_absolute_url(),
    }


def test_a_student_of_an_unpublished_course_may_still_review_it(
    course, enrolled_student
):
    unpublish_course(course=course, by=course.owner)

    review_course(student=enrolled_student, course=course, rating=3)

    assert Review.objects.count() == 1


def test_the_course_page_shows_the_average_count_and_reviews(client, course):
    ReviewFactory(course=course, rating=5, text="Loved <b>it</b>")
    ReviewFactory(course=course, rating=4, text="")

    html = client.get(course.get_absolute_url()).content.decode()

    assert "<strong>4.5</strong>" in html
    assert "(2 ratings)" in html
    assert "Loved &lt;b&gt;it&lt;/b&gt;" in html
    assert "★★★★★" in html


def test_the_catalog_shows_the_average_and_count(client, course):
    ReviewFactory(course=course, rating=3)
    CourseFactory(title="Unrated")

    html = client.get(reverse("course_list")).content.decode()

    assert '<strong>3.0</strong> <span class="count">(1 rating)</span>' in html
    assert "No ratings yet" in html


def test_a_student_rates_on_the_course_page(client, course, enrolled_student):
    client.force_login(enrolled_student)

    response = client.post(
        reverse("course_review", args=[course.pk]), {"rating": "4", "text": "Good"}
    )

    assert response.status_code == 302
    assert response["Location"] == f"{course.get_absolute_url()}#reviews"
    assert Review.objects.get().rating == 4
    page = client.get(course.get_absolute_url())
    assert page.context["own_review"].text == "Good"
    assert "Update review" in page.content.decode()


@pytest.mark.parametrize("rating", ["0", "6", "five", ""])
def test_a_bad_rating_on_the_page_is_refused_with_a_message(
    client, course, enrolled_student, rating
):
    client.force_login(enrolled_student)

    response = client.post(
        reverse("course_review", args=[course.pk]), {"rating": rating}, follow=True
    )

    assert "Review not saved" in response.content.decode()
    assert not Review.objects.exists()


@pytest.mark.parametrize(
    ("role", "status"),
    [("anonymous", 302), ("student", 403), ("other_instructor", 403), ("owner", 403)],
)
def test_people_not_enrolled_cannot_review_on_the_page(client, course, role, status):
    sign_in(client, role, course)

    response = client.post(reverse("course_review", args=[course.pk]), {"rating": 5})

    assert response.status_code == status
    assert not Review.objects.exists()


def test_the_review_form_is_only_offered_to_students(client, course):
    sign_in(client, "student", course)

    html = client.get(course.get_absolute_url()).content.decode()

    assert reverse("course_review", args=[course.pk]) not in html


def test_a_student_withdraws_only_their_own_review(client, course):
    theirs = ReviewFactory(course=course)
    mine = ReviewFactory(course=course)
    client.force_login(mine.student)

    client.post(reverse("course_review_delete", args=[course.pk]))

    assert list(Review.objects.all()) == [theirs]


def test_the_api_writes_reads_and_withdraws_the_students_own_review(
    course, enrolled_student
):
    api = _api(enrolled_student)

    written = api.post(
        f"/api/courses/{course.pk}/review/", {"rating": 5, "text": "Yes"}, "json"
    )
    changed = api.post(f"/api/courses/{course.pk}/review/", {"rating": 3}, "json")
    read = api.get(f"/api/courses/{course.pk}/review/")
    listed = _api().get(f"/api/courses/{course.pk}/reviews/")
    withdrawn = api.delete(f"/api/courses/{course.pk}/review/")

    assert written.status_code == 200
    assert written.json()["id"] == changed.json()["id"]
    assert (read.json()["rating"], read.json()["text"]) == (3, "")
    assert read.json()["student"] == {
        "id": enrolled_student.pk,
        "name": enrolled_student.name,
    }
    assert listed.json()["count"] == 1
    assert withdrawn.status_code == 204
    assert not Review.objects.exists()


@pytest.mark.parametrize(
    ("role", "status"), [("anonymous", 401), ("student", 403), ("owner", 403)]
)
def test_the_api_refuses_reviews_from_people_not_enrolled(course, role, status):
    user = {"anonymous": None, "student": StudentFactory(), "owner": course.owner}[role]

    response = _api(user).post(
        f"/api/courses/{course.pk}/review/", {"rating": 5}, "json"
    )

    assert response.status_code == status
    assert not Review.objects.exists()


@pytest.mark.parametrize("body", [{"rating": 9}, {"rating": "x"}, {}, {"text": 1}])
def test_the_api_answers_a_bad_review_with_a_400(course, enrolled_student, body):
    response = _api(enrolled_student).post(
        f"/api/courses/{course.pk}/review/", body, "json"
    )

    assert response.status_code == 400
    assert not Review.objects.exists()


def test_the_api_has_no_review_to_read_before_one_is_written(course, enrolled_student):
    response = _api(enrolled_student).get(f"/api/courses/{course.pk}/review/")

    assert response.status_code == 404


def test_the_api_list_carries_the_average_and_count(course):
    ReviewFactory(course=course, rating=2)
    ReviewFactory(course=course, rating=5)

    (listed,) = _api().get("/api/courses/").json()["results"]

    assert (listed["average_rating"], listed["total_reviews"]) == (3.5, 2)


def _rated_courses_with_covers(count: int) -> None:
    for number in range(count):
        course = CourseFactory(title=f"Rated {number}")
        ModuleFactory(course=course)
        ReviewFactory(course=course, rating=1 + number % 5)
        EnrollmentFactory(course=course)
        update_course(course=course, by=course.owner, cover=png_upload())


@pytest.mark.parametrize("courses", [1, 9])
def test_the_catalog_page_with_ratings_and_covers_takes_fixed_queries(
    client, django_assert_num_queries, courses
):
    _rated_courses_with_covers(courses)

    # the cache generation, count, the page of courses (with counts, rating
    # and covers), the subjects with their counts
    with django_assert_num_queries(4):
        response = client.get(reverse("course_list"), {"sort": "rating"})

    page = response.context["page"]
    assert len(page.courses) == courses
    assert all(course.cover_thumbnail for course in page.courses)
    assert response.content.decode().count('<img class="cover"') == courses


@pytest.mark.parametrize("courses", [1, 9])
def test_the_api_list_with_ratings_and_covers_takes_fixed_queries(
    django_assert_num_queries, courses
):
    _rated_courses_with_covers(courses)

    # the cache generation, count, the page of courses, their modules
    with django_assert_num_queries(4):
        response = _api().get("/api/courses/", {"ordering": "-rating"})

    results = response.json()["results"]
    assert len(results) == courses
    assert all(course["cover_thumbnail"].endswith(".jpg") for course in results)
    assert all(course["average_rating"] is not None for course in results)
