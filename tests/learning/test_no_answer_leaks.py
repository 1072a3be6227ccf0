"""No right answer reaches a student before the review policy allows it.

A student walks through everything they can get during an attempt, on the
pages and the API: the module page, the quiz page, starting, reloading,
resuming, a refused submit, submitting, the result, the next attempt, the
contents, progress and profile. Every response is kept, and:

- the accepted short answer and the numeric answer (unique markers) appear
  in none of them;
- the same walk on a copy of the quiz whose right choices are other ones
  gives the same responses, byte for byte once ids, dates and tokens are
  blanked: nothing sent depends on which choice is right.
"""

import re

import pytest
from rest_framework.test import APIClient
from rest_framework_simplejwt.tokens import RefreshToken

from educa.courses.models import Choice
from educa.learning.models import QuizAttempt
from tests.factories import (
    CourseFactory,
    EnrollmentFactory,
    ModuleFactory,
    SubjectFactory,
)
from tests.learning.quizzes import ACCEPTED, NUMBER, every_kind, quiz_in, quiz_of

pytestmark = pytest.mark.django_db


def _flipped() -> list[dict]:
    """every_kind() with other choices right (texts and order unchanged)."""
    questions = every_kind()
    single, multiple = questions[0]["choices"], questions[1]["choices"]
    for choice in [*single[:2], *multiple]:
        choice["correct"] = not choice["correct"]
    return questions


def _setup(questions: list[dict]):
    course = CourseFactory(
        title="Course", subject=SubjectFactory(title="S"), owner__display_name="Tea"
    )
    module = ModuleFactory(course=course, title="Module", description="d")
    content = quiz_in(
        module,
        questions=questions,
        max_attempts=3,
        review="after_last_attempt",
        time_limit_seconds=600,
    )
    student = EnrollmentFactory(
        course=course, student__display_name="Ada Student"
    ).student
    return course, module, quiz_of(content), student


def _walk(client, course, module, quiz, student) -> list[tuple[str, str]]:
    client.force_login(student)
    api = APIClient()
    api.credentials(
        HTTP_AUTHORIZATION=f"Bearer {RefreshToken.for_user(student).access_token}"
    )
    seen: list[tuple[str, str]] = []

    def keep(label: str, response) -> None:
        assert response.status_code < 500, label
        seen.append((label, response.content.decode()))

    keep("module page", client.get(f"/students/course/{course.pk}/{module.pk}/"))
    keep("contents", api.get(f"/api/courses/{course.pk}/contents/"))
    keep("quiz page", client.get(f"/students/quiz/{quiz.pk}/"))
    keep("start page", client.post(f"/students/quiz/{quiz.pk}/start/", follow=True))
    attempt = QuizAttempt.objects.get(student=student, number=1)
    keep("reload", client.get(f"/students/attempt/{attempt.pk}/"))
    keep("quiz page open", client.get(f"/students/quiz/{quiz.pk}/"))
    keep("api resume", api.post(f"/api/quizzes/{quiz.pk}/attempts/"))
    keep("api attempt", api.get(f"/api/attempts/{attempt.pk}/"))
    short, numeric = attempt.questions[2], attempt.questions[3]
    keep(
        "page bad submit",
        client.post(
            f"/students/attempt/{attempt.pk}/submit/",
            {f"q-{numeric['id']}": "not a number", f"q-{short['id']}": "guess"},
        ),
    )
    keep(
        "api bad submit",
        api.post(
            f"/api/attempts/{attempt.pk}/submit/",
            {"answers": [{"question": numeric["id"], "text": "x"}]},
            format="json",
        ),
    )
    keep(
        "page submit",
        client.post(
            f"/students/attempt/{attempt.pk}/submit/",
            {f"q-{short['id']}": "guess", f"q-{numeric['id']}": "1"},
            follow=True,
        ),
    )
    keep("result", client.get(f"/students/attempt/{attempt.pk}/"))
    keep("api result", api.get(f"/api/attempts/{attempt.pk}/"))
    keep(
        "api second submit",
        api.post(f"/api/attempts/{attempt.pk}/submit/", {"answers": []}, format="json"),
    )
    second = api.post(f"/api/quizzes/{quiz.pk}/attempts/")
    keep("api start 2", second)
    second_id = second.json()["id"]
    keep(
        "api submit 2",
        api.post(
            f"/api/attempts/{second_id}/submit/",
            {"answers": [{"question": short["id"], "text": "guess"}]},
            format="json",
        ),
    )
    keep("api result 2", api.get(f"/api/attempts/{second_id}/"))
    keep("result 2", client.get(f"/students/attempt/{second_id}/"))
    keep("page start 3", client.post(f"/students/quiz/{quiz.pk}/start/", follow=True))
    keep("contents after", api.get(f"/api/courses/{course.pk}/contents/"))
    keep("progress", api.get(f"/api/courses/{course.pk}/progress/"))
    keep("profile", client.get("/students/profile/"))
    keep("module page after", client.get(f"/students/course/{course.pk}/{module.pk}/"))
    return seen


def _blank(body: str) -> str:
    body = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", body)
    body = re.sub(r'data-csrf="[^"]+"', "", body)
    return re.sub(r"\d+", "0", body)


def test_no_response_during_an_attempt_holds_a_right_answer(client):
    course, module, quiz, student = _setup(every_kind())

    seen = _walk(client, course, module, quiz, student)

    markers = [ACCEPTED, ACCEPTED.lower(), str(NUMBER), str(NUMBER).replace(".", ",")]
    for label, body in seen:
        for marker in markers:
            assert marker not in body, f"{marker!r} in {label}"
    assert len(seen) == 23


def test_nothing_a_student_gets_depends_on_which_choice_is_right(client):
    first = _walk(client, *_setup(every_kind()))
    client.logout()
    flipped = _setup(_flipped())
    assert set(
        Choice.objects.filter(question__quiz=flipped[2], correct=True).values_list(
            "text", flat=True
        )
    ) == {"wrong-a", "wrong-c"}

    second = _walk(client, *flipped)

    for (label, body), (_, other) in zip(first, second, strict=True):
        assert _blank(body) == _blank(other), label
