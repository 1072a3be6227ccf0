"""The learning pages: who gets in, marking contents done, taking a quiz,
the profile, the gradebook and certificates."""

import io
import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from educa.learning.models import (
    Certificate,
    ContentCompletion,
    QuizAttempt,
)
from educa.learning.services import complete_content, start_attempt, submit_attempt
from tests.factories import (
    CourseFactory,
    EnrollmentFactory,
    ModuleFactory,
    add_content,
)
from tests.learning.quizzes import NUMBER, quiz_in, quiz_of, right_answers
from tests.roles import ROLES, sign_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def module(course):
    return ModuleFactory(course=course)


@pytest.fixture
def quiz(module):
    return quiz_of(quiz_in(module, max_attempts=2, time_limit_seconds=300))


def _expected(role: str, allowed: set[str]) -> int:
    if role == "anonymous":
        return 302
    return 200 if role in allowed else 403


@pytest.mark.parametrize("role", ROLES)
def test_quiz_page_is_for_the_courses_people(client, course, quiz, role):
    sign_in(client, role, course)

    response = client.get(reverse("quiz_detail", args=[quiz.pk]))

    assert response.status_code == _expected(role, {"enrolled", "owner"})


@pytest.mark.parametrize("role", ROLES)
def test_only_enrolled_students_start_a_quiz(client, course, quiz, role):
    sign_in(client, role, course)

    response = client.post(reverse("quiz_start", args=[quiz.pk]))

    if role == "enrolled":
        attempt = QuizAttempt.objects.get()
        assert response["Location"] == f"/students/attempt/{attempt.pk}/"
    else:
        assert response.status_code == _expected(role, set())
        assert not QuizAttempt.objects.exists()


@pytest.mark.parametrize("role", ROLES)
def test_an_attempt_page_is_its_students_alone(client, course, quiz, role):
    owner_of_attempt = EnrollmentFactory(course=course).student
    attempt, _ = start_attempt(student=owner_of_attempt, quiz=quiz)
    sign_in(client, role, course)

    page = client.get(reverse("quiz_attempt", args=[attempt.pk]))
    submit = client.post(reverse("quiz_attempt_submit", args=[attempt.pk]), {})

    expected = 302 if role == "anonymous" else 404
    assert (page.status_code, submit.status_code) == (expected, expected)
    attempt.refresh_from_db()
    assert attempt.status == "open"


def _form_answers(attempt) -> dict[str, object]:
    data = {}
    for question in attempt.questions:
        name = f"q-{question['id']}"
        if question["kind"] in ("single", "multiple"):
            data[name] = [str(c["id"]) for c in question["choices"] if c["correct"]]
        elif question["kind"] == "short":
            data[name] = "  accepted-D41E07 "
        else:
            data[name] = str(NUMBER).replace(".", ",")
    return data


def test_taking_a_quiz_start_resume_submit_and_review(client, course, quiz):
    student = EnrollmentFactory(course=course).student
    client.force_login(student)

    started = client.post(reverse("quiz_start", args=[quiz.pk]), follow=True)
    attempt = QuizAttempt.objects.get()
    html = started.content.decode()
    assert 'data-seconds-left="' in html
    assert html.count('class="question"') == 4
    QuizAttempt.objects.filter(pk=attempt.pk).update(
        deadline=timezone.now() + timedelta(seconds=100)
    )
    resumed = client.get(reverse("quiz_detail", args=[quiz.pk]))
    assert "Resume attempt 1" in resumed.content.decode()
    again = client.get(reverse("quiz_attempt", args=[attempt.pk])).content.decode()
    seconds = int(re.search(r'data-seconds-left="(\d+)"', again).group(1))
    assert 95 <= seconds <= 100

    result = client.post(
        reverse("quiz_attempt_submit", args=[attempt.pk]),
        _form_answers(attempt),
        follow=True,
    )

    attempt.refresh_from_db()
    assert (attempt.status, attempt.percent, attempt.passed) == (
        "submitted",
        100.0,
        True,
    )
    text = result.content.decode()
    assert "100 %" in text
    assert "passed" in text
    assert "Review" in text
    assert ContentCompletion.objects.filter(student=student).count() == 1


def test_a_bad_form_answer_shows_the_form_again_and_stores_nothing(
    client, course, quiz
):
    student = EnrollmentFactory(course=course).student
    attempt, _ = start_attempt(student=student, quiz=quiz)
    client.force_login(student)
    numeric = next(q for q in attempt.questions if q["kind"] == "numeric")
    short = next(q for q in attempt.questions if q["kind"] == "short")

    response = client.post(
        reverse("quiz_attempt_submit", args=[attempt.pk]),
        {f"q-{numeric['id']}": "twelve", f"q-{short['id']}": "kept"},
    )

    assert response.status_code == 400
    html = response.content.decode()
    assert "is not a number" in html
    assert 'value="kept"' in html
    attempt.refresh_from_db()
    assert attempt.status == "open"
    assert not QuizAttempt.objects.filter(answers__isnull=False).exists()


def test_a_choice_of_another_question_is_refused_on_the_page(client, course, quiz):
    student = EnrollmentFactory(course=course).student
    attempt, _ = start_attempt(student=student, quiz=quiz)
    client.force_login(student)
    single, multiple = attempt.questions[0], attempt.questions[1]

    response = client.post(
        reverse("quiz_attempt_submit", args=[attempt.pk]),
        {f"q-{single['id']}": str(multiple["choices"][0]["id"])},
    )

    assert response.status_code == 400
    assert "is not one of its choices" in response.content.decode()
    assert not QuizAttempt.objects.filter(answers__isnull=False).exists()


def test_a_late_submit_on_the_page_is_refused(client, course, quiz):
    student = EnrollmentFactory(course=course).student
    attempt, _ = start_attempt(student=student, quiz=quiz)
    QuizAttempt.objects.filter(pk=attempt.pk).update(
        deadline=timezone.now() - timedelta(minutes=2)
    )
    client.force_login(student)

    response = client.post(
        reverse("quiz_attempt_submit", args=[attempt.pk]),
        _form_answers(attempt),
        follow=True,
    )

    assert "Time is up" in response.content.decode()
    assert "Time ran out" in response.content.decode()
    assert not QuizAttempt.objects.filter(answers__isnull=False).exists()


def test_used_up_attempts_say_so_and_start_nothing(client, course, quiz):
    student = EnrollmentFactory(course=course).student
    for _ in range(2):
        attempt, _ = start_attempt(student=student, quiz=quiz)
        submit_attempt(student=student, attempt=attempt, answers=[])
    client.force_login(student)

    response = client.post(reverse("quiz_start", args=[quiz.pk]), follow=True)

    assert "You have used all 2 attempts" in response.content.decode()
    assert QuizAttempt.objects.count() == 2


# Module page: done, continue, finished ----------------------------------------


@pytest.mark.parametrize("role", ROLES)
def test_only_enrolled_students_mark_contents_done(client, course, module, role):
    text = add_content(module)
    sign_in(client, role, course)

    response = client.post(reverse("content_complete", args=[text.pk]))

    if role == "enrolled":
        assert response["Location"].endswith(f"#content-{text.pk}")
        assert ContentCompletion.objects.count() == 1
    else:
        assert response.status_code == _expected(role, set())
        assert not ContentCompletion.objects.exists()


@pytest.mark.parametrize("role", ROLES)
def test_only_enrolled_students_undo_contents_done(client, course, module, role):
    text = add_content(module)
    someone = EnrollmentFactory(course=course).student
    complete_content(student=someone, content=text)
    sign_in(client, role, course)

    response = client.post(reverse("content_uncomplete", args=[text.pk]))

    expected = 302 if role == "enrolled" else _expected(role, set())
    assert response.status_code == expected
    assert ContentCompletion.objects.filter(student=someone).exists()


def test_marking_done_by_get_changes_nothing(client, course, module):
    text = add_content(module)
    sign_in(client, "enrolled", course)

    response = client.get(reverse("content_complete", args=[text.pk]))

    assert response.status_code == 405
    assert not ContentCompletion.objects.exists()


def test_mark_complete_undo_and_the_sidebar(client, course, module):
    second = ModuleFactory(course=course, title="Second")
    first_text, other = add_content(module), add_content(second)
    student = sign_in(client, "enrolled", course)
    page = reverse("student_course_module", args=[course.pk, module.pk])

    html = client.get(page).content.decode()
    assert "Mark complete" in html
    assert "0 of 2 done" in html

    client.post(reverse("content_complete", args=[first_text.pk]))
    html = client.get(page).content.decode()
    assert "✓ Done" in html
    assert 'aria-valuenow="50"' in html
    assert "Mark as not done" in html
    assert f"#content-{other.pk}" in html

    client.post(reverse("content_uncomplete", args=[first_text.pk]))
    assert not ContentCompletion.objects.filter(student=student).exists()


def test_continue_opens_the_module_of_the_first_content_not_done(client, course):
    first, second = ModuleFactory(course=course), ModuleFactory(course=course)
    done = add_content(first)
    add_content(second)
    student = sign_in(client, "enrolled", course)
    complete_content(student=student, content=done)

    response = client.get(reverse("student_course_detail", args=[course.pk]))

    assert response.context["module"] == second


def test_the_last_module_shows_the_course_finished(client, course, module):
    text = add_content(module)
    student = sign_in(client, "enrolled", course)
    complete_content(student=student, content=text)

    html = client.get(
        reverse("student_course_detail", args=[course.pk])
    ).content.decode()

    code = Certificate.objects.get().code
    assert "Course finished!" in html
    assert f"/certificates/{code}/" in html


# Profile ----------------------------------------------------------------------


def test_profile_shows_progress_certificates_and_best_scores(client, course, quiz):
    student = EnrollmentFactory(course=course).student
    other = EnrollmentFactory(student=student).course
    add_content(ModuleFactory(course=other))
    attempt, _ = start_attempt(student=student, quiz=quiz)
    submit_attempt(student=student, attempt=attempt, answers=right_answers(attempt))
    client.force_login(student)

    response = client.get(reverse("student_profile"))

    html = response.content.decode()
    profile = response.context["profile"]
    assert [c.pk for c in profile.in_progress] == [other.pk]
    assert [c.course_id for c in profile.certificates] == [course.pk]
    assert [(r.quiz_id, r.best_percent, r.passed) for r in profile.quiz_results] == [
        (quiz.pk, 100.0, True)
    ]
    assert "Download PDF" in html
    assert response["Cache-Control"].startswith("max-age=0")


def test_profile_needs_sign_in(client):
    response = client.get(reverse("student_profile"))

    assert response["Location"] == "/accounts/login/?next=/students/profile/"


def test_the_header_links_my_learning_to_the_profile(client, student):
    client.force_login(student)

    html = client.get(reverse("course_list")).content.decode()

    assert '<a href="/students/profile/">My learning</a>' in html


@pytest.mark.parametrize(("courses", "contents"), [(1, 1), (8, 30)])
def test_profile_query_count_does_not_grow(
    client, student, django_assert_num_queries, courses, contents
):
    for number in range(courses):
        course = CourseFactory()
        EnrollmentFactory(course=course, student=student)
        module = ModuleFactory(course=course)
        items = [add_content(module) for _ in range(contents)]
        complete_content(student=student, content=items[0])
        if number < 2:
            quiz = quiz_of(quiz_in(module))
            attempt, _ = start_attempt(student=student, quiz=quiz)
            submit_attempt(student=student, attempt=attempt, answers=[])
    client.force_login(student)

    # session, user, courses with progress, certificates, quiz results, then
    # the header's instructor check (2)
    with django_assert_num_queries(7):
        response = client.get(reverse("student_profile"))

    assert len(response.context["profile"].courses) == courses


# Gradebook --------------------------------------------------------------------


@pytest.mark.parametrize("role", ROLES)
def test_the_gradebook_page_is_the_instructors_alone(client, course, role):
    sign_in(client, role, course)

    page = client.get(reverse("gradebook", args=[course.pk]))
    csv = client.get(reverse("gradebook_csv", args=[course.pk]))

    expected = _expected(role, {"owner"})
    assert (page.status_code, csv.status_code) == (expected, expected)


def test_gradebook_page_draws_its_charts_as_svg(client, course, quiz):
    students = [EnrollmentFactory(course=course).student for _ in range(3)]
    for student in students[:2]:
        attempt, _ = start_attempt(student=student, quiz=quiz)
        submit_attempt(student=student, attempt=attempt, answers=right_answers(attempt))
    client.force_login(course.owner)

    response = client.get(reverse("gradebook", args=[course.pk]))

    html = response.content.decode()
    assert html.count("<svg") == 2
    assert '<rect class="bar"' in html
    assert "90-100 %: 2" in html
    assert "<script" not in html.split("<main")[1].split("</main>")[0]
    assert "100 %" in html
    assert "Download CSV" in html


@pytest.mark.parametrize(("students", "contents"), [(1, 1), (200, 30)])
def test_gradebook_page_query_count_does_not_grow(
    client, course, module, django_assert_num_queries, students, contents
):
    quiz = quiz_of(quiz_in(module))
    for _ in range(contents - 1):
        add_content(module)
    for index in range(students):
        student = EnrollmentFactory(course=course).student
        if index < 3:
            attempt, _ = start_attempt(student=student, quiz=quiz)
            submit_attempt(student=student, attempt=attempt, answers=[])
    client.force_login(course.owner)

    # session, user, course, the instructor check (2), five for the gradebook,
    # then the header's instructor check (2)
    with django_assert_num_queries(10):
        response = client.get(reverse("gradebook", args=[course.pk]))

    assert len(response.context["book"].rows) == students


# Certificates -----------------------------------------------------------------


@pytest.fixture
def certificate(course, module):
    student = EnrollmentFactory(
        course=course, student__display_name="Zoë Łukasiewicz-Ōno"
    ).student
    complete_content(student=student, content=add_content(module))
    return Certificate.objects.get()


def test_the_certificate_page_is_public(client, certificate):
    response = client.get(reverse("certificate_detail", args=[certificate.code]))

    html = response.content.decode()
    assert response.status_code == 200
    assert "Zoë Łukasiewicz-Ōno" in html
    assert certificate.code in html
    assert f"/certificates/{certificate.code}/pdf/" in html


def test_the_certificate_pdf_holds_the_name_course_and_code(client, certificate):
    response = client.get(reverse("certificate_pdf", args=[certificate.code]))

    assert response["Content-Type"] == "application/pdf"
    text = PdfReader(io.BytesIO(response.content)).pages[0].extract_text()
    assert "Zoë Łukasiewicz-Ōno" in text
    assert certificate.code in text
    assert certificate.course_title in text
    assert certificate.instructor_name in text
    assert f"http://testserver/certificates/{certificate.code}/" in text


def test_without_the_font_the_pdf_still_has_the_name_and_code(
    client, certificate, settings
):
    settings.CERTIFICATE_FONT = "/nonexistent.ttf"
    Certificate.objects.filter(pk=certificate.pk).update(student_name="Grace Hopper")

    response = client.get(reverse("certificate_pdf", args=[certificate.code]))

    text = PdfReader(io.BytesIO(response.content)).pages[0].extract_text()
    assert "Grace Hopper" in text
    assert certificate.code in text


def test_an_unknown_certificate_is_404(client, db):
    assert client.get("/certificates/NOPE-NOPE/").status_code == 404
    assert client.get("/certificates/NOPE-NOPE/pdf/").status_code == 404


def test_someone_elses_attempt_list_is_not_shown(client, course, quiz):
    student = EnrollmentFactory(course=course).student
    start_attempt(student=student, quiz=quiz)
    sign_in(client, "enrolled", course)

    response = client.get(reverse("quiz_detail", args=[quiz.pk]))

    assert response.context["attempts"] == []
