"""Public profiles (with an instructor's courses) and course rosters."""

import pytest
from django.urls import reverse

from tests.factories import CourseFactory, EnrollmentFactory, StudentFactory


def test_a_public_profile_shows_name_bio_and_the_courses_taught(client, instructor):
    instructor.bio = "I teach <b>databases</b>."
    instructor.save(update_fields=["bio"])
    CourseFactory(owner=instructor, title="SQL from scratch")

    page = client.get(f"/people/{instructor.username}/").content.decode()

    assert instructor.name in page
    assert "I teach &lt;b&gt;databases&lt;/b&gt;." in page
    assert "SQL from scratch" in page
    assert instructor.avatar_url(256) in page


def test_a_draft_shows_on_a_public_profile_to_its_instructor_only(client, instructor):
    CourseFactory(owner=instructor, title="Half-written draft", status="draft")
    path = f"/people/{instructor.username}/"

    seen_by_others = client.get(path).content.decode()
    client.force_login(instructor)
    seen_by_owner = client.get(path).content.decode()

    assert "Half-written draft" not in seen_by_others
    assert "Half-written draft" in seen_by_owner


def test_an_inactive_or_unknown_person_has_no_profile(client, db):
    gone = StudentFactory(is_active=False)

    assert client.get(f"/people/{gone.username}/").status_code == 404
    assert client.get("/people/nobody-at-all/").status_code == 404


@pytest.mark.parametrize("students", [1, 4])
def test_the_roster_lists_the_course_people_in_constant_queries(
    client, course, students, django_assert_num_queries
):
    people = [EnrollmentFactory(course=course).student for _ in range(students)]
    client.force_login(people[0])

    with django_assert_num_queries(8):  # one more: whom I may message
        page = client.get(f"/course/{course.pk}/people/").content.decode()

    for person in [course.owner, *people]:
        assert person.name in page
        assert person.avatar_url(64) in page


def test_the_roster_is_refused_to_people_outside_the_course(client, course, student):
    client.force_login(student)

    assert client.get(f"/course/{course.pk}/people/").status_code == 403


def test_my_public_profile_and_my_learning_link_each_other(client, student):
    client.force_login(student)
    public = reverse("person", args=[student.username])

    person_page = client.get(public).content.decode()
    learning_page = client.get(reverse("student_profile")).content.decode()

    assert f'· <a href="{reverse("student_profile")}">My learning</a>' in person_page
    assert f'href="{public}">Public profile</a>' in learning_page


def test_someone_elses_profile_has_no_link_to_my_learning(client, student):
    client.force_login(student)

    html = client.get(reverse("person", args=[StudentFactory().username]))

    assert "· <a href" not in html.content.decode()
