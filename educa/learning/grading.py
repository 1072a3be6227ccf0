"""Quiz questions as an attempt freezes them, what a student may see of
them, how an answer is checked, and how it is graded. No database here.

A frozen question is a dict: `id`, `kind`, `text`, `points`, `choices`
(`[{"id", "text", "correct"}]`, in the order shown), `partial_credit`,
`accepted_answers` (normalised), `answer`, `tolerance`. `for_student` is the
one place that takes what is right out of it.
"""

import math
import random
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from django.core.exceptions import ValidationError

from educa.courses.models import Question
from educa.courses.quiz_services import normalize_answer

Kind = Question.Kind
SHORT_ANSWER_LIMIT = 1000
KIND_NAMES = {
    Kind.SINGLE: "single choice",
    Kind.MULTIPLE: "multiple choice",
    Kind.SHORT: "short text",
    Kind.NUMERIC: "numeric",
}
_ANSWER_KEY = {
    Kind.SINGLE: "choices",
    Kind.MULTIPLE: "choices",
    Kind.SHORT: "text",
    Kind.NUMERIC: "number",
}
# What the student may see of a question while it is open.
_STUDENT_KEYS = ("id", "kind", "text", "points")


def question_bank(questions: Iterable[Question]) -> list[dict[str, Any]]:
    """The quiz's questions (with `.choices.all()` prefetched), in order, as
    frozen dicts: what every attempt starts from."""
    return [
        {
            "id": question.pk,
            "kind": question.kind,
            "text": question.text,
            "points": question.points,
            "choices": [
                {"id": choice.pk, "text": choice.text, "correct": choice.correct}
                for choice in question.choices.all()
            ],
            "partial_credit": question.partial_credit,
            "accepted_answers": [
                normalize_answer(answer) for answer in question.accepted_answers
            ],
            "answer": question.answer,
            "tolerance": question.tolerance,
        }
        for question in questions
    ]


def freeze_questions(
    bank: Sequence[Mapping[str, Any]], *, shuffle_questions: bool, shuffle_choices: bool
) -> list[dict[str, Any]]:
    """The questions of `bank` as one attempt shows them: shuffled when
    asked, that order kept for the attempt's life. `bank` is not changed."""
    shuffler = random.SystemRandom()
    frozen = [
        {**question, "choices": [dict(choice) for choice in question["choices"]]}
        for question in bank
    ]
    if shuffle_choices:
        for question in frozen:
            shuffler.shuffle(question["choices"])
    if shuffle_questions:
        shuffler.shuffle(frozen)
    return frozen


def for_student(question: Mapping[str, Any]) -> dict[str, Any]:
    """What a student sees of a frozen question before review: nothing that
    tells a right answer from a wrong one."""
    shown = {key: question[key] for key in _STUDENT_KEYS}
    shown["choices"] = [
        {"id": choice["id"], "text": choice["text"]} for choice in question["choices"]
    ]
    return shown


def correct_answer(question: Mapping[str, Any]) -> dict[str, Any]:
    """What is right, for review: `{"choices": [ids]}`, `{"answers": [...]}`
    or `{"answer", "tolerance"}`."""
    kind = question["kind"]
    if kind in (Kind.SINGLE, Kind.MULTIPLE):
        return {"choices": [c["id"] for c in question["choices"] if c["correct"]]}
    if kind == Kind.SHORT:
        return {"answers": question["accepted_answers"]}
    return {"answer": question["answer"], "tolerance": question["tolerance"]}


def _is_id(value: Any) -> bool:
    return type(value) is int


def _clean_response(question: Mapping[str, Any], answer: Mapping[str, Any]) -> dict:
    """One answer checked against its question; a ValidationError naming the
    question otherwise."""
    kind, number = question["kind"], question["id"]
    key = _ANSWER_KEY[kind]
    given = set(answer) - {"question"}
    if given != {key}:
        raise ValidationError(
            f"Question {number} is a {KIND_NAMES[kind]} question: answer it "
            f'with "{key}" alone.'
        )
    value = answer[key]
    if kind in (Kind.SINGLE, Kind.MULTIPLE):
        if not isinstance(value, list) or not all(map(_is_id, value)):
            raise ValidationError(
                f'Question {number}: "choices" is a list of choice ids.'
            )
        if len(set(value)) != len(value):
            raise ValidationError(f"Question {number}: a choice is given twice.")
        if kind == Kind.SINGLE and len(value) > 1:
            raise ValidationError(f"Question {number} takes one choice.")
        offered = {choice["id"] for choice in question["choices"]}
        if unknown := [pk for pk in value if pk not in offered]:
            raise ValidationError(
                f"Question {number}: {unknown[0]} is not one of its choices."
            )
        return {"choices": value}
    if kind == Kind.SHORT:
        if not isinstance(value, str):
            raise ValidationError(f'Question {number}: "text" must be text.')
        if len(value) > SHORT_ANSWER_LIMIT:
            raise ValidationError(
                f"Question {number}: the answer is longer than "
                f"{SHORT_ANSWER_LIMIT} characters."
            )
        if "\x00" in value:
            raise ValidationError(f"Question {number}: the answer holds a NUL.")
        return {"text": value}
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValidationError(f'Question {number}: "number" must be a number.')
    if not math.isfinite(value):
        raise ValidationError(f'Question {number}: "number" must be finite.')
    return {"number": float(value)}


def clean_answers(
    questions: Sequence[Mapping[str, Any]], answers: Any
) -> dict[int, dict[str, Any]]:
    """The student's `answers` (`[{"question": id, "choices"|"text"|"number":
    ...}]`) by question id, each checked against the attempt's frozen
    `questions`. Questions left out are unanswered. Anything wrong (an
    unknown question, a question twice, an answer of the wrong kind, a
    choice of another question, not a finite number, too long a text) is a
    ValidationError that says which and why."""
    if not isinstance(answers, list | tuple):
        raise ValidationError('"answers" is a list of answers.')
    by_id = {question["id"]: question for question in questions}
    if len(answers) > len(by_id):
        raise ValidationError(
            f"This attempt has {len(by_id)} questions; {len(answers)} answers sent."
        )
    cleaned: dict[int, dict[str, Any]] = {}
    for answer in answers:
        if not isinstance(answer, Mapping) or not _is_id(answer.get("question")):
            raise ValidationError('Each answer names its "question" by id.')
        number = answer["question"]
        if number not in by_id:
            raise ValidationError(f"Question {number} is not part of this attempt.")
        if number in cleaned:
            raise ValidationError(f"Question {number} is answered twice.")
        cleaned[number] = _clean_response(by_id[number], answer)
    return cleaned


def grade(
    question: Mapping[str, Any], response: Mapping[str, Any] | None
) -> tuple[float, bool]:
    """(points earned, whether fully right) for one frozen question.

    Multiple choice is all or nothing, or with `partial_credit` the share of
    right choices picked less the share of wrong ones picked (never below 0).
    Short text matches an accepted answer after normalising case and spaces.
    Numeric is right within answer ± tolerance.
    """
    points = question["points"]
    if response is None:
        return 0.0, False
    kind = question["kind"]
    if kind in (Kind.SINGLE, Kind.MULTIPLE):
        right = {c["id"] for c in question["choices"] if c["correct"]}
        wrong = {c["id"] for c in question["choices"]} - right
        picked = set(response["choices"])
        if picked == right:
            return float(points), True
        if kind == Kind.MULTIPLE and question["partial_credit"]:
            share = len(picked & right) / len(right)
            if wrong:
                share -= len(picked & wrong) / len(wrong)
            return round(max(share, 0.0) * points, 2), False
        return 0.0, False
    if kind == Kind.SHORT:
        right = normalize_answer(response["text"]) in question["accepted_answers"]
    else:
        # A float's last bits must not turn 0.3 into a wrong answer to 0.1 + 0.2.
        slack = 1e-9 * max(1.0, abs(question["answer"]))
        distance = abs(response["number"] - question["answer"])
        right = distance <= question["tolerance"] + slack
    return (float(points), True) if right else (0.0, False)


def graded_answers(
    questions: Sequence[Mapping[str, Any]], responses: Mapping[int, dict[str, Any]]
) -> list[dict[str, Any]]:
    """Every frozen question graded, in the attempt's order, as the attempt
    stores them: `{"question": id, "response": {...} | None, "points",
    "correct"}`. `responses` comes from `clean_answers`; a question left out
    is unanswered."""
    graded = []
    for question in questions:
        response = responses.get(question["id"])
        points, correct = grade(question, response)
        graded.append(
            {
                "question": question["id"],
                "response": response,
                "points": points,
                "correct": correct,
            }
        )
    return graded
