"""The roster page: the course's instructor sees who takes the course, since
when, how far each student is and how they rated it, and can message them."""

import pytest
from django.urls import reverse

from educa.learning.services import complete_content
from tests.factories import EnrollmentFactory, ModuleFactory, ReviewFactory
from tests.factories import add_content as add_item
from tests.roles import sign_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def course_contents(course):
    module = ModuleFactory(course=course)
    return [add_item(module), add_item(module, "video"), add_item(module)]


def roster(client, course):
    return client.get(reverse("course_roster", args=[course.pk]))


def test_the_roster_lists_students_with_date_progress_and_rating(
    client, course, course_contents
):
    grace = EnrollmentFactory(course=course, student__display_name="Grace Hopper")
    ReviewFactory(course=course, student=grace.student, rating=5)
    linus = EnrollmentFactory(course=course, student__display_name="Linus Torvalds")
    ada = EnrollmentFactory(course=course, student__display_name="Ada Lovelace")
    complete_content(student=linus.student, content=course_contents[0])
    for content in course_contents:
        complete_content(student=ada.student, content=content)
    client.force_login(course.owner)

    response = roster(client, course)

    html = response.content.decode()
    rows = [
        (e.student.name, e.completed, e.contents_total, e.percent, e.rating)
        for e in response.context["page"].object_list
    ]
    assert rows == [
        ("Grace Hopper", 0, 3, 0, 5),
        ("Linus Torvalds", 1, 3, 33, None),
        ("Ada Lovelace", 3, 3, 100, None),
    ]
    [done] = [e for e in response.context["page"].object_list if e.percent == 100]
    assert done.completed_at == ada.student.certificates.get().issued_at
    assert "3 students enrolled." in html
    assert grace.enrolled_at.strftime("%-d %b %Y") in html
    assert 'aria-label="Linus Torvalds" aria-valuemin="0"' in html
    assert "1 of 3 done" in html
    assert f'completed <time datetime="{done.completed_at.isoformat()}' in html


def test_a_course_without_contents_shows_no_progress(client, course):
    EnrollmentFactory(course=course)
    client.force_login(course.owner)

    [row] = roster(client, course).context["page"].object_list

    assert (row.completed, row.contents_total, row.percent) == (0, 0, 0)


def test_each_row_links_the_profile_and_messages_the_student(client, course):
    enrollment = EnrollmentFactory(course=course)
    client.force_login(course.owner)

    html = roster(client, course).content.decode()

    action = reverse("chat_start_direct", args=[enrollment.student_id])
    assert f'<form method="post" action="{action}"' in html
    assert reverse("person", args=[enrollment.student.username]) in html


def test_the_message_button_opens_a_direct_room(client, course):
    enrollment = EnrollmentFactory(course=course)
    client.force_login(course.owner)

    response = client.post(reverse("chat_start_direct", args=[enrollment.student_id]))

    assert response.status_code == 302
    assert response["Location"].startswith("/chat/")


@pytest.mark.parametrize(
    ("role", "status"),
    [
        ("anonymous", 302),
        ("student", 403),
        ("enrolled", 403),
        ("other_instructor", 404),
    ],
)
def test_the_roster_is_for_the_courses_instructor_only(
    client, course, course_contents, role, status
):
    EnrollmentFactory(course=course, student__display_name="Private Person")
    sign_in(client, role, course)

    response = roster(client, course)

    assert response.status_code == status
    assert "Private Person" not in response.content.decode()
    assert "of 3 done" not in response.content.decode()


def test_the_roster_of_an_unknown_course_is_not_found(client, instructor):
    client.force_login(instructor)

    assert client.get(reverse("course_roster", args=[987654])).status_code == 404


@pytest.mark.parametrize("students", [1, 200])
def test_the_roster_takes_fixed_queries(
    client, course, course_contents, django_assert_num_queries, students
):
    for enrollment in EnrollmentFactory.create_batch(students, course=course):
        ReviewFactory(course=course, student=enrollment.student)
    complete_content(student=enrollment.student, content=course_contents[0])
    client.force_login(course.owner)
    roster(client, course)

    # session, user, their permissions (2), the course, count, the page of
    # enrollments with students, ratings and progress
    with django_assert_num_queries(7):
        response = roster(client, course)

    assert len(response.context["page"].object_list) == min(students, 50)
