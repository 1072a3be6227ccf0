"""The student's pages: enrolling, my courses, learning a course's modules."""

import pytest
from django.urls import reverse

from educa.courses.models import Enrollment
from tests.factories import CourseFactory, EnrollmentFactory, ModuleFactory, add_content
from tests.roles import sign_in

pytestmark = pytest.mark.django_db


def test_student_enrolls_and_lands_on_the_course(client, course, student):
    client.force_login(student)

    response = client.post(reverse("student_enroll_course", args=[course.pk]))

    assert response["Location"] == reverse("student_course_detail", args=[course.pk])
    assert list(course.students.all()) == [student]


def test_enrolling_twice_keeps_one_enrollment(client, course, student):
    client.force_login(student)

    client.post(reverse("student_enroll_course", args=[course.pk]))
    client.post(reverse("student_enroll_course", args=[course.pk]))

    assert Enrollment.objects.filter(course=course, student=student).count() == 1


def test_anonymous_enroll_goes_to_sign_in_and_back_to_the_course(client, course):
    response = client.post(reverse("student_enroll_course", args=[course.pk]))

    assert response["Location"] == f"/accounts/login/?next=/course/{course.slug}/"
    assert not Enrollment.objects.exists()


def test_enroll_by_get_changes_nothing(client, course, student):
    client.force_login(student)

    response = client.get(reverse("student_enroll_course", args=[course.pk]))

    assert response["Location"] == course.get_absolute_url()
    assert not Enrollment.objects.exists()


def test_owner_cannot_enroll_in_their_own_course(client, course):
    client.force_login(course.owner)

    response = client.post(reverse("student_enroll_course", args=[course.pk]))

    assert response.status_code == 403
    assert not Enrollment.objects.exists()


def test_enrolling_in_an_unknown_course_is_404(client, student):
    client.force_login(student)

    response = client.post(reverse("student_enroll_course", args=[999999]))

    assert response.status_code == 404
    assert not Enrollment.objects.exists()


def test_my_learning_lists_only_my_courses(client, student):
    mine = EnrollmentFactory(student=student).course
    EnrollmentFactory()
    client.force_login(student)

    response = client.get(reverse("student_course_list"))

    assert list(response.context["courses"]) == [mine]
    assert response["Cache-Control"].startswith("max-age=0")


def test_my_learning_empty_state_points_to_the_catalog(client, student):
    client.force_login(student)

    response = client.get(reverse("student_course_list"))

    assert "You have not enrolled in any course yet." in response.content.decode()


def test_my_learning_needs_sign_in(client, db):
    response = client.get(reverse("student_course_list"))

    assert response["Location"] == "/accounts/login/?next=/students/courses/"


@pytest.mark.parametrize("courses", [1, 8])
def test_my_learning_query_count_does_not_grow(
    client, student, django_assert_num_queries, courses
):
    for _ in range(courses):
        EnrollmentFactory(student=student, course=ModuleFactory().course)
    client.force_login(student)

    # session, user, courses; then the header's instructor check (2)
    with django_assert_num_queries(5):
        response = client.get(reverse("student_course_list"))

    assert len(response.context["courses"]) == courses


@pytest.mark.parametrize(
    ("role", "status"),
    [("student", 403), ("other_instructor", 403), ("enrolled", 200), ("owner", 200)],
)
def test_course_contents_are_for_enrolled_students_and_the_owner(
    client, course, role, status
):
    module = ModuleFactory(course=course)
    sign_in(client, role, course)

    course_page = client.get(reverse("student_course_detail", args=[course.pk]))
    module_page = client.get(
        reverse("student_course_module", args=[course.pk, module.pk])
    )

    assert (course_page.status_code, module_page.status_code) == (status, status)


def test_anonymous_visitor_is_sent_to_sign_in(client, course):
    url = reverse("student_course_detail", args=[course.pk])

    response = client.get(url)

    assert response["Location"] == f"/accounts/login/?next={url}"


def test_course_page_opens_the_first_module_with_its_contents_rendered(client, course):
    first, second = ModuleFactory(course=course), ModuleFactory(course=course)
    text = add_content(first, "text")
    add_content(first, "video")
    add_content(first, "image")
    add_content(first, "file")
    sign_in(client, "enrolled", course)

    response = client.get(reverse("student_course_detail", args=[course.pk]))

    html = response.content.decode()
    assert response.context["module"] == first
    assert [c.kind for c in response.context["contents"]] == [
        "text",
        "video",
        "image",
        "file",
    ]
    assert "<p>Some &lt;b&gt;text&lt;/b&gt;.</p>" in html
    assert text.item.content == "Some <b>text</b>."
    assert 'src="https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ"' in html
    assert f'<img src="/media/courses/{course.pk}/' in html
    assert "Module 1 of 2" in html
    assert reverse("student_course_module", args=[course.pk, second.pk]) in html
    assert response["Cache-Control"].startswith("max-age=0")


def test_a_module_of_another_course_is_404(client, course):
    foreign = ModuleFactory()
    sign_in(client, "enrolled", course)

    response = client.get(
        reverse("student_course_module", args=[course.pk, foreign.pk])
    )

    assert response.status_code == 404


def test_a_course_without_modules_says_so(client, course):
    sign_in(client, "enrolled", course)

    response = client.get(reverse("student_course_detail", args=[course.pk]))

    assert "The instructor has not added modules yet." in response.content.decode()


@pytest.mark.parametrize(("modules", "contents"), [(1, 1), (5, 12)])
def test_module_page_query_count_does_not_grow(
    client, django_assert_num_queries, warm_content_types, modules, contents
):
    course = CourseFactory()
    module = ModuleFactory(course=course)
    for _ in range(modules - 1):
        ModuleFactory(course=course)
    for index in range(contents):
        add_content(module, ("text", "video", "image", "file")[index % 4])
    student = EnrollmentFactory(course=course).student
    client.force_login(student)
    kinds = min(contents, 4)

    # session, user, course, enrollment check, outline, progress (contents
    # with a done flag, certificate), enrollment check for progress,
    # contents, one per item kind, then the header's instructor check (2)
    with django_assert_num_queries(11 + kinds):
        response = client.get(
            reverse("student_course_module", args=[course.pk, module.pk])
        )

    assert len(response.context["contents"]) == contents
