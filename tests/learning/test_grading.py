"""Grading against frozen questions, and the checks every answer goes through."""

import math

import pytest
from django.core.exceptions import ValidationError

from educa.learning.grading import clean_answers, correct_answer, for_student, grade


def _single():
    return {
        "id": 1,
        "kind": "single",
        "text": "?",
        "points": 2,
        "choices": [
            {"id": 10, "text": "a", "correct": False},
            {"id": 11, "text": "b", "correct": True},
        ],
        "partial_credit": False,
        "accepted_answers": [],
        "answer": None,
        "tolerance": 0,
    }


def _multiple(partial: bool):
    return {
        **_single(),
        "id": 2,
        "kind": "multiple",
        "points": 4,
        "partial_credit": partial,
        "choices": [
            {"id": 20, "text": "a", "correct": True},
            {"id": 21, "text": "b", "correct": True},
            {"id": 22, "text": "c", "correct": False},
            {"id": 23, "text": "d", "correct": False},
        ],
    }


def _short():
    return {
        **_single(),
        "id": 3,
        "kind": "short",
        "points": 1,
        "choices": [],
        "accepted_answers": ["guido van rossum", "guido"],
    }


def _numeric():
    return {
        **_single(),
        "id": 4,
        "kind": "numeric",
        "points": 1,
        "choices": [],
        "answer": 3.14,
        "tolerance": 0.01,
    }


def test_single_choice_is_right_or_wrong():
    assert grade(_single(), {"choices": [11]}) == (2.0, True)
    assert grade(_single(), {"choices": [10]}) == (0.0, False)
    assert grade(_single(), {"choices": []}) == (0.0, False)
    assert grade(_single(), None) == (0.0, False)


def test_multiple_choice_is_all_or_nothing_by_default():
    assert grade(_multiple(False), {"choices": [20, 21]}) == (4.0, True)
    assert grade(_multiple(False), {"choices": [20]}) == (0.0, False)
    assert grade(_multiple(False), {"choices": [20, 21, 22]}) == (0.0, False)


def test_multiple_choice_partial_credit_takes_off_for_wrong_picks():
    assert grade(_multiple(True), {"choices": [20]}) == (2.0, False)
    assert grade(_multiple(True), {"choices": [20, 22]}) == (0.0, False)
    assert grade(_multiple(True), {"choices": [20, 21, 22]}) == (2.0, False)
    assert grade(_multiple(True), {"choices": [22, 23]}) == (0.0, False)
    assert grade(_multiple(True), {"choices": [20, 21]}) == (4.0, True)


@pytest.mark.parametrize(
    ("text", "right"),
    [
        ("Guido van Rossum", True),
        ("  GUIDO   van\tROSSUM ", True),
        ("guido", True),
        ("Guido v. Rossum", False),
        ("", False),
    ],
)
def test_short_text_is_compared_without_case_and_extra_spaces(text, right):
    assert grade(_short(), {"text": text})[1] is right


@pytest.mark.parametrize(
    ("number", "right"),
    [(3.14, True), (3.15, True), (3.13, True), (3.1501, False), (-3.14, False)],
)
def test_numeric_is_right_within_the_tolerance(number, right):
    assert grade(_numeric(), {"number": number})[1] is right


def test_numeric_without_tolerance_forgives_float_rounding():
    question = {**_numeric(), "answer": 0.3, "tolerance": 0.0}

    assert grade(question, {"number": 0.1 + 0.2}) == (1.0, True)


def test_what_a_student_sees_of_a_question_says_nothing_of_what_is_right():
    shown = for_student(_multiple(True))

    assert shown == {
        "id": 2,
        "kind": "multiple",
        "text": "?",
        "points": 4,
        "choices": [
            {"id": 20, "text": "a"},
            {"id": 21, "text": "b"},
            {"id": 22, "text": "c"},
            {"id": 23, "text": "d"},
        ],
    }
    assert for_student(_numeric())["choices"] == []
    assert "answer" not in for_student(_numeric())
    assert "accepted_answers" not in for_student(_short())


def test_correct_answer_for_review():
    assert correct_answer(_multiple(False)) == {"choices": [20, 21]}
    assert correct_answer(_short()) == {"answers": ["guido van rossum", "guido"]}
    assert correct_answer(_numeric()) == {"answer": 3.14, "tolerance": 0.01}


QUESTIONS = [_single(), _multiple(False), _short(), _numeric()]


def test_good_answers_are_kept_by_question():
    answers = [
        {"question": 1, "choices": [11]},
        {"question": 3, "text": "guido"},
        {"question": 4, "number": 3},
    ]

    assert clean_answers(QUESTIONS, answers) == {
        1: {"choices": [11]},
        3: {"text": "guido"},
        4: {"number": 3.0},
    }


@pytest.mark.parametrize(
    ("answers", "message"),
    [
        ({"question": 1}, '"answers" is a list of answers.'),
        (["x"], 'Each answer names its "question" by id.'),
        ([{"question": "1", "choices": [11]}], 'Each answer names its "question"'),
        ([{"question": 99, "choices": [11]}], "Question 99 is not part of this"),
        (
            [{"question": 1, "choices": [11]}, {"question": 1, "choices": [10]}],
            "Question 1 is answered twice.",
        ),
        (
            [{"question": 1, "text": "b"}],
            'single choice question: answer it with "choices"',
        ),
        (
            [{"question": 3, "choices": [11]}],
            'short text question: answer it with "text"',
        ),
        ([{"question": 4, "text": "3"}], 'numeric question: answer it with "number"'),
        ([{"question": 1, "choices": [11], "text": "b"}], "alone"),
        (
            [{"question": 1, "choices": [20]}],
            "Question 1: 20 is not one of its choices.",
        ),
        ([{"question": 1, "choices": [10, 11]}], "Question 1 takes one choice."),
        ([{"question": 2, "choices": [20, 20]}], "a choice is given twice"),
        ([{"question": 2, "choices": ["20"]}], '"choices" is a list of choice ids.'),
        ([{"question": 2, "choices": 20}], '"choices" is a list of choice ids.'),
        ([{"question": 4, "number": math.nan}], '"number" must be finite.'),
        ([{"question": 4, "number": math.inf}], '"number" must be finite.'),
        ([{"question": 4, "number": True}], '"number" must be a number.'),
        ([{"question": 4, "number": "3.14"}], '"number" must be a number.'),
        ([{"question": 3, "text": "x" * 1001}], "longer than 1000 characters"),
        ([{"question": 3, "text": "a\x00b"}], "holds a NUL"),
        ([{"question": 3, "text": 5}], '"text" must be text.'),
        ([{"question": n, "text": "x"} for n in range(5)], "4 questions; 5 answers"),
    ],
)
def test_bad_answers_are_refused_with_a_clear_message(answers, message):
    with pytest.raises(ValidationError) as refused:
        clean_answers(QUESTIONS, answers)

    assert message in " ".join(refused.value.messages)
