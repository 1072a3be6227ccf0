import pytest
from django.core.exceptions import PermissionDenied

from educa.courses.models import Enrollment
from educa.courses.permissions import can_view_contents, is_enrolled
from educa.courses.selectors import enrolled_courses
from educa.courses.services import enroll, unenroll
from tests.factories import CourseFactory, EnrollmentFactory


def test_enrolling_twice_keeps_one_enrollment(student, course):
    enroll(student=student, course=course)

    enroll(student=student, course=course)

    assert Enrollment.objects.filter(student=student, course=course).count() == 1
    assert list(course.students.all()) == [student]


def test_instructor_cannot_enroll_in_own_course(course):
    with pytest.raises(PermissionDenied):
        enroll(student=course.owner, course=course)

    assert not Enrollment.objects.exists()


def test_unenroll_removes_the_enrollment(enrolled_student, course):
    assert unenroll(student=enrolled_student, course=course) is True

    assert not course.students.exists()
    assert unenroll(student=enrolled_student, course=course) is False


def test_enrolled_courses_lists_the_students_courses(
    enrolled_student, course, other_instructor
):
    assert list(enrolled_courses(enrolled_student)) == [course]


def test_contents_visible_to_owner_and_enrolled_only(
    course, enrolled_student, student, other_instructor
):
    from django.contrib.auth.models import AnonymousUser

    assert can_view_contents(course.owner, course)
    assert can_view_contents(enrolled_student, course)
    assert not can_view_contents(student, course)
    assert not can_view_contents(other_instructor, course)
    assert not can_view_contents(AnonymousUser(), course)


def test_an_enrollment_counts_only_for_its_own_student_and_course(
    course, student, django_assert_num_queries
):
    elsewhere = CourseFactory()
    EnrollmentFactory(student=student, course=elsewhere)
    EnrollmentFactory(course=course)  # someone else

    with django_assert_num_queries(2):
        assert is_enrolled(student, elsewhere)
        assert not is_enrolled(student, course)
