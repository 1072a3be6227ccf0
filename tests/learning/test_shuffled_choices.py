"""Shuffled choices: each attempt fixes its own order (a reload or a second
Start shows the same one) and grading follows the choices, not their places."""

import pytest
from django.urls import reverse

from educa.learning.models import QuizAttempt
from tests.factories import ModuleFactory
from tests.learning.quizzes import quiz_in, quiz_of

TEXTS = [f"choice-{n:02}" for n in range(8)]
RIGHT = {"choice-05"}
RIGHT_MANY = {"choice-01", "choice-06"}


def _question(kind: str, right: set[str]) -> dict:
    return {
        "kind": kind,
        "text": f"Pick ({kind})",
        "points": 1,
        "choices": [{"text": text, "correct": text in right} for text in TEXTS],
    }


@pytest.fixture
def quiz(course):
    return quiz_of(
        quiz_in(
            ModuleFactory(course=course),
            questions=[_question("single", RIGHT), _question("multiple", RIGHT_MANY)],
            shuffle_choices=True,
            pass_percent=100,
        )
    )


def _shown_order(html: str, question_text: str) -> list[str]:
    """The choices of one question in the order the page shows them."""
    start = html.index(question_text)
    block = html[start : start + 20_000]
    return sorted(TEXTS, key=lambda text: block.index(text))


def _start(client, quiz) -> QuizAttempt:
    response = client.post(reverse("quiz_start", args=[quiz.pk]))
    assert response.status_code == 302
    return QuizAttempt.objects.get(pk=response["Location"].rstrip("/").split("/")[-1])


def test_a_reload_and_a_second_start_show_the_attempts_own_order(
    client, quiz, enrolled_student
):
    client.force_login(enrolled_student)
    attempt = _start(client, quiz)
    page = reverse("quiz_attempt", args=[attempt.pk])

    first = client.get(page).content.decode()
    reloaded = client.get(page).content.decode()
    again = _start(client, quiz)
    resumed = client.get(page).content.decode()

    frozen = [[c["text"] for c in q["choices"]] for q in attempt.questions]
    assert again.pk == attempt.pk
    for html in (first, reloaded, resumed):
        assert _shown_order(html, "Pick (single)") == frozen[0]
        assert _shown_order(html, "Pick (multiple)") == frozen[1]


def test_attempts_get_their_own_orders_and_are_graded_by_choice(
    client, quiz, enrolled_student
):
    """Four attempts: all graded right, and the orders are not all the
    authored one (8! orders: the chance that they are is ~1e-18)."""
    client.force_login(enrolled_student)
    orders = []
    for _ in range(4):
        attempt = _start(client, quiz)
        single, many = attempt.questions
        orders.append(tuple(c["text"] for c in single["choices"]))
        answers = {
            f"q-{single['id']}": [
                str(c["id"]) for c in single["choices"] if c["text"] in RIGHT
            ],
            f"q-{many['id']}": [
                str(c["id"]) for c in many["choices"] if c["text"] in RIGHT_MANY
            ],
        }

        client.post(reverse("quiz_attempt_submit", args=[attempt.pk]), answers)

        attempt.refresh_from_db()
        assert (attempt.status, attempt.score, attempt.passed) == ("submitted", 2, True)

    assert any(order != tuple(TEXTS) for order in orders)
    assert len(set(orders)) > 1


def test_the_choice_in_the_right_ones_place_is_still_wrong(
    client, quiz, enrolled_student
):
    """Answering by position (the authored place of the right choice) scores
    nothing unless the shuffle put the right choice there."""
    client.force_login(enrolled_student)
    attempt = _start(client, quiz)
    single, _ = attempt.questions
    placed = single["choices"][TEXTS.index("choice-05")]

    client.post(
        reverse("quiz_attempt_submit", args=[attempt.pk]),
        {f"q-{single['id']}": [str(placed["id"])]},
    )

    attempt.refresh_from_db()
    assert attempt.score == (1 if placed["text"] in RIGHT else 0)
