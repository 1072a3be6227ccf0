"""Authoring quizzes over GraphQL: the course's instructor adds and changes
them through the services REST uses; bad questions and everyone else are
refused, and nothing is stored."""

import pytest

from educa.courses.models import Content, Question, Quiz
from tests.factories import (
    EnrollmentFactory,
    InstructorFactory,
    StudentFactory,
    add_content,
)
from tests.graphql.conftest import codes
from tests.learning.quizzes import ACCEPTED, NUMBER, quiz_in, quiz_of

ADD = """
mutation($module: ID!, $input: QuizInput!) {
  addQuiz(moduleId: $module, input: $input) {
    id title
    quiz { passPercent maxAttempts timeLimitSeconds review grading questionsCount }
  }
}
"""
UPDATE = """
mutation($id: ID!, $input: QuizInput!) {
  updateQuiz(contentId: $id, input: $input) {
    title quiz { passPercent questionsCount }
  }
}
"""


def every_kind() -> list[dict]:
    return [
        {
            "kind": "SINGLE",
            "text": "Which one?",
            "points": 2,
            "choices": [
                {"text": "this", "correct": True},
                {"text": "that"},
            ],
        },
        {
            "kind": "MULTIPLE",
            "text": "Which ones?",
            "partialCredit": True,
            "choices": [
                {"text": "a", "correct": True},
                {"text": "b", "correct": True},
                {"text": "c"},
            ],
        },
        {"kind": "SHORT", "text": "Name it.", "answers": [ACCEPTED]},
        {"kind": "NUMERIC", "text": "How much?", "answer": NUMBER, "tolerance": 0.5},
    ]


def test_instructor_adds_a_quiz_with_every_kind_of_question(graphql, course, module):
    result = graphql(
        ADD,
        {
            "module": module.pk,
            "input": {
                "title": "Week 1",
                "passPercent": 80,
                "maxAttempts": 2,
                "timeLimitSeconds": 900,
                "review": "AFTER_LAST_ATTEMPT",
                "questions": every_kind(),
            },
        },
        as_user=course.owner,
    )

    added = result["data"]["addQuiz"]
    assert added["title"] == "Week 1"
    assert added["quiz"] == {
        "passPercent": 80,
        "maxAttempts": 2,
        "timeLimitSeconds": 900,
        "review": "after_last_attempt",
        "grading": "highest",
        "questionsCount": 4,
    }
    quiz = Quiz.objects.get()
    questions = list(quiz.questions.order_by("order"))
    assert [q.kind for q in questions] == ["single", "multiple", "short", "numeric"]
    assert [q.points for q in questions] == [2, 1, 1, 1]
    assert questions[1].partial_credit is True
    assert questions[2].accepted_answers == [ACCEPTED]
    assert (questions[3].answer, questions[3].tolerance) == (NUMBER, 0.5)
    assert [c.correct for c in questions[0].choices.order_by("order")] == [True, False]
    assert Content.objects.get().pk == int(added["id"])


@pytest.mark.parametrize(
    ("input", "message"),
    [
        ({}, "needs a title"),
        (
            {
                "title": "Q",
                "questions": [
                    {
                        "kind": "SINGLE",
                        "text": "?",
                        "choices": [{"text": "a"}, {"text": "b"}],
                    }
                ],
            },
            "exactly one right choice",
        ),
        (
            {"title": "Q", "questions": [{"kind": "NUMERIC", "text": "?"}]},
            "needs its answer",
        ),
        (
            {
                "title": "Q",
                "questions": [
                    {"kind": "SHORT", "text": "?", "choices": [{"text": "a"}]}
                ],
            },
            "not used by short questions",
        ),
        (
            {"title": "Q", "questions": [{"kind": "SHORT", "text": "x" * 10_000}]},
            "longer than",
        ),
        (
            {
                "title": "Q",
                "questions": [{"kind": "NUMERIC", "text": "?", "answer": 1e300}],
            },
            "finite number",
        ),
        ({"title": "Q", "passPercent": 101}, "100"),
        ({"title": "Q", "maxAttempts": -1}, "0"),
        ({"title": "Q", "review": "AFTER_LAST_ATTEMPT"}, "maximum number of attempts"),
        ({"title": "Q", "grading": "BEST"}, "QuizGrading"),
    ],
)
def test_bad_quizzes_are_bad_input_and_add_nothing(
    graphql, course, module, input, message
):
    result = graphql(ADD, {"module": module.pk, "input": input}, as_user=course.owner)

    assert codes(result) == ["BAD_USER_INPUT"], result
    assert message in str(result["errors"][0]), result
    assert not Quiz.objects.exists()
    assert not Question.objects.exists()


@pytest.mark.parametrize(
    ("role", "code"),
    [
        ("anonymous", "UNAUTHENTICATED"),
        ("student", "FORBIDDEN"),
        ("enrolled", "FORBIDDEN"),
        ("other_instructor", "FORBIDDEN"),
    ],
)
def test_only_the_courses_instructor_adds_or_changes_quizzes(
    graphql, course, module, role, code
):
    content = quiz_in(module, pass_percent=50)
    user = {
        "anonymous": lambda: None,
        "student": StudentFactory,
        "enrolled": lambda: EnrollmentFactory(course=course).student,
        "other_instructor": InstructorFactory,
    }[role]()

    added = graphql(ADD, {"module": module.pk, "input": {"title": "Q"}}, as_user=user)
    changed = graphql(
        UPDATE, {"id": content.pk, "input": {"passPercent": 0}}, as_user=user
    )

    assert codes(added) == codes(changed) == [code]
    assert Quiz.objects.count() == 1
    assert quiz_of(content).pass_percent == 50


def test_instructor_changes_settings_and_replaces_the_questions(
    graphql, course, module
):
    content = quiz_in(module, pass_percent=50)

    result = graphql(
        UPDATE,
        {
            "id": content.pk,
            "input": {
                "title": "Renamed",
                "passPercent": 90,
                "questions": every_kind()[:1],
            },
        },
        as_user=course.owner,
    )

    assert result["data"]["updateQuiz"] == {
        "title": "Renamed",
        "quiz": {"passPercent": 90, "questionsCount": 1},
    }
    assert Question.objects.get().text == "Which one?"


def test_update_quiz_of_another_kind_or_unknown_is_refused(graphql, course, module):
    text = add_content(module)

    other_kind = graphql(
        UPDATE, {"id": text.pk, "input": {"title": "x"}}, as_user=course.owner
    )
    unknown = graphql(
        UPDATE, {"id": "999999", "input": {"title": "x"}}, as_user=course.owner
    )
    no_module = graphql(
        ADD, {"module": "999999", "input": {"title": "x"}}, as_user=course.owner
    )

    assert codes(other_kind) == ["BAD_USER_INPUT"]
    assert codes(unknown) == codes(no_module) == ["NOT_FOUND"]
    assert text.item.title != "x"
