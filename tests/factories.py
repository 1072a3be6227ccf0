import io

import factory
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image as PillowImage

from educa.accounts.models import User
from educa.accounts.services import ensure_instructors_group
from educa.chat.services import open_course_room
from educa.courses.models import (
    Content,
    Course,
    Enrollment,
    File,
    Image,
    Module,
    Review,
    Subject,
    Text,
    Video,
)
from educa.courses.search import index_courses

PASSWORD = "correct-horse-battery"


def png_upload(
    name: str = "picture.png", size: tuple[int, int] = (8, 8)
) -> SimpleUploadedFile:
    buffer = io.BytesIO()
    PillowImage.new("RGB", size, (200, 30, 30)).save(buffer, format="PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), "image/png")


class StudentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"student{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.com")
    display_name = factory.Faker("name")
    password = factory.django.Password(PASSWORD)


class InstructorFactory(StudentFactory):
    username = factory.Sequence(lambda n: f"instructor{n}")

    @factory.post_generation
    def instructors_group(self, create, extracted, **kwargs):
        if create:
            self.groups.add(ensure_instructors_group())


class SubjectFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Subject
        django_get_or_create = ("slug",)

    title = factory.Sequence(lambda n: f"Subject {n}")
    slug = factory.Sequence(lambda n: f"subject-{n}")


class CourseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Course
        skip_postgeneration_save = True

    owner = factory.SubFactory(InstructorFactory)
    subject = factory.SubFactory(SubjectFactory)
    title = factory.Sequence(lambda n: f"Course {n}")
    slug = factory.Sequence(lambda n: f"course-{n}")
    overview = "What this course teaches."
    # Published, as most tests need a course people can find; services make
    # drafts (tests of drafts say `status=Course.Status.DRAFT`).
    status = Course.Status.PUBLISHED
    published_at = factory.LazyAttribute(
        lambda course: timezone.now() if course.status == "published" else None
    )

    @factory.post_generation
    def chat_room(self, create, extracted, **kwargs):
        # The room its people's first visit would open, ready for tests.
        if create:
            open_course_room(course=self)

    @factory.post_generation
    def search_index(self, create, extracted, **kwargs):
        # What the services keep: the course's search vector and words.
        if create:
            index_courses([self.pk])


class ModuleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Module
        skip_postgeneration_save = True

    course = factory.SubFactory(CourseFactory)
    title = factory.Sequence(lambda n: f"Module {n}")
    description = "What this module covers."

    @factory.post_generation
    def search_index(self, create, extracted, **kwargs):
        if create:
            index_courses([self.course_id])


class EnrollmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Enrollment

    course = factory.SubFactory(CourseFactory)
    student = factory.SubFactory(StudentFactory)


class ReviewFactory(factory.django.DjangoModelFactory):
    """A review by a student enrolled in the course (enrolled here too)."""

    class Meta:
        model = Review

    course = factory.SubFactory(CourseFactory)
    student = factory.LazyAttribute(
        lambda review: EnrollmentFactory(course=review.course).student
    )
    rating = 4
    text = "Clear and well paced."


class _ItemFactory(factory.django.DjangoModelFactory):
    owner = factory.SelfAttribute("course.owner")
    course = factory.SubFactory(CourseFactory)
    title = factory.Sequence(lambda n: f"Item {n}")


class TextFactory(_ItemFactory):
    class Meta:
        model = Text

    content = "Some <b>text</b>."


class VideoFactory(_ItemFactory):
    class Meta:
        model = Video

    url = "https://www.youtube.com/watch?v=dQw4w9WgXcQ"


class ImageFactory(_ItemFactory):
    class Meta:
        model = Image

    file = factory.LazyFunction(png_upload)


class FileFactory(_ItemFactory):
    class Meta:
        model = File

    file = factory.LazyFunction(
        lambda: SimpleUploadedFile("notes.txt", b"notes", "text/plain")
    )


ITEM_FACTORIES = {
    "text": TextFactory,
    "video": VideoFactory,
    "image": ImageFactory,
    "file": FileFactory,
}


def add_content(module: Module, kind: str = "text") -> Content:
    """A content of `kind` appended to `module`."""
    item = ITEM_FACTORIES[kind](course=module.course, owner=module.course.owner)
    return Content.objects.create(module=module, item=item)
