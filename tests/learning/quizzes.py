"""Quizzes for tests: made through the authoring service, as instructors do."""

from typing import Any

from educa.courses.models import Content, Module, Quiz
from educa.courses.services import add_content

# One question of each kind; the right answers are unmistakable markers, so
# a test can look for them in everything a student receives.
RIGHT_CHOICE = "RIGHT-7f3a9c"
RIGHT_CHOICE_2 = "RIGHT-2b81e4"
ACCEPTED = "ACCEPTED-d41e07"
NUMBER = 987654.125


def every_kind() -> list[dict[str, Any]]:
    return [
        {
            "kind": "single",
            "text": "Which one?",
            "points": 2,
            "choices": [
                {"text": "wrong-a", "correct": False},
                {"text": RIGHT_CHOICE, "correct": True},
                {"text": "wrong-b", "correct": False},
            ],
        },
        {
            "kind": "multiple",
            "text": "Which ones?",
            "points": 2,
            "choices": [
                {"text": RIGHT_CHOICE_2, "correct": True},
                {"text": "wrong-c", "correct": False},
                {"text": f"{RIGHT_CHOICE_2}-too", "correct": True},
            ],
        },
        {"kind": "short", "text": "Name it.", "points": 1, "answers": [ACCEPTED]},
        {
            "kind": "numeric",
            "text": "How much?",
            "points": 1,
            "answer": NUMBER,
            "tolerance": 0.5,
        },
    ]


def quiz_in(
    module: Module, *, questions: list[dict] | None = None, **settings: Any
) -> Content:
    """A quiz content appended to `module` (every kind of question by default)."""
    return add_content(
        module=module,
        by=module.course.owner,
        kind="quiz",
        title=settings.pop("title", "Check yourself"),
        questions=every_kind() if questions is None else questions,
        **settings,
    )


def right_answers(attempt) -> list[dict[str, Any]]:
    """Full marks for an attempt, from the questions it froze."""
    answers = []
    for question in attempt.questions:
        kind = question["kind"]
        if kind in ("single", "multiple"):
            right = [c["id"] for c in question["choices"] if c["correct"]]
            answers.append({"question": question["id"], "choices": right})
        elif kind == "short":
            answers.append({"question": question["id"], "text": ACCEPTED.lower()})
        else:
            answers.append({"question": question["id"], "number": question["answer"]})
    return answers


def wrong_answers(attempt) -> list[dict[str, Any]]:
    """Nothing right (every choice question gets a wrong choice)."""
    answers = []
    for question in attempt.questions:
        if question["kind"] in ("single", "multiple"):
            wrong = [c["id"] for c in question["choices"] if not c["correct"]][:1]
            answers.append({"question": question["id"], "choices": wrong})
    return answers


def quiz_of(content: Content) -> Quiz:
    return Quiz.objects.select_related("course").get(pk=content.object_id)
