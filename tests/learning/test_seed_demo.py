import pytest
from django.core.management import CommandError, call_command

from educa.accounts.models import User
from educa.courses.models import Content, Course, Enrollment, Review
from educa.learning.models import Certificate, ContentCompletion, QuizAttempt
from educa.learning.selectors import course_progress


def _counts() -> tuple[int, ...]:
    return (
        User.objects.count(),
        Course.objects.count(),
        Content.objects.count(),
        Enrollment.objects.count(),
        ContentCompletion.objects.count(),
        QuizAttempt.objects.count(),
        Certificate.objects.count(),
    )


def test_seed_demo_creates_every_content_type_and_is_idempotent(db, settings):
    settings.DEBUG = True

    call_command("seed_demo")
    first = _counts()
    call_command("seed_demo")

    assert _counts() == first
    assert first[:2] == (7, 6)
    kinds = set(Content.objects.values_list("content_type__model", flat=True))
    assert kinds == {"text", "video", "image", "file", "quiz"}
    without_quiz = Course.objects.exclude(
        pk__in=Content.objects.filter(content_type__model="quiz").values(
            "module__course"
        )
    )
    assert list(without_quiz.values_list("slug", flat=True)) == []
    drafts = Course.objects.filter(status=Course.Status.DRAFT)
    assert [(c.slug, c.owner.username) for c in drafts] == [
        ("number-theory-notes", "ada")
    ]
    assert Course.objects.exclude(cover="").count() == 3
    assert Review.objects.count() == 6
    assert User.objects.get(username="ada").is_instructor
    assert not User.objects.get(username="grace").is_instructor


def test_seed_demo_if_empty_leaves_an_existing_catalog_alone(course, settings):
    settings.DEBUG = True

    call_command("seed_demo", "--if-empty")

    assert list(Course.objects.all()) == [course]


def test_seed_demo_refuses_with_debug_off(db, settings):
    settings.DEBUG = False

    with pytest.raises(CommandError, match="DEBUG is off"):
        call_command("seed_demo")

    assert not Course.objects.exists()


def test_seed_demo_shows_progress_quizzes_and_a_certificate(db, settings):
    settings.DEBUG = True

    call_command("seed_demo")

    grace = User.objects.get(username="grace")
    certificate = Certificate.objects.get()
    assert (certificate.student, certificate.course.slug) == (
        grace,
        "python-for-beginners",
    )
    django = Course.objects.get(slug="django-from-zero")
    partial = course_progress(grace, django)
    assert 0 < partial.percent < 100
    linus = User.objects.get(username="linus")
    failed = QuizAttempt.objects.get(student=linus)
    assert (failed.status, failed.passed) == ("submitted", False)
    assert QuizAttempt.objects.filter(student=grace, passed=True).count() == 1
