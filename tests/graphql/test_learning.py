"""Learning outcomes over GraphQL: progress, contents done, and quizzes
among the contents (with each viewer's own record, never shared through the
cache). The same services as REST, so the same refusals and messages."""

import pytest

from educa.courses import caching
from educa.learning.models import Certificate, ContentCompletion
from educa.learning.services import complete_content, start_attempt, submit_attempt
from tests.factories import (
    CourseFactory,
    EnrollmentFactory,
    ModuleFactory,
    add_content,
)
from tests.graphql.conftest import codes
from tests.graphql.learning import (
    COMPLETE,
    CONTENTS,
    PROGRESS,
    REFUSED,
    START,
    SUBMIT,
    UNCOMPLETE,
    someone,
)
from tests.learning.quizzes import (
    quiz_in,
    quiz_of,
    right_answers,
    wrong_answers,
)

# The shared part only: such answers may be kept whole for everyone.
QUIZ_SETTINGS_ONLY = """
query($id: ID!) {
  courseContents(courseId: $id) {
    contents { __typename ... on QuizContent { quiz { id questionsCount } } }
  }
}
"""


@pytest.fixture
def generation_trusted(monkeypatch):
    """The cache's copy of the catalog generation is used all test long: on
    a slow machine a second between two requests would add a check of it to
    the counted queries. A copy that failed in an earlier test (one with
    the cache down) must not hold back setting it for that hour."""
    monkeypatch.setattr(caching, "GENERATION_CHECK_SECONDS", 3600)
    monkeypatch.setattr(caching, "_copy_failed_at", float("-inf"))


# Progress and contents done ---------------------------------------------


def test_student_marks_a_content_done_sees_progress_and_undoes_it(
    graphql, course, module
):
    text, video = add_content(module), add_content(module, "video")
    student = EnrollmentFactory(course=course).student

    done = graphql(COMPLETE, {"id": str(text.pk)}, as_user=student)
    progress = graphql(PROGRESS, {"id": str(course.pk)}, as_user=student)
    undone = graphql(UNCOMPLETE, {"id": str(text.pk)}, as_user=student)

    assert done["data"] == {
        "completeContent": {
            "completed": True,
            "progress": {"completed": 1, "total": 2, "percent": 50},
        }
    }
    assert progress["data"]["courseProgress"] == {
        "completed": 1,
        "total": 2,
        "percent": 50,
        "completedAt": None,
        "nextContent": {
            "id": str(video.pk),
            "moduleId": str(module.pk),
            "url": f"/students/course/{course.pk}/{module.pk}/#content-{video.pk}",
        },
        "certificate": None,
    }
    assert undone["data"]["uncompleteContent"] == {
        "completed": False,
        "progress": {"completed": 0, "total": 2, "percent": 0},
    }
    assert not ContentCompletion.objects.exists()


def test_progress_names_the_certificate_once_the_course_is_completed(
    graphql, course, module
):
    text = add_content(module)
    student = EnrollmentFactory(course=course).student
    complete_content(student=student, content=text)

    result = graphql(PROGRESS, {"id": str(course.pk)}, as_user=student)

    code = Certificate.objects.get().code
    progress = result["data"]["courseProgress"]
    assert (progress["percent"], progress["nextContent"]) == (100, None)
    assert progress["completedAt"] is not None
    assert progress["certificate"] == {
        "code": code,
        "url": f"/certificates/{code}/",
        "pdf": f"/certificates/{code}/pdf/",
    }


@pytest.mark.parametrize("role", REFUSED)
def test_progress_is_refused_to_all_but_enrolled_students(graphql, course, role):
    result = graphql(PROGRESS, {"id": str(course.pk)}, as_user=someone(role, course))

    assert codes(result) == [REFUSED[role]]
    assert result["data"] is None


@pytest.mark.parametrize("role", REFUSED)
def test_only_enrolled_students_mark_contents_done(graphql, course, module, role):
    text = add_content(module)
    done_by_someone = EnrollmentFactory(course=course).student
    complete_content(student=done_by_someone, content=text)
    user = someone(role, course)

    done = graphql(COMPLETE, {"id": str(text.pk)}, as_user=user)
    undone = graphql(UNCOMPLETE, {"id": str(text.pk)}, as_user=user)

    assert codes(done) == codes(undone) == [REFUSED[role]]
    if role != "anonymous":
        message = "Only students enrolled in the course make progress."
        assert done["errors"][0]["message"] == message
    assert list(ContentCompletion.objects.values_list("student", flat=True)) == [
        done_by_someone.pk
    ]


def test_unknown_and_malformed_ids_are_not_found_and_bad_input(graphql, student):
    missing = [
        graphql(query, {"id": "999999"}, as_user=student)
        for query in (PROGRESS, COMPLETE, UNCOMPLETE, START)
    ]
    missing_attempt = graphql(SUBMIT, {"id": "999999", "answers": []}, as_user=student)
    malformed = graphql(PROGRESS, {"id": "x"}, as_user=student)

    assert [codes(result) for result in missing] == [["NOT_FOUND"]] * 4
    assert codes(missing_attempt) == ["NOT_FOUND"]
    assert codes(malformed) == ["BAD_USER_INPUT"]


def test_a_quiz_cannot_be_marked_done(graphql, course, module):
    content = quiz_in(module)

    result = graphql(
        COMPLETE,
        {"id": str(content.pk)},
        as_user=EnrollmentFactory(course=course).student,
    )

    assert codes(result) == ["BAD_USER_INPUT"]
    assert result["errors"][0]["message"] == "A quiz is done when you pass it."
    assert not ContentCompletion.objects.exists()


@pytest.mark.parametrize("contents", [1, 30])
def test_progress_query_count_is_constant(
    graphql, course, module, contents, django_assert_num_queries
):
    student = EnrollmentFactory(course=course).student
    for _ in range(contents):
        complete_content(student=student, content=add_content(module))

    # The user, the course, the enrollment, contents with done flags, the
    # certificate.
    with django_assert_num_queries(5):
        result = graphql(PROGRESS, {"id": str(course.pk)}, as_user=student)

    assert result["data"]["courseProgress"]["completed"] == contents


# Quizzes among the contents -------------------------------------------------


def test_a_quiz_is_a_content_with_its_settings_and_my_record(graphql, course, module):
    content = quiz_in(module, max_attempts=3, pass_percent=50, time_limit_seconds=600)
    quiz = quiz_of(content)
    student = EnrollmentFactory(course=course).student

    result = graphql(CONTENTS, {"id": str(course.pk)}, as_user=student)

    shown = result["data"]["courseContents"][0]["contents"][0]
    assert shown["__typename"] == "QuizContent"
    assert shown["id"] == str(content.pk)
    assert "4 questions" in shown["html"]
    assert shown["quiz"] == {
        "id": str(quiz.pk),
        "passPercent": 50,
        "maxAttempts": 3,
        "timeLimitSeconds": 600,
        "shuffleQuestions": False,
        "shuffleChoices": False,
        "grading": "highest",
        "review": "after_submit",
        "questionsCount": 4,
        "attemptsUsed": 0,
        "bestPercent": None,
    }


def test_each_student_sees_their_own_attempts_and_best_score(graphql, course, module):
    quiz = quiz_of(quiz_in(module))
    grace, linus = (EnrollmentFactory(course=course).student for _ in range(2))
    attempt, _ = start_attempt(student=grace, quiz=quiz)
    submit_attempt(student=grace, attempt=attempt, answers=wrong_answers(attempt))
    start_attempt(student=grace, quiz=quiz)

    def record(user) -> dict:
        result = graphql(CONTENTS, {"id": str(course.pk)}, as_user=user)
        quiz = result["data"]["courseContents"][0]["contents"][0]["quiz"]
        return {"used": quiz["attemptsUsed"], "best": quiz["bestPercent"]}

    # In turns and again, so that nothing one of them was answered is kept
    # for the other.
    seen = [record(user) for user in (grace, linus, course.owner, grace, linus)]

    assert seen == [
        {"used": 2, "best": 0.0},
        {"used": 0, "best": None},
        {"used": None, "best": None},
        {"used": 2, "best": 0.0},
        {"used": 0, "best": None},
    ]


def test_a_students_record_is_fresh_after_each_attempt(graphql, course, module):
    quiz = quiz_of(quiz_in(module))
    student = EnrollmentFactory(course=course).student
    before = graphql(CONTENTS, {"id": str(course.pk)}, as_user=student)
    attempt, _ = start_attempt(student=student, quiz=quiz)
    submit_attempt(student=student, attempt=attempt, answers=right_answers(attempt))

    after = graphql(CONTENTS, {"id": str(course.pk)}, as_user=student)

    def record(result: dict) -> tuple:
        quiz = result["data"]["courseContents"][0]["contents"][0]["quiz"]
        return quiz["attemptsUsed"], quiz["bestPercent"]

    assert (record(before), record(after)) == ((0, None), (1, 100.0))


def test_quiz_settings_alone_are_answered_from_the_cache(
    graphql, course, module, django_assert_num_queries, generation_trusted
):
    quiz_in(module)
    student = EnrollmentFactory(course=course).student
    first = graphql(QUIZ_SETTINGS_ONLY, {"id": str(course.pk)}, as_user=student)

    with django_assert_num_queries(2):  # the user, the enrollment
        again = graphql(QUIZ_SETTINGS_ONLY, {"id": str(course.pk)}, as_user=student)

    assert again == first
    assert first["data"]["courseContents"][0]["contents"][0]["quiz"][
        "questionsCount"
    ] == (4)


@pytest.mark.parametrize("count", [1, 20])
def test_contents_with_quizzes_query_count_is_constant(
    graphql, django_assert_num_queries, warm_content_types, generation_trusted, count
):
    course = CourseFactory()
    student = EnrollmentFactory(course=course).student
    for module in ModuleFactory.create_batch(count, course=course):
        add_content(module, "text")
        quiz = quiz_of(quiz_in(module, questions=[_one_question()]))
        start_attempt(student=student, quiz=quiz)

    # Such an answer is never kept whole: the user, the enrollment, the
    # course, modules, contents, texts, quizzes; then the viewer's record:
    # the enrollment, every quiz's attempts.
    with django_assert_num_queries(9):
        result = graphql(CONTENTS, {"id": str(course.pk)}, as_user=student)
    # The shared part from the cache; the record asked again.
    with django_assert_num_queries(4):
        again = graphql(CONTENTS, {"id": str(course.pk)}, as_user=student)

    modules = result["data"]["courseContents"]
    assert [len(module["contents"]) for module in modules] == [2] * count
    assert {module["contents"][1]["quiz"]["attemptsUsed"] for module in modules} == {1}
    assert again == result


def _one_question() -> dict:
    return {
        "kind": "single",
        "text": "?",
        "points": 1,
        "choices": [{"text": "a", "correct": True}, {"text": "b", "correct": False}],
    }


def test_the_instructor_renames_a_quiz_and_gets_it_back_with_its_settings(
    graphql, course, module
):
    content = quiz_in(module, pass_percent=70)

    result = graphql(
        """
        mutation($id: ID!) {
          updateContent(id: $id, input: {title: "Week 2"}) {
            __typename title ... on QuizContent { quiz { passPercent questionsCount } }
          }
        }
        """,
        {"id": str(content.pk)},
        as_user=course.owner,
    )

    assert result["data"]["updateContent"] == {
        "__typename": "QuizContent",
        "title": "Week 2",
        "quiz": {"passPercent": 70, "questionsCount": 4},
    }
