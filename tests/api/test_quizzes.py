"""Learning outcomes over REST: quizzes as content, attempts, progress,
the gradebook and certificates, with who is refused and bad input."""

import json
from datetime import timedelta

import pytest
from django.utils import timezone

from educa.courses.models import Content, Question, Quiz
from educa.learning.models import (
    Certificate,
    ContentCompletion,
    QuizAttempt,
)
from educa.learning.selectors import contents_in_course, quiz_to_take
from educa.learning.services import complete_content, start_attempt, submit_attempt
from tests.factories import (
    EnrollmentFactory,
    InstructorFactory,
    ModuleFactory,
    StudentFactory,
    add_content,
)
from tests.learning.quizzes import (
    every_kind,
    quiz_in,
    quiz_of,
    right_answers,
    wrong_answers,
)

ROLES = ("anonymous", "student", "owner", "other_instructor")


@pytest.fixture
def module(course):
    return ModuleFactory(course=course)


@pytest.fixture
def quiz(module):
    return quiz_of(quiz_in(module, max_attempts=3, pass_percent=50))


def _client(api, as_user, course, role):
    user = {
        "anonymous": None,
        "student": StudentFactory,
        "enrolled": lambda: EnrollmentFactory(course=course).student,
        "owner": lambda: course.owner,
        "other_instructor": InstructorFactory,
    }[role]
    return api if user is None else as_user(user())


def _refusal(role: str) -> int:
    return 401 if role == "anonymous" else 403


# Authoring a quiz ---------------------------------------------------------


def test_instructor_adds_a_quiz_with_its_questions(as_user, course, module):
    response = as_user(course.owner).post(
        f"/api/modules/{module.pk}/contents/",
        {
            "type": "quiz",
            "title": "Week 1",
            "pass_percent": 80,
            "max_attempts": 2,
            "time_limit_seconds": 900,
            "shuffle_questions": True,
            "review": "after_last_attempt",
            "questions": every_kind(),
        },
        format="json",
    )

    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["type"] == "quiz"
    assert body["quiz"] == {
        "id": body["quiz"]["id"],
        "pass_percent": 80,
        "max_attempts": 2,
        "time_limit_seconds": 900,
        "shuffle_questions": True,
        "shuffle_choices": False,
        "grading": "highest",
        "review": "after_last_attempt",
        "questions_count": 4,
        "attempts_used": None,
        "best_percent": None,
    }
    quiz = Quiz.objects.get()
    assert [q.kind for q in quiz.questions.all()] == [
        "single",
        "multiple",
        "short",
        "numeric",
    ]
    assert quiz.questions.get(kind="short").accepted_answers == ["ACCEPTED-d41e07"]


@pytest.mark.parametrize(
    ("questions", "message"),
    [
        (
            [
                {
                    "kind": "single",
                    "text": "?",
                    "choices": [{"text": "a"}, {"text": "b"}],
                }
            ],
            "exactly one right choice",
        ),
        (
            [
                {
                    "kind": "multiple",
                    "text": "?",
                    "choices": [{"text": "a", "correct": True}],
                }
            ],
            "2 to 20 choices",
        ),
        ([{"kind": "short", "text": "?", "answers": []}], "1 to 20 accepted answers"),
        ([{"kind": "numeric", "text": "?"}], "needs its answer"),
        (
            [{"kind": "numeric", "text": "?", "answer": 1, "choices": []}],
            "not used by numeric",
        ),
        ([{"kind": "essay", "text": "?"}], "essay"),
        ([{"kind": "short", "text": "", "answers": ["a"]}], "text"),
        ([{"kind": "short", "text": "x" * 5001, "answers": ["a"]}], "5000"),
        ([{"kind": "numeric", "text": "?", "answer": "NaN"}], "valid number"),
        ([{"kind": "numeric", "text": "?", "answer": 1e300}], "finite number"),
        ([{"kind": "numeric", "text": "?", "answer": 1, "tolerance": -1}], "tolerance"),
        ([{"kind": "short", "text": "?", "answers": ["a"], "points": 0}], "points"),
    ],
)
def test_bad_questions_are_a_400_and_add_nothing(
    as_user, course, module, questions, message
):
    response = as_user(course.owner).post(
        f"/api/modules/{module.pk}/contents/",
        {"type": "quiz", "title": "Bad", "questions": questions},
        format="json",
    )

    assert response.status_code == 400
    assert message in json.dumps(response.json())
    assert not Quiz.objects.exists()
    assert not Content.objects.exists()


def test_review_after_the_last_attempt_needs_a_maximum(as_user, course, module):
    response = as_user(course.owner).post(
        f"/api/modules/{module.pk}/contents/",
        {"type": "quiz", "title": "Q", "review": "after_last_attempt"},
        format="json",
    )

    assert response.status_code == 400
    assert response.json() == {
        "review": ["Answers after the last attempt need a maximum number of attempts."]
    }
    assert not Quiz.objects.exists()


def test_patch_changes_settings_and_replaces_questions(as_user, course, module):
    content = quiz_in(module)

    response = as_user(course.owner).patch(
        f"/api/contents/{content.pk}/",
        {
            "pass_percent": 90,
            "questions": [{"kind": "short", "text": "Only", "answers": ["one"]}],
        },
        format="json",
    )

    assert response.status_code == 200, response.json()
    assert response.json()["quiz"]["pass_percent"] == 90
    assert list(Question.objects.values_list("text", flat=True)) == ["Only"]


def test_quiz_settings_on_other_content_are_refused(as_user, course, module):
    text = add_content(module)

    response = as_user(course.owner).patch(
        f"/api/contents/{text.pk}/", {"pass_percent": 90}, format="json"
    )

    assert response.status_code == 400


# Attempts ---------------------------------------------------------------


def test_enrolled_student_starts_an_attempt_without_any_answer_in_it(
    as_user, course, quiz
):
    student = EnrollmentFactory(course=course).student

    response = as_user(student).post(f"/api/quizzes/{quiz.pk}/attempts/")

    assert response.status_code == 201
    body = response.json()
    assert set(body) == {
        *("id", "quiz", "number", "status", "started_at"),
        *("deadline", "seconds_left", "questions"),
    }
    assert (body["quiz"], body["number"], body["status"]) == (quiz.pk, 1, "open")
    assert body["deadline"] is None
    for question in body["questions"]:
        assert set(question) == {"id", "kind", "text", "points", "choices"}
        assert all(set(choice) == {"id", "text"} for choice in question["choices"])


def test_starting_again_resumes_with_the_time_left(as_user, course, module):
    quiz = quiz_of(quiz_in(module, time_limit_seconds=600))
    client = as_user(EnrollmentFactory(course=course).student)
    first = client.post(f"/api/quizzes/{quiz.pk}/attempts/").json()

    again = client.post(f"/api/quizzes/{quiz.pk}/attempts/")

    assert again.status_code == 200
    assert again.json()["id"] == first["id"]
    assert again.json()["deadline"] == first["deadline"]
    assert 590 <= again.json()["seconds_left"] <= 600


@pytest.mark.parametrize("role", ROLES)
def test_only_enrolled_students_start_attempts(api, as_user, course, quiz, role):
    client = _client(api, as_user, course, role)

    response = client.post(f"/api/quizzes/{quiz.pk}/attempts/")

    assert response.status_code == _refusal(role)
    assert not QuizAttempt.objects.exists()


def test_an_unknown_quiz_is_404(as_user, course):
    response = as_user(EnrollmentFactory(course=course).student).post(
        "/api/quizzes/999999/attempts/"
    )

    assert response.status_code == 404


def test_used_up_attempts_are_a_403(as_user, course, quiz):
    student = EnrollmentFactory(course=course).student
    client = as_user(student)
    for _ in range(3):
        attempt = client.post(f"/api/quizzes/{quiz.pk}/attempts/").json()
        client.post(
            f"/api/attempts/{attempt['id']}/submit/", {"answers": []}, format="json"
        )

    response = client.post(f"/api/quizzes/{quiz.pk}/attempts/")

    assert response.status_code == 403
    assert response.json() == {"detail": "You have used all 3 attempts at this quiz."}
    assert QuizAttempt.objects.count() == 3


@pytest.fixture
def open_attempt(course, quiz):
    student = EnrollmentFactory(course=course).student
    attempt, _ = start_attempt(student=student, quiz=quiz)
    return student, attempt


def test_submit_grades_and_answers_as_the_review_policy_allows(as_user, open_attempt):
    student, attempt = open_attempt

    response = as_user(student).post(
        f"/api/attempts/{attempt.pk}/submit/",
        {"answers": right_answers(attempt)},
        format="json",
    )

    assert response.status_code == 200
    body = response.json()
    assert {k: body[k] for k in ("score", "max_score", "percent", "passed")} == {
        "score": 6.0,
        "max_score": 6,
        "percent": 100.0,
        "passed": True,
    }
    assert body["answers_released"] is True
    assert body["attempts_left"] == 2
    first = body["results"][0]
    assert first["points"] == 2.0
    assert first["correct"] is True
    assert first["correct_answer"] == {
        "choices": [c["id"] for c in attempt.questions[0]["choices"] if c["correct"]]
    }


def test_a_second_submit_is_a_409_and_changes_nothing(as_user, open_attempt):
    student, attempt = open_attempt
    client = as_user(student)
    client.post(
        f"/api/attempts/{attempt.pk}/submit/",
        {"answers": wrong_answers(attempt)},
        format="json",
    )

    response = client.post(
        f"/api/attempts/{attempt.pk}/submit/",
        {"answers": right_answers(attempt)},
        format="json",
    )

    assert response.status_code == 409
    assert response.json() == {"detail": "This attempt was already submitted."}
    attempt.refresh_from_db()
    assert attempt.passed is False


def test_a_submit_after_the_deadline_is_a_409_and_the_attempt_counts(
    as_user, course, module
):
    quiz = quiz_of(quiz_in(module, time_limit_seconds=60, max_attempts=1))
    student = EnrollmentFactory(course=course).student
    attempt, _ = start_attempt(student=student, quiz=quiz)
    QuizAttempt.objects.filter(pk=attempt.pk).update(
        deadline=timezone.now() - timedelta(minutes=1)
    )
    client = as_user(student)

    response = client.post(
        f"/api/attempts/{attempt.pk}/submit/",
        {"answers": right_answers(attempt)},
        format="json",
    )

    assert response.status_code == 409
    assert "Time is up" in response.json()["detail"]
    assert not QuizAttempt.objects.filter(answers__isnull=False).exists()
    assert client.post(f"/api/quizzes/{quiz.pk}/attempts/").status_code == 403
    # The refused start closed the attempt whose time ran out: it counts.
    result = client.get(f"/api/attempts/{attempt.pk}/").json()
    assert (result["status"], result["score"]) == ("expired", None)


def _bad_answers(attempt) -> list:
    single, multiple, short, numeric = attempt.questions
    other_choice = multiple["choices"][0]["id"]
    return [
        (
            {"answers": [{"question": 999999, "choices": [1]}]},
            "not part of this attempt",
        ),
        ({"answers": [{"question": single["id"], "text": "x"}]}, "single choice"),
        ({"answers": [{"question": short["id"], "number": 1}]}, "short text"),
        ({"answers": [{"question": numeric["id"], "choices": [1]}]}, "numeric"),
        (
            {"answers": [{"question": single["id"], "choices": [other_choice]}]},
            "is not one of its choices",
        ),
        (
            {"answers": [{"question": numeric["id"], "number": "NaN"}]},
            "must be a number",
        ),
        (
            {"answers": [{"question": numeric["id"], "number": "1e999"}]},
            "must be a number",
        ),
        ({"answers": [{"question": short["id"], "text": "x" * 100_000}]}, "1000"),
        ({"answers": "everything"}, "list"),
        ({}, "required"),
    ]


def test_bad_answers_are_a_400_with_a_clear_message_and_store_nothing(
    as_user, open_attempt
):
    student, attempt = open_attempt
    client = as_user(student)

    for payload, message in _bad_answers(attempt):
        response = client.post(
            f"/api/attempts/{attempt.pk}/submit/", payload, format="json"
        )

        assert response.status_code == 400, payload
        assert message in json.dumps(response.json()), (payload, response.json())
    attempt.refresh_from_db()
    assert (attempt.status, attempt.score) == ("open", None)
    assert not QuizAttempt.objects.filter(answers__isnull=False).exists()


@pytest.mark.parametrize("number", ["NaN", "Infinity", "-1e999"])
def test_numbers_json_cannot_hold_are_a_400(as_user, open_attempt, number):
    student, attempt = open_attempt
    numeric = attempt.questions[3]["id"]

    response = as_user(student).post(
        f"/api/attempts/{attempt.pk}/submit/",
        f'{{"answers": [{{"question": {numeric}, "number": {number}}}]}}',
        content_type="application/json",
    )

    assert response.status_code == 400
    assert not QuizAttempt.objects.filter(answers__isnull=False).exists()


@pytest.mark.parametrize("role", ["anonymous", "enrolled", "owner", "other_instructor"])
def test_an_attempt_is_its_students_alone(api, as_user, course, open_attempt, role):
    _, attempt = open_attempt
    client = _client(api, as_user, course, role)

    reading = client.get(f"/api/attempts/{attempt.pk}/")
    submitting = client.post(
        f"/api/attempts/{attempt.pk}/submit/",
        {"answers": right_answers(attempt)},
        format="json",
    )

    expected = 401 if role == "anonymous" else 404
    assert (reading.status_code, submitting.status_code) == (expected, expected)
    attempt.refresh_from_db()
    assert attempt.status == "open"


# Contents done and progress ---------------------------------------------------


def test_student_marks_a_content_done_and_undoes_it(as_user, course, module):
    text, video = add_content(module), add_content(module, "video")
    client = as_user(EnrollmentFactory(course=course).student)

    done = client.post(f"/api/contents/{text.pk}/complete/")

    assert done.status_code == 200
    assert done.json() == {
        "completed": True,
        "progress": {
            "completed": 1,
            "total": 2,
            "percent": 50,
            "next_content": {
                "id": video.pk,
                "module": module.pk,
                "url": f"/students/course/{course.pk}/{module.pk}/#content-{video.pk}",
            },
            "completed_at": None,
            "certificate": None,
        },
    }
    undone = client.delete(f"/api/contents/{text.pk}/complete/")
    assert undone.json()["completed"] is False
    assert not ContentCompletion.objects.exists()


@pytest.mark.parametrize("role", ROLES)
def test_only_enrolled_students_mark_contents_done(api, as_user, course, module, role):
    text = add_content(module)
    done_by_someone = EnrollmentFactory(course=course).student
    complete_content(student=done_by_someone, content=text)
    client = _client(api, as_user, course, role)

    response = client.post(f"/api/contents/{text.pk}/complete/")
    undo = client.delete(f"/api/contents/{text.pk}/complete/")

    assert (response.status_code, undo.status_code) == (_refusal(role),) * 2
    assert list(ContentCompletion.objects.values_list("student", flat=True)) == [
        done_by_someone.pk
    ]


def test_a_quiz_cannot_be_marked_done(as_user, course, module):
    content = quiz_in(module)

    response = as_user(EnrollmentFactory(course=course).student).post(
        f"/api/contents/{content.pk}/complete/"
    )

    assert response.status_code == 400
    assert response.json() == {"detail": ["A quiz is done when you pass it."]}
    assert not ContentCompletion.objects.exists()


def test_progress_names_the_certificate_once_the_course_is_completed(
    as_user, course, module
):
    text = add_content(module)
    student = EnrollmentFactory(course=course).student
    complete_content(student=student, content=text)

    response = as_user(student).get(f"/api/courses/{course.pk}/progress/")

    code = Certificate.objects.get().code
    assert response.status_code == 200
    body = response.json()
    assert (body["percent"], body["next_content"]) == (100, None)
    assert body["completed_at"] is not None
    assert body["certificate"] == {
        "code": code,
        "url": f"/certificates/{code}/",
        "pdf": f"/certificates/{code}/pdf/",
    }


@pytest.mark.parametrize("role", ROLES)
def test_progress_is_for_enrolled_students(api, as_user, course, role):
    response = _client(api, as_user, course, role).get(
        f"/api/courses/{course.pk}/progress/"
    )

    assert response.status_code == _refusal(role)


@pytest.mark.parametrize("contents", [1, 30])
def test_progress_query_count_does_not_grow(
    as_user, course, module, contents, django_assert_num_queries
):
    student = EnrollmentFactory(course=course).student
    for _ in range(contents):
        complete_content(student=student, content=add_content(module))
    client = as_user(student)

    # user, course, enrollment check, contents with done flags, certificate
    with django_assert_num_queries(5):
        response = client.get(f"/api/courses/{course.pk}/progress/")

    assert response.json()["completed"] == contents


def test_contents_show_each_students_own_quiz_record(as_user, course, module):
    content = quiz_in(module)
    quiz = quiz_of(content)
    grace, linus = (EnrollmentFactory(course=course).student for _ in range(2))
    attempt, _ = start_attempt(student=grace, quiz=quiz)
    submit_attempt(student=grace, attempt=attempt, answers=wrong_answers(attempt))

    def quiz_record(user) -> dict:
        body = as_user(user).get(f"/api/courses/{course.pk}/contents/").json()
        return body["modules"][0]["contents"][0]["quiz"]

    assert (
        quiz_record(grace)["attempts_used"],
        quiz_record(grace)["best_percent"],
    ) == (
        1,
        0.0,
    )
    assert (
        quiz_record(linus)["attempts_used"],
        quiz_record(linus)["best_percent"],
    ) == (
        0,
        None,
    )
    assert quiz_record(course.owner)["attempts_used"] is None


# Gradebook and certificates --------------------------------------------------


@pytest.mark.parametrize("role", [*ROLES, "enrolled"])
def test_the_gradebook_is_the_instructors_alone(api, as_user, course, role):
    client = _client(api, as_user, course, role)

    response = client.get(f"/api/courses/{course.pk}/gradebook/")
    as_csv = client.get(f"/api/courses/{course.pk}/gradebook/?format=csv")

    expected = 200 if role == "owner" else _refusal(role)
    assert (response.status_code, as_csv.status_code) == (expected, expected)
    if role != "owner":
        assert "students" not in response.json()
        assert as_csv["Content-Type"] == "application/json"
        assert set(as_csv.json()) == {"detail"}


def test_gradebook_json_and_csv(as_user, course, module, quiz):
    text = add_content(module)
    student = EnrollmentFactory(course=course, student__username="grace").student
    complete_content(student=student, content=text)
    attempt, _ = start_attempt(student=student, quiz=quiz)
    submit_attempt(student=student, attempt=attempt, answers=right_answers(attempt))
    client = as_user(course.owner)

    body = client.get(f"/api/courses/{course.pk}/gradebook/").json()
    csv = client.get(f"/api/courses/{course.pk}/gradebook/?format=csv")

    assert body["total_contents"] == 2
    assert body["quizzes"][0]["id"] == quiz.pk
    assert [q["percent_correct"] for q in body["quizzes"][0]["questions"]] == [
        100,
        100,
        100,
        100,
    ]
    row = body["students"][0]
    assert (row["username"], row["progress_percent"], row["completed"]) == (
        "grace",
        100,
        2,
    )
    assert row["scores"] == [{"quiz": quiz.pk, "percent": 100.0}]
    assert csv["Content-Type"] == "text/csv; charset=utf-8"
    lines = csv.content.decode().splitlines()
    assert lines[0].startswith("username,name,progress_percent,contents_done")
    assert lines[0].endswith(f"quiz: {quiz.title}")
    assert lines[1].startswith("grace,")
    assert lines[1].endswith(",100.0")


@pytest.mark.parametrize(("students", "contents"), [(1, 1), (200, 30)])
def test_gradebook_query_count_does_not_grow(
    as_user, course, module, students, contents, django_assert_num_queries
):
    quiz = quiz_of(quiz_in(module))
    items = [add_content(module) for _ in range(contents - 1)]
    learners = [EnrollmentFactory(course=course).student for _ in range(students)]
    for learner in learners[:5]:
        for item in items[:3]:
            complete_content(student=learner, content=item)
        attempt, _ = start_attempt(student=learner, quiz=quiz)
        submit_attempt(student=learner, attempt=attempt, answers=right_answers(attempt))
    client = as_user(course.owner)

    # user, course, the instructor check (2), contents count, enrollments with
    # progress and activity, quizzes, attempts with their answers, questions
    with django_assert_num_queries(9):
        response = client.get(f"/api/courses/{course.pk}/gradebook/")

    assert len(response.json()["students"]) == students


def test_anyone_verifies_a_certificate(api, course, module):
    student = EnrollmentFactory(course=course).student
    complete_content(student=student, content=add_content(module))
    certificate = Certificate.objects.get()

    response = api.get(f"/api/certificates/{certificate.code.lower()}/")

    assert response.status_code == 200
    assert response.json() == {
        "code": certificate.code,
        "student": student.name,
        "course": course.title,
        "instructor": course.owner.name,
        "completed_at": certificate.issued_at.isoformat().replace("+00:00", "Z"),
        "url": f"/certificates/{certificate.code}/",
    }


@pytest.mark.parametrize("code", ["NOPE-NOPE-NOPE-NOPE", "x" * 300, "%00"])
def test_an_unknown_certificate_is_404(api, db, code):
    response = api.get(f"/api/certificates/{code}/")

    assert response.status_code == 404
    assert set(response.json()) == {"detail"}


@pytest.mark.parametrize(
    ("answers", "statements"),
    [
        # the Bearer user, the attempt, the enrollment, the UPDATE that
        # closes it
        (wrong_answers, 4),
        # ... writing the quiz done in the same statement, then the course's
        # progress counted
        (right_answers, 5),
    ],
)
def test_a_submission_takes_a_fixed_number_of_statements(
    as_user, course, module, quiz, answers, statements, django_assert_num_queries
):
    add_content(module)  # not done: the pass does not complete the course
    student = EnrollmentFactory(course=course).student
    attempt, _ = start_attempt(student=student, quiz=quiz)
    client = as_user(student)
    # What every start and submission reads from the shared cache.
    quiz_to_take(quiz.pk)
    contents_in_course(course.pk)

    with django_assert_num_queries(statements) as captured:
        response = client.post(
            f"/api/attempts/{attempt.pk}/submit/",
            {"answers": answers(attempt)},
            format="json",
        )

    assert response.status_code == 200, response.json()
    assert response.json()["passed"] is (answers is right_answers), captured
