import pytest
from django.core.management import CommandError, call_command

from educa.accounts.models import User
from educa.courses.models import Content, Course, Enrollment, Review


def _counts() -> tuple[int, int, int, int]:
    return (
        User.objects.count(),
        Course.objects.count(),
        Content.objects.count(),
        Enrollment.objects.count(),
    )


def test_seed_demo_creates_every_content_type_and_is_idempotent(db, settings):
    settings.DEBUG = True

    call_command("seed_demo")
    first = _counts()
    call_command("seed_demo")

    assert _counts() == first
    assert first[:2] == (7, 6)
    kinds = set(Content.objects.values_list("content_type__model", flat=True))
    assert kinds == {"text", "video", "image", "file"}
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
