"""Learning outcomes over GraphQL: progress, contents done, quiz attempts and
quizzes among the contents. The same services as REST, so the same refusals
and messages; who is refused, bad input storing nothing, no right answer
before release, constant SQL counts."""

import json
import re
from datetime import timedelta

import pytest
from django.utils import timezone

from educa.learning.models import (
    AttemptAnswer,
    Certificate,
    ContentCompletion,
    QuizAttempt,
)
from educa.learning.services import complete_content, start_attempt, submit_attempt
from tests.factories import (
    CourseFactory,
    EnrollmentFactory,
    InstructorFactory,
    ModuleFactory,
    StudentFactory,
    add_content,
)
from tests.graphql.conftest import codes
from tests.learning.quizzes import (
    ACCEPTED,
    NUMBER,
    every_kind,
    quiz_in,
    quiz_of,
    right_answers,
    wrong_answers,
)

PROGRESS = """
query($id: ID!) {
  courseProgress(courseId: $id) {
    completed total percent completedAt
    nextContent { id moduleId url }
    certificate { code url pdf }
  }
}
"""
COMPLETE = """
mutation($id: ID!) {
  completeContent(contentId: $id) { completed progress { completed total percent } }
}
"""
UNCOMPLETE = """
mutation($id: ID!) {
  uncompleteContent(contentId: $id) { completed progress { completed total percent } }
}
"""
START = """
mutation($id: ID!) {
  startQuizAttempt(quizId: $id) {
    id quizId number status startedAt deadline secondsLeft created
    questions { id kind text points choices { id text } }
  }
}
"""
SUBMIT = """
mutation($id: ID!, $answers: [AnswerInput!]!) {
  submitQuizAttempt(attemptId: $id, answers: $answers) {
    id quizId number status submittedAt score maxScore percent passed passPercent
    attemptsLeft answersReleased
    results {
      question { id kind text points choices { id text } }
      response points correct correctAnswer
    }
  }
}
"""
CONTENTS = """
query($id: ID!) {
  courseContents(courseId: $id) {
    id
    contents {
      __typename id title html
      ... on QuizContent {
        quiz {
          id passPercent maxAttempts timeLimitSeconds shuffleQuestions
          shuffleChoices grading review questionsCount attemptsUsed bestPercent
        }
      }
    }
  }
}
"""
# The shared part only: such answers may be kept whole for everyone.
QUIZ_SETTINGS_ONLY = """
query($id: ID!) {
  courseContents(courseId: $id) {
    contents { __typename ... on QuizContent { quiz { id questionsCount } } }
  }
}
"""
REFUSED = {
    "anonymous": "UNAUTHENTICATED",
    "not_enrolled": "FORBIDDEN",
    "owner": "FORBIDDEN",
    "other_instructor": "FORBIDDEN",
}


@pytest.fixture
def module(course):
    return ModuleFactory(course=course)


@pytest.fixture
def quiz(module):
    return quiz_of(quiz_in(module, max_attempts=3, pass_percent=50))


def _user(role: str, course):
    return {
        "anonymous": lambda: None,
        "not_enrolled": StudentFactory,
        "enrolled": lambda: EnrollmentFactory(course=course).student,
        "owner": lambda: course.owner,
        "other_instructor": InstructorFactory,
    }[role]()


def _graphql_answers(answers: list[dict]) -> list[dict]:
    """REST's answers as AnswerInput values (ids as strings)."""
    shaped = []
    for answer in answers:
        each = {**answer, "question": str(answer["question"])}
        if "choices" in each:
            each["choices"] = [str(pk) for pk in each["choices"]]
        shaped.append(each)
    return shaped


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
    result = graphql(PROGRESS, {"id": str(course.pk)}, as_user=_user(role, course))

    assert codes(result) == [REFUSED[role]]
    assert result["data"] is None


@pytest.mark.parametrize("role", REFUSED)
def test_only_enrolled_students_mark_contents_done(graphql, course, module, role):
    text = add_content(module)
    done_by_someone = EnrollmentFactory(course=course).student
    complete_content(student=done_by_someone, content=text)
    user = _user(role, course)

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


# Attempts ------------------------------------------------------------------


def test_enrolled_student_starts_resumes_and_submits_an_attempt(graphql, course, quiz):
    student = EnrollmentFactory(course=course).student

    started = graphql(START, {"id": str(quiz.pk)}, as_user=student)
    resumed = graphql(START, {"id": str(quiz.pk)}, as_user=student)
    attempt = QuizAttempt.objects.get()
    submitted = graphql(
        SUBMIT,
        {"id": str(attempt.pk), "answers": _graphql_answers(right_answers(attempt))},
        as_user=student,
    )

    opened = started["data"]["startQuizAttempt"]
    assert opened["created"] is True
    assert resumed["data"]["startQuizAttempt"]["created"] is False
    assert resumed["data"]["startQuizAttempt"]["id"] == opened["id"] == str(attempt.pk)
    assert [question["kind"] for question in opened["questions"]] == [
        "single",
        "multiple",
        "short",
        "numeric",
    ]
    assert opened["questions"][0]["choices"][1] == {
        "id": str(attempt.questions[0]["choices"][1]["id"]),
        "text": attempt.questions[0]["choices"][1]["text"],
    }
    result = submitted["data"]["submitQuizAttempt"]
    assert {k: result[k] for k in ("score", "maxScore", "percent", "passed")} == {
        "score": 6.0,
        "maxScore": 6,
        "percent": 100.0,
        "passed": True,
    }
    assert (result["answersReleased"], result["attemptsLeft"]) == (True, 2)
    first = result["results"][0]
    assert (first["points"], first["correct"]) == (2.0, True)
    assert first["correctAnswer"] == {
        "choices": [c["id"] for c in attempt.questions[0]["choices"] if c["correct"]]
    }
    assert ContentCompletion.objects.filter(student=student).count() == 1


def test_answers_stay_hidden_until_the_review_policy_releases_them(
    graphql, course, module
):
    quiz = quiz_of(quiz_in(module, max_attempts=2, review="after_last_attempt"))
    student = EnrollmentFactory(course=course).student
    attempt, _ = start_attempt(student=student, quiz=quiz)

    result = graphql(
        SUBMIT,
        {"id": str(attempt.pk), "answers": _graphql_answers(wrong_answers(attempt))},
        as_user=student,
    )["data"]["submitQuizAttempt"]

    assert result["answersReleased"] is False
    assert result["passed"] is False
    assert {
        (item["points"], item["correct"], item["correctAnswer"])
        for item in result["results"]
    } == {(None, None, None)}


def test_a_second_submit_is_refused_and_changes_nothing(graphql, course, quiz):
    student = EnrollmentFactory(course=course).student
    attempt, _ = start_attempt(student=student, quiz=quiz)
    graphql(
        SUBMIT,
        {"id": str(attempt.pk), "answers": _graphql_answers(wrong_answers(attempt))},
        as_user=student,
    )

    again = graphql(
        SUBMIT,
        {"id": str(attempt.pk), "answers": _graphql_answers(right_answers(attempt))},
        as_user=student,
    )

    assert codes(again) == ["BAD_USER_INPUT"]
    assert again["errors"][0]["message"] == "This attempt was already submitted."
    attempt.refresh_from_db()
    assert attempt.passed is False
    assert AttemptAnswer.objects.filter(correct=True).count() == 0


def test_a_submit_after_the_deadline_is_refused_and_the_attempt_counts(
    graphql, course, module
):
    quiz = quiz_of(quiz_in(module, time_limit_seconds=60, max_attempts=1))
    student = EnrollmentFactory(course=course).student
    attempt, _ = start_attempt(student=student, quiz=quiz)
    QuizAttempt.objects.filter(pk=attempt.pk).update(
        deadline=timezone.now() - timedelta(minutes=1)
    )

    late = graphql(
        SUBMIT,
        {"id": str(attempt.pk), "answers": _graphql_answers(right_answers(attempt))},
        as_user=student,
    )
    another = graphql(START, {"id": str(quiz.pk)}, as_user=student)

    assert codes(late) == ["BAD_USER_INPUT"]
    assert "Time is up" in late["errors"][0]["message"]
    assert not AttemptAnswer.objects.exists()
    assert codes(another) == ["FORBIDDEN"]
    assert another["errors"][0]["message"] == (
        "You have used all 1 attempts at this quiz."
    )


@pytest.mark.parametrize("role", REFUSED)
def test_only_enrolled_students_start_attempts(graphql, course, quiz, role):
    result = graphql(START, {"id": str(quiz.pk)}, as_user=_user(role, course))

    assert codes(result) == [REFUSED[role]]
    assert result["data"] is None
    assert not QuizAttempt.objects.exists()


def test_used_up_attempts_are_refused(graphql, course, module):
    quiz = quiz_of(quiz_in(module, max_attempts=1))
    student = EnrollmentFactory(course=course).student
    attempt, _ = start_attempt(student=student, quiz=quiz)
    submit_attempt(student=student, attempt=attempt, answers=[])

    result = graphql(START, {"id": str(quiz.pk)}, as_user=student)

    assert codes(result) == ["FORBIDDEN"]
    assert result["errors"][0]["message"] == (
        "You have used all 1 attempts at this quiz."
    )
    assert QuizAttempt.objects.count() == 1


@pytest.mark.parametrize(
    "role", ["anonymous", "enrolled", "not_enrolled", "owner", "other_instructor"]
)
def test_an_attempt_is_its_students_alone(graphql, course, quiz, role):
    student = EnrollmentFactory(course=course).student
    attempt, _ = start_attempt(student=student, quiz=quiz)

    result = graphql(
        SUBMIT,
        {"id": str(attempt.pk), "answers": _graphql_answers(right_answers(attempt))},
        as_user=_user(role, course),
    )

    expected = "UNAUTHENTICATED" if role == "anonymous" else "NOT_FOUND"
    assert codes(result) == [expected]
    attempt.refresh_from_db()
    assert (attempt.status, attempt.score) == ("open", None)
    assert not AttemptAnswer.objects.exists()


def _bad_answers(attempt) -> list[tuple[list[dict], str]]:
    single, multiple, short, numeric = attempt.questions
    other_choice = str(multiple["choices"][0]["id"])
    return [
        ([{"question": "999999", "choices": ["1"]}], "not part of this attempt"),
        ([{"question": str(single["id"]), "text": "x"}], "single choice"),
        ([{"question": str(short["id"]), "number": 1}], "short text"),
        ([{"question": str(numeric["id"]), "choices": ["1"]}], "numeric"),
        (
            [{"question": str(single["id"]), "choices": [other_choice]}],
            "is not one of its choices",
        ),
        (
            [{"question": str(single["id"]), "choices": ["-1"]}],
            "positive integer id",
        ),
        ([{"question": "abc", "text": "x"}], "positive integer id"),
        ([{"question": str(short["id"]), "text": "x" * 100_000}], "1000"),
        ([{"question": str(short["id"]), "text": "a\x00b"}], "NUL"),
        ([{"question": str(numeric["id"]), "number": "NaN"}], "Float"),
        ([{"question": str(numeric["id"]), "number": 1}] * 2, "answered twice"),
        ([{"choices": ["1"]}], "question"),
    ]


def test_bad_answers_are_bad_input_with_a_clear_message_and_store_nothing(
    graphql, course, quiz
):
    student = EnrollmentFactory(course=course).student
    attempt, _ = start_attempt(student=student, quiz=quiz)

    for answers, message in _bad_answers(attempt):
        result = graphql(
            SUBMIT, {"id": str(attempt.pk), "answers": answers}, as_user=student
        )

        assert result["status"] == 200, answers
        assert codes(result) == ["BAD_USER_INPUT"], (answers, result)
        assert message in result["errors"][0]["message"], (answers, result)
    attempt.refresh_from_db()
    assert (attempt.status, attempt.score) == ("open", None)
    assert not AttemptAnswer.objects.exists()


@pytest.mark.parametrize("number", [float("nan"), float("inf"), float("-inf")])
def test_numbers_json_cannot_hold_are_bad_input(graphql, course, quiz, number):
    student = EnrollmentFactory(course=course).student
    attempt, _ = start_attempt(student=student, quiz=quiz)
    numeric = str(attempt.questions[3]["id"])

    # json.dumps writes them as NaN and Infinity, which Python's parser reads.
    result = graphql(
        SUBMIT,
        {"id": str(attempt.pk), "answers": [{"question": numeric, "number": number}]},
        as_user=student,
    )

    assert codes(result) == ["BAD_USER_INPUT"]
    assert not AttemptAnswer.objects.exists()


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
    graphql, course, module, django_assert_num_queries
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
    graphql, django_assert_num_queries, warm_content_types, count
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


# No right answer before release -----------------------------------------------


def _flipped() -> list[dict]:
    """every_kind() with other choices right (texts and order unchanged)."""
    questions = every_kind()
    for choice in [*questions[0]["choices"][:2], *questions[1]["choices"]]:
        choice["correct"] = not choice["correct"]
    return questions


def _walk(graphql, questions: list[dict]) -> list[tuple[str, dict]]:
    """Every answer a student gets taking a quiz whose answers are released
    only after the last attempt: contents before, during and after, starting,
    resuming, submitting (no choice picked: the score says nothing of which
    is right), submitting again, progress."""
    course = CourseFactory(title="Course")
    module = ModuleFactory(course=course, title="Module", description="d")
    quiz = quiz_of(
        quiz_in(
            module, questions=questions, max_attempts=3, review="after_last_attempt"
        )
    )
    student = EnrollmentFactory(course=course).student
    seen: list[tuple[str, dict]] = []

    def keep(label: str, query: str, variables: dict) -> dict:
        result = graphql(query, variables, as_user=student)
        seen.append((label, result))
        return result

    keep("contents", CONTENTS, {"id": str(course.pk)})
    opened = keep("start", START, {"id": str(quiz.pk)})["data"]["startQuizAttempt"]
    keep("resume", START, {"id": str(quiz.pk)})
    keep("contents during", CONTENTS, {"id": str(course.pk)})
    _, _, short, numeric = opened["questions"]
    answers = [
        {"question": short["id"], "text": "guess"},
        {"question": numeric["id"], "number": 1},
    ]
    keep("submit", SUBMIT, {"id": opened["id"], "answers": answers})
    keep("second submit", SUBMIT, {"id": opened["id"], "answers": []})
    keep("contents after", CONTENTS, {"id": str(course.pk)})
    keep("progress", PROGRESS, {"id": str(course.pk)})
    return seen


def test_no_graphql_answer_during_an_attempt_holds_a_right_answer(graphql):
    seen = _walk(graphql, every_kind())

    for label, result in seen:
        body = json.dumps(result)
        for marker in (ACCEPTED, ACCEPTED.lower(), str(NUMBER)):
            assert marker not in body, f"{marker!r} in {label}"
        for item in _results(result):
            assert (item["points"], item["correct"], item["correctAnswer"]) == (
                None,
                None,
                None,
            ), label
    submitted = seen[4][1]["data"]["submitQuizAttempt"]
    assert submitted["answersReleased"] is False
    assert len(seen) == 8


def test_nothing_sent_depends_on_which_choice_is_right(graphql):
    first = _walk(graphql, every_kind())
    second = _walk(graphql, _flipped())

    for (label, result), (_, other) in zip(first, second, strict=True):
        assert _blank(result) == _blank(other), label


def _blank(result: dict) -> str:
    """The answer with every number (ids, dates, scores) made 0."""
    return re.sub(r"\d+", "0", json.dumps(result, sort_keys=True))


def _results(result: dict) -> list[dict]:
    data = result.get("data") or {}
    submitted = data.get("submitQuizAttempt") or {}
    return submitted.get("results", [])


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
