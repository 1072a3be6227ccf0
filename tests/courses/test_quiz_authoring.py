"""Quiz authoring: the quiz is one more content on the module page; its
questions are added, edited, reordered and deleted by the course's
instructor alone, and checked by one set of rules."""

import json

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from educa.courses.models import Choice, Content, Question, Quiz
from educa.courses.quiz_services import (
    add_question,
    clean_question,
    delete_question,
    reorder_questions,
    replace_questions,
)
from tests.factories import ModuleFactory
from tests.learning.quizzes import quiz_in, quiz_of
from tests.roles import ROLES, sign_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def module(course):
    return ModuleFactory(course=course)


@pytest.fixture
def content(module):
    return quiz_in(module, questions=[])


def test_owner_adds_a_quiz_then_its_questions_on_the_pages(client, course, module):
    client.force_login(course.owner)

    created = client.post(
        reverse("module_content_create", args=[module.pk, "quiz"]),
        {
            "title": "Week 1 check",
            "pass_percent": 70,
            "max_attempts": 3,
            "time_limit_seconds": 0,
            "grading": "highest",
            "review": "after_submit",
        },
    )
    content = Content.objects.get()
    assert created["Location"] == reverse("module_content_update", args=[content.pk])

    page = client.get(created["Location"])
    assert "+ True / false" in page.content.decode()
    client.post(
        reverse("question_create", args=[content.pk, "truefalse"]),
        {
            "text": "The sky is blue.",
            "points": 1,
            "choice_0": "True",
            "right_0": "on",
            "choice_1": "False",
        },
    )
    client.post(
        reverse("question_create", args=[content.pk, "multiple"]),
        {
            "text": "Primes?",
            "points": 2,
            "partial_credit": "on",
            "choice_0": "2",
            "right_0": "on",
            "choice_1": "3",
            "right_1": "on",
            "choice_2": "4",
        },
    )
    client.post(
        reverse("question_create", args=[content.pk, "short"]),
        {"text": "Who?", "points": 1, "answers": "Guido\n\n guido van rossum \n"},
    )
    client.post(
        reverse("question_create", args=[content.pk, "numeric"]),
        {"text": "Pi?", "points": 1, "answer": "3.14", "tolerance": "0.01"},
    )

    quiz = Quiz.objects.get()
    assert (quiz.title, quiz.pass_percent, quiz.max_attempts) == ("Week 1 check", 70, 3)
    questions = list(quiz.questions.order_by("order"))
    assert [(q.kind, q.order) for q in questions] == [
        ("single", 0),
        ("multiple", 1),
        ("short", 2),
        ("numeric", 3),
    ]
    assert [(c.text, c.correct) for c in questions[0].choices.all()] == [
        ("True", True),
        ("False", False),
    ]
    assert questions[1].partial_credit
    assert questions[2].accepted_answers == ["Guido", "guido van rossum"]
    assert (questions[3].answer, questions[3].tolerance) == (3.14, 0.01)
    listing = client.get(reverse("module_content_list", args=[module.pk]))
    assert "Week 1 check" in listing.content.decode()


def test_a_question_breaking_the_rules_is_a_form_error_and_adds_nothing(
    client, course, content
):
    client.force_login(course.owner)

    response = client.post(
        reverse("question_create", args=[content.pk, "single"]),
        {"text": "Which?", "points": 1, "choice_0": "a", "choice_1": "b"},
    )

    assert response.status_code == 200
    assert "exactly one right choice" in response.content.decode()
    assert not Question.objects.exists()


def test_owner_edits_and_deletes_a_question(client, course, module):
    content = quiz_in(module)
    question = Question.objects.get(kind="single")
    client.force_login(course.owner)

    form = client.get(reverse("question_edit", args=[question.pk]))
    assert 'value="RIGHT-7f3a9c"' in form.content.decode()
    client.post(
        reverse("question_edit", args=[question.pk]),
        {
            "text": "Edited",
            "points": 3,
            "choice_0": "x",
            "choice_1": "y",
            "right_1": "on",
        },
    )
    question.refresh_from_db()
    assert (question.text, question.points) == ("Edited", 3)
    assert [(c.text, c.correct) for c in question.choices.all()] == [
        ("x", False),
        ("y", True),
    ]

    client.post(reverse("question_delete", args=[question.pk]))
    assert not Question.objects.filter(pk=question.pk).exists()
    assert Quiz.objects.get().questions.count() == 3
    assert Content.objects.get() == content


@pytest.mark.parametrize("role", ROLES)
def test_only_the_owner_authors_questions(client, course, module, role):
    content = quiz_in(module)
    question = Question.objects.get(kind="single")
    sign_in(client, role, course)

    responses = [
        client.get(reverse("module_content_update", args=[content.pk])),
        client.post(
            reverse("question_create", args=[content.pk, "short"]),
            {"text": "New", "points": 1, "answers": "a"},
        ),
        client.post(
            reverse("question_edit", args=[question.pk]),
            {
                "text": "Hacked",
                "points": 1,
                "choice_0": "a",
                "right_0": "on",
                "choice_1": "b",
            },
        ),
        client.post(reverse("question_delete", args=[question.pk])),
        client.post(
            reverse("question_order", args=[content.pk]),
            json.dumps({"question_ids": []}),
            content_type="application/json",
        ),
    ]

    if role == "owner":
        assert [r.status_code for r in responses] == [200, 302, 302, 302, 400]
        return
    expected = {
        "anonymous": 302,
        "student": 403,
        "enrolled": 403,
        "other_instructor": 404,
    }[role]
    assert {r.status_code for r in responses} == {expected}
    assert Question.objects.count() == 4
    assert Question.objects.filter(text="Hacked").count() == 0


def test_questions_are_reordered_as_json(client, course, module):
    content = quiz_in(module)
    ids = list(Question.objects.order_by("order").values_list("pk", flat=True))
    client.force_login(course.owner)

    response = client.post(
        reverse("question_order", args=[content.pk]),
        json.dumps({"question_ids": ids[::-1]}),
        content_type="application/json",
    )

    assert response.json() == {"saved": True}
    assert (
        list(Question.objects.order_by("order").values_list("pk", flat=True))
        == ids[::-1]
    )


def test_the_quiz_editor_shows_the_owner_what_is_right(client, course, module):
    content = quiz_in(module)
    client.force_login(course.owner)

    html = client.get(
        reverse("module_content_update", args=[content.pk])
    ).content.decode()

    assert "right:" in html
    assert "RIGHT-7f3a9c" in html
    assert "ACCEPTED-d41e07" in html


# The rules, as services ------------------------------------------------------


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        ("not a dict", "A question is an object"),
        ({"kind": "poll", "text": "?"}, "kind is one of"),
        (
            {"kind": "short", "text": "?", "answers": ["a"], "points": True},
            "whole number",
        ),
        ({"kind": "short", "text": "?", "answers": ["a"], "points": 1001}, "1 to 1000"),
        ({"kind": "short", "text": "   ", "answers": ["a"]}, "question text is empty"),
        ({"kind": "short", "text": "a\x00", "answers": ["a"]}, "NUL"),
        ({"kind": "short", "text": "?", "answers": ["a"] * 21}, "1 to 20"),
        ({"kind": "short", "text": "?", "answers": [3]}, "must be text"),
        ({"kind": "numeric", "text": "?", "answer": float("nan")}, "finite"),
        (
            {"kind": "numeric", "text": "?", "answer": 1, "tolerance": float("inf")},
            "finite",
        ),
        ({"kind": "numeric", "text": "?", "answer": "1"}, "must be a number"),
        (
            {
                "kind": "single",
                "text": "?",
                "choices": [{"text": "a", "correct": "yes"}, {"text": "b"}],
            },
            "true or false",
        ),
        (
            {
                "kind": "single",
                "text": "?",
                "choices": [{"text": "a", "correct": True, "x": 1}, {"text": "b"}],
            },
            "Each choice",
        ),
        (
            {
                "kind": "multiple",
                "text": "?",
                "choices": [{"text": "a"}, {"text": "b"}],
            },
            "needs a right choice",
        ),
        (
            {
                "kind": "multiple",
                "text": "?",
                "choices": [{"text": "a", "correct": True}] * 21,
            },
            "2 to 20",
        ),
        (
            {
                "kind": "single",
                "text": "?",
                "choices": [{"text": "a", "correct": True}, {"text": "b"}],
                "partial_credit": True,
            },
            "not used by single",
        ),
    ],
)
def test_clean_question_says_what_is_wrong(spec, message):
    with pytest.raises(ValidationError) as refused:
        clean_question(spec)

    assert message in " ".join(refused.value.messages)


def test_true_false_is_a_single_choice_question():
    question = clean_question(
        {
            "kind": "single",
            "text": "True?",
            "choices": [{"text": "True", "correct": True}, {"text": "False"}],
        }
    )

    assert question["choices"] == [
        {"text": "True", "correct": True},
        {"text": "False", "correct": False},
    ]


def test_another_instructor_changes_no_question(content, other_instructor):
    quiz = quiz_of(content)
    question = add_question(
        quiz=quiz, by=quiz.course.owner, kind="short", text="?", answers=["a"]
    )

    for attempt in (
        lambda: add_question(
            quiz=quiz, by=other_instructor, kind="short", text="?", answers=["a"]
        ),
        lambda: delete_question(question=question, by=other_instructor),
        lambda: reorder_questions(
            quiz=quiz, by=other_instructor, question_ids=[question.pk]
        ),
        lambda: replace_questions(quiz=quiz, by=other_instructor, questions=[]),
    ):
        with pytest.raises(PermissionDenied):
            attempt()

    assert list(Question.objects.all()) == [question]
    assert Choice.objects.count() == 0


def test_replacing_questions_keeps_their_order(content):
    quiz = quiz_of(content)

    replace_questions(
        quiz=quiz,
        by=quiz.course.owner,
        questions=[
            {"kind": "short", "text": f"Q{n}", "answers": [str(n)]} for n in range(3)
        ],
    )

    assert list(quiz.questions.values_list("text", "order")) == [
        ("Q0", 0),
        ("Q1", 1),
        ("Q2", 2),
    ]
