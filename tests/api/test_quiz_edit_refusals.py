"""`PATCH /api/contents/{id}/` of a quiz: only the course's instructor
changes its settings or questions; everyone else is refused and nothing
changes."""

import pytest

from educa.courses.models import Choice, Question, Quiz
from tests.factories import ModuleFactory
from tests.learning.quizzes import quiz_in

CHANGES = {
    "settings": {"pass_percent": 5, "max_attempts": 9, "shuffle_choices": True},
    "questions": {
        "questions": [{"kind": "short", "text": "Replaced", "answers": ["x"]}]
    },
}


def _snapshot(quiz_id: int) -> tuple:
    quiz = Quiz.objects.get(pk=quiz_id)
    return (
        (quiz.pass_percent, quiz.max_attempts, quiz.shuffle_choices, quiz.title),
        list(Question.objects.filter(quiz=quiz).values_list("pk", "text", "points")),
        list(
            Choice.objects.filter(question__quiz=quiz).values_list(
                "pk", "text", "correct"
            )
        ),
    )


@pytest.mark.parametrize("change", list(CHANGES))
@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("anonymous", 401),
        ("student", 403),
        ("enrolled_student", 403),
        ("other_instructor", 403),
    ],
)
def test_only_the_instructor_changes_a_quiz(
    request, api, as_user, course, who, status, change
):
    content = quiz_in(ModuleFactory(course=course), pass_percent=60, max_attempts=2)
    before = _snapshot(content.object_id)
    client = api if who == "anonymous" else as_user(request.getfixturevalue(who))

    refused = client.patch(
        f"/api/contents/{content.pk}/", CHANGES[change], format="json"
    )

    assert refused.status_code == status
    assert _snapshot(content.object_id) == before
    # The same change from the course's instructor does go through.
    allowed = as_user(course.owner).patch(
        f"/api/contents/{content.pk}/", CHANGES[change], format="json"
    )
    assert allowed.status_code == 200, allowed.json()
    assert _snapshot(content.object_id) != before
