"""Contents done, progress counted from rows, and completing a course once."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from educa.courses.services import add_content, delete_content
from educa.learning.models import Certificate, ContentCompletion
from educa.learning.selectors import course_progress
from educa.learning.services import complete_content, uncomplete_content
from educa.realtime.models import Notification
from tests.factories import EnrollmentFactory, ModuleFactory, StudentFactory
from tests.factories import add_content as add_item
from tests.learning.quizzes import quiz_in


@pytest.fixture
def course_contents(course):
    first, second = ModuleFactory(course=course), ModuleFactory(course=course)
    return [add_item(first), add_item(first, "video"), add_item(second)]


def test_marking_a_content_done_counts_once(enrolled_student, course, course_contents):
    complete_content(student=enrolled_student, content=course_contents[0])
    complete_content(student=enrolled_student, content=course_contents[0])

    progress = course_progress(enrolled_student, course)
    assert (progress.completed, progress.total, progress.percent) == (1, 3, 33)
    assert progress.done_ids == {course_contents[0].pk}
    assert progress.next_content.id == course_contents[1].pk


def test_undo_marks_it_not_done(enrolled_student, course, course_contents):
    complete_content(student=enrolled_student, content=course_contents[1])

    assert uncomplete_content(student=enrolled_student, content=course_contents[1])
    assert not uncomplete_content(student=enrolled_student, content=course_contents[1])
    assert course_progress(enrolled_student, course).completed == 0


@pytest.mark.parametrize("who", ["student", "owner", "other_instructor"])
def test_only_enrolled_students_make_progress(request, course, course_contents, who):
    user = course.owner if who == "owner" else request.getfixturevalue(who)

    with pytest.raises(PermissionDenied):
        complete_content(student=user, content=course_contents[0])

    assert not ContentCompletion.objects.exists()


def test_a_quiz_is_not_marked_done_by_hand(enrolled_student, course, course_contents):
    quiz = quiz_in(course_contents[0].module)

    with pytest.raises(ValidationError, match="A quiz is done when you pass it"):
        complete_content(student=enrolled_student, content=quiz)
    with pytest.raises(ValidationError):
        uncomplete_content(student=enrolled_student, content=quiz)

    assert not ContentCompletion.objects.exists()


def test_new_contents_lower_progress_and_deleted_ones_stop_counting(
    enrolled_student, course, course_contents
):
    for content in course_contents[:2]:
        complete_content(student=enrolled_student, content=content)
    assert course_progress(enrolled_student, course).percent == 66

    extra = add_item(course_contents[0].module)
    assert course_progress(enrolled_student, course).percent == 50

    delete_content(content=course_contents[0], by=course.owner)
    delete_content(content=extra, by=course.owner)
    progress = course_progress(enrolled_student, course)
    assert (progress.completed, progress.total, progress.percent) == (1, 2, 50)


def test_the_last_content_completes_the_course_once_with_a_certificate(
    enrolled_student, course, course_contents
):
    for content in course_contents:
        complete_content(student=enrolled_student, content=content)

    certificate = Certificate.objects.get()
    assert (certificate.student, certificate.course) == (enrolled_student, course)
    assert certificate.student_name == enrolled_student.name
    assert certificate.course_title == course.title
    assert certificate.instructor_name == course.owner.name
    progress = course_progress(enrolled_student, course)
    assert (progress.percent, progress.next_content) == (100, None)
    assert progress.completed_at == certificate.issued_at
    notification = Notification.objects.get(user=enrolled_student)
    assert notification.kind == "learning.course_completed"
    assert notification.payload == {
        "type": "learning.course_completed",
        "course_id": course.pk,
        "course_title": course.title,
        "certificate_code": certificate.code,
        "url": f"/certificates/{certificate.code}/",
    }

    uncomplete_content(student=enrolled_student, content=course_contents[0])
    complete_content(student=enrolled_student, content=course_contents[0])

    assert Certificate.objects.count() == 1
    assert Notification.objects.filter(user=enrolled_student).count() == 1
    assert course_progress(enrolled_student, course).certificate == certificate


def test_a_course_completed_stays_completed_when_contents_are_added(
    enrolled_student, course, course_contents
):
    for content in course_contents:
        complete_content(student=enrolled_student, content=content)

    add_content(
        module=course_contents[0].module,
        by=course.owner,
        kind="text",
        title="More",
        content="x",
    )

    progress = course_progress(enrolled_student, course)
    assert (progress.percent, progress.certificate is not None) == (75, True)


def test_a_content_added_before_the_last_one_is_done_keeps_the_course_open(
    enrolled_student, course, course_contents, django_capture_on_commit_callbacks
):
    # The first ones done have the course's contents counted (and cached);
    # the instructor's addition, once committed, counts at the last one.
    for content in course_contents[:2]:
        complete_content(student=enrolled_student, content=content)
    with django_capture_on_commit_callbacks(execute=True):
        added = add_content(
            module=course_contents[0].module,
            by=course.owner,
            kind="text",
            title="More",
            content="x",
        )

    complete_content(student=enrolled_student, content=course_contents[2])
    assert not Certificate.objects.exists()

    complete_content(student=enrolled_student, content=added)
    assert Certificate.objects.filter(student=enrolled_student).count() == 1


def test_certificate_codes_are_long_and_distinct(course, course_contents):
    students = [EnrollmentFactory(course=course).student for _ in range(3)]
    for student in students:
        for content in course_contents:
            complete_content(student=student, content=content)

    codes = set(Certificate.objects.values_list("code", flat=True))
    assert len(codes) == 3
    assert all(len(code) == 19 and code.count("-") == 3 for code in codes)


def test_progress_of_someone_else_is_empty(course, course_contents):
    progress = course_progress(StudentFactory(), course)

    assert (progress.completed, progress.total, progress.certificate) == (0, 3, None)


@pytest.mark.parametrize("contents", [1, 30])
def test_course_progress_takes_two_queries(
    enrolled_student, course, contents, django_assert_num_queries
):
    module = ModuleFactory(course=course)
    for _ in range(contents):
        complete_content(student=enrolled_student, content=add_item(module))

    with django_assert_num_queries(2):
        progress = course_progress(enrolled_student, course)

    assert (progress.completed, progress.total) == (contents, contents)


def test_the_completion_notification_reads_as_a_sentence():
    from django.template.loader import render_to_string

    sentence = render_to_string(
        "notifications/learning.course_completed.html",
        {"payload": {"course_title": "Music <b>Theory</b>"}, "notification": None},
    )

    assert sentence.strip() == (
        "You completed Music &lt;b&gt;Theory&lt;/b&gt;: your certificate is ready."
    )
