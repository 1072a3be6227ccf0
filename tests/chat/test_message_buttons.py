"""The "Message" button on a person's profile and on a course's people page:
shown only to whom `chat_start_direct` would let write to that person, and
it opens the direct room."""

import pytest
from django.urls import reverse

from educa.chat.models import Room
from tests.factories import CourseFactory, EnrollmentFactory, StudentFactory


def _button(person) -> str:
    return f'action="{reverse("chat_start_direct", args=[person.pk])}"'


def test_a_profile_offers_a_message_to_someone_who_shares_a_course(
    client, course, enrolled_student
):
    client.force_login(enrolled_student)

    page = client.get(reverse("person", args=[course.owner.username])).content

    assert _button(course.owner) in page.decode()


def test_a_profile_offers_no_message_to_a_stranger_anonymous_or_oneself(
    client, course, enrolled_student, student
):
    profile = reverse("person", args=[enrolled_student.username])

    anonymous = client.get(profile).content.decode()
    client.force_login(student)  # enrolled in nothing
    stranger = client.get(profile).content.decode()
    client.force_login(enrolled_student)
    themselves = client.get(profile).content.decode()

    for page in (anonymous, stranger, themselves):
        assert enrolled_student.name in page
        assert _button(enrolled_student) not in page


def test_the_message_button_on_a_profile_opens_the_direct_room(
    client, course, enrolled_student
):
    client.force_login(course.owner)
    profile = reverse("person", args=[enrolled_student.username])
    assert _button(enrolled_student) in client.get(profile).content.decode()

    response = client.post(reverse("chat_start_direct", args=[enrolled_student.pk]))

    direct = Room.objects.get(kind=Room.Kind.DIRECT)
    assert response["Location"] == reverse("chat_room", args=[direct.pk])
    assert set(direct.members.values_list("pk", flat=True)) == {
        course.owner.pk,
        enrolled_student.pk,
    }


@pytest.mark.parametrize("students", [1, 5])
def test_the_course_people_page_offers_a_message_to_everyone_but_me(
    client, course, students, django_assert_num_queries
):
    people = [EnrollmentFactory(course=course).student for _ in range(students)]
    client.force_login(people[0])

    with django_assert_num_queries(8):
        page = client.get(reverse("course_people", args=[course.pk])).content

    assert _button(people[0]) not in page.decode()
    for person in [course.owner, *people[1:]]:
        assert _button(person) in page.decode()


def test_the_course_people_page_button_writes_to_a_classmate(client, course):
    me, classmate = (EnrollmentFactory(course=course).student for _ in range(2))
    client.force_login(me)

    response = client.post(reverse("chat_start_direct", args=[classmate.pk]))

    direct = Room.objects.get(kind=Room.Kind.DIRECT)
    assert response["Location"] == reverse("chat_room", args=[direct.pk])
    assert set(direct.members.values_list("pk", flat=True)) == {me.pk, classmate.pk}


def test_sharing_another_course_is_not_enough_for_a_stranger_profile(client, db):
    """Two people who each take a course, but not the same one."""
    mine, theirs = CourseFactory(), CourseFactory()
    me = EnrollmentFactory(course=mine).student
    other = EnrollmentFactory(course=theirs).student
    inactive = StudentFactory(is_active=False)
    EnrollmentFactory(course=mine, student=inactive)
    client.force_login(me)

    page = client.get(reverse("person", args=[other.username])).content.decode()
    roster = client.get(reverse("course_people", args=[mine.pk])).content.decode()

    assert _button(other) not in page
    assert _button(inactive) not in roster
    assert _button(mine.owner) in roster
