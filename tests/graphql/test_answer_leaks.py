"""No right answer reaches a student over GraphQL before the quiz's review
policy allows it: every answer of an attempt's walk is kept and searched,
and the same walk on a quiz with other right choices answers the same."""

import json
import re

from tests.factories import (
    CourseFactory,
    EnrollmentFactory,
    ModuleFactory,
)
from tests.graphql.learning import (
    CONTENTS,
    PROGRESS,
    START,
    SUBMIT,
)
from tests.learning.quizzes import (
    ACCEPTED,
    NUMBER,
    every_kind,
    quiz_in,
    quiz_of,
)

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
