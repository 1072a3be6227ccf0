import pytest
from django.core.exceptions import ValidationError

from educa.courses.models import Module
from educa.courses.services import reorder_contents, reorder_modules
from tests.factories import CourseFactory, ModuleFactory, add_content


def test_modules_are_appended_in_creation_order(course):
    first, second, third = (ModuleFactory(course=course) for _ in range(3))

    assert [first.order, second.order, third.order] == [0, 1, 2]


def test_order_is_counted_per_course(course):
    ModuleFactory(course=course)
    ModuleFactory(course=course)

    other_course_module = ModuleFactory(course=CourseFactory())

    assert other_course_module.order == 0


def test_appending_after_a_deleted_module_takes_the_next_free_position(course):
    first, second = ModuleFactory(course=course), ModuleFactory(course=course)
    first.delete()

    third = ModuleFactory(course=course)

    assert (second.order, third.order) == (1, 2)


def test_explicit_order_is_kept(course):
    module = ModuleFactory(course=course, order=7)

    assert module.order == 7


def test_reorder_modules_rewrites_positions_to_the_given_order(course):
    a, b, c = (ModuleFactory(course=course) for _ in range(3))

    reorder_modules(course=course, by=course.owner, module_ids=[c.pk, a.pk, b.pk])

    assert list(course.modules.values_list("pk", "order")) == [
        (c.pk, 0),
        (a.pk, 1),
        (b.pk, 2),
    ]


def test_reorder_leaves_other_courses_alone(course):
    a, b = ModuleFactory(course=course), ModuleFactory(course=course)
    other = ModuleFactory(course=CourseFactory())

    reorder_modules(course=course, by=course.owner, module_ids=[b.pk, a.pk])

    other.refresh_from_db()
    assert other.order == 0


@pytest.mark.parametrize(
    "shape",
    ["missing one", "duplicate", "foreign id", "not ints"],
)
def test_reorder_rejects_a_list_that_is_not_exactly_the_children(course, shape):
    a, b = ModuleFactory(course=course), ModuleFactory(course=course)
    foreign = ModuleFactory(course=CourseFactory())
    ids = {
        "missing one": [b.pk],
        "duplicate": [a.pk, a.pk, b.pk],
        "foreign id": [a.pk, foreign.pk],
        "not ints": [str(a.pk), str(b.pk)],
    }[shape]

    with pytest.raises(ValidationError):
        reorder_modules(course=course, by=course.owner, module_ids=ids)

    assert list(Module.objects.filter(course=course).values_list("pk", "order")) == [
        (a.pk, 0),
        (b.pk, 1),
    ]


def test_reorder_contents_within_a_module(course):
    module = ModuleFactory(course=course)
    text, video, image = (
        add_content(module, kind) for kind in ("text", "video", "image")
    )

    reorder_contents(
        module=module, by=course.owner, content_ids=[image.pk, text.pk, video.pk]
    )

    assert [c.item for c in module.contents.all()] == [
        image.item,
        text.item,
        video.item,
    ]
