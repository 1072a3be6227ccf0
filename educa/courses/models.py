from pathlib import Path
from uuid import uuid4

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey, GenericRelation
from django.contrib.contenttypes.models import ContentType
from django.contrib.postgres.indexes import GinIndex, GistIndex
from django.contrib.postgres.search import SearchVectorField
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.core.validators import (
    FileExtensionValidator,
    MaxValueValidator,
    MinValueValidator,
)
from django.db import models
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.safestring import SafeString

from educa.courses.ordering import OrderField
from educa.courses.uploads import (
    is_named_as_image,
    safe_file_name,
    verified_image_extension,
)
from educa.courses.video import embed_url
from educa.markdown import render_markdown

CONTENT_KINDS = ("text", "video", "image", "file", "quiz")

# Single-segment paths under /course/ that a course slug would shadow.
RESERVED_COURSE_SLUGS = frozenset({"mine", "create"})


def validate_course_slug(slug: str) -> None:
    """One slug rule for every transport: the model runs it on full_clean,
    so the pages' form, the API's serializer and the services all apply it."""
    if slug in RESERVED_COURSE_SLUGS:
        raise ValidationError(
            "That address is reserved; pick another.", code="reserved_slug"
        )


class Subject(models.Model):
    title = models.CharField(max_length=200)
    slug = models.SlugField(max_length=200, unique=True)

    class Meta:
        ordering = ["title"]

    def __str__(self) -> str:
        return self.title


def cover_upload_path(course: "Course", filename: str) -> str:
    """`covers/<course id>/<random>.<ext>`: public, and new at every upload."""
    extension = Path(filename).suffix.lower()[:16]
    return f"covers/{course.pk}/{uuid4().hex}{extension}"


class Course(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        PUBLISHED = "published", "Published"

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        related_name="courses_created",
        on_delete=models.CASCADE,
    )
    subject = models.ForeignKey(
        Subject, related_name="courses", on_delete=models.PROTECT
    )
    title = models.CharField(max_length=200)
    slug = models.SlugField(
        max_length=200, unique=True, validators=[validate_course_slug]
    )
    overview = models.TextField()
    created = models.DateTimeField(auto_now_add=True)
    # New courses are drafts: only their instructor sees them until published
    # (educa/courses/permissions.py has the rule every transport asks).
    status = models.CharField(
        max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    published_at = models.DateTimeField(null=True, blank=True)
    # Both sizes are made from one upload (educa/courses/covers.py); empty
    # means the pages draw a placeholder.
    cover = models.ImageField(upload_to=cover_upload_path, max_length=255, blank=True)
    cover_thumbnail = models.ImageField(
        upload_to=cover_upload_path, max_length=255, blank=True
    )
    # Title (weight A), module titles (B) and overview (C), kept by the
    # services that change them (educa/courses/search.py). PostgreSQL only.
    search_vector = SearchVectorField(null=True, editable=False)
    students = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        through="courses.Enrollment",
        related_name="courses_joined",
        blank=True,
    )

    class Meta:
        ordering = ["-created", "-id"]
        indexes = [
            models.Index(fields=["-created", "-id"], name="course_newest_idx"),
            models.Index(
                fields=["subject", "-created"], name="course_subject_newest_idx"
            ),
            GinIndex(fields=["search_vector"], name="course_search_idx"),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("course_detail", args=[self.slug])

    @property
    def is_published(self) -> bool:
        return self.status == self.Status.PUBLISHED

    @property
    def cover_hue(self) -> int:
        """Which of the placeholder's colour schemes (0-7) it is drawn in."""
        return (self.subject_id or 0) % 8

    @property
    def initials(self) -> str:
        """Up to two initials of the title, for the placeholder cover."""
        return "".join(word[0] for word in self.title.split()[:2]).upper()


class SearchTerm(models.Model):
    """A word of some course's searchable text: what a mistyped word of a
    search is corrected to (trigram distance, nearest first)."""

    word = models.CharField(max_length=40, primary_key=True)

    class Meta:
        indexes = [
            GistIndex(
                fields=["word"], opclasses=["gist_trgm_ops"], name="searchterm_trgm_idx"
            )
        ]

    def __str__(self) -> str:
        return self.word


class Review(models.Model):
    """An enrolled student's rating (1-5) of a course, with optional words."""

    course = models.ForeignKey(Course, related_name="reviews", on_delete=models.CASCADE)
    student = models.ForeignKey(
        settings.AUTH_USER_MODEL, related_name="reviews", on_delete=models.CASCADE
    )
    rating = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    text = models.TextField(blank=True, max_length=2000)
    created = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-updated", "-id"]
        constraints = [
            # One per student and course; leading with the course serves the
            # course's average and its list of reviews.
            models.UniqueConstraint(fields=["course", "student"], name="review_unique"),
            models.CheckConstraint(
                condition=models.Q(rating__gte=1, rating__lte=5),
                name="review_rating_1_to_5",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.student} rated {self.course} {self.rating}/5"


class Enrollment(models.Model):
    """A student taking a course: the through model of `Course.students`."""

    course = models.ForeignKey(
        Course, related_name="enrollments", on_delete=models.CASCADE
    )
    student = models.ForeignKey(
        settings.AUTH_USER_MODEL, related_name="enrollments", on_delete=models.CASCADE
    )
    enrolled_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        # Created by the learning app, which owned enrollments before courses
        # did (who takes a course is what catalog, chat and learning ask).
        db_table = "learning_enrollment"
        ordering = ["-enrolled_at"]
        constraints = [
            # Leading with the student makes "my courses" an index scan;
            # the course side has its own foreign-key index.
            models.UniqueConstraint(
                fields=["student", "course"], name="enrollment_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.student} in {self.course}"


class Module(models.Model):
    course = models.ForeignKey(Course, related_name="modules", on_delete=models.CASCADE)
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    order = OrderField(blank=True, for_fields=["course"])

    class Meta:
        ordering = ["order"]
        constraints = [
            models.UniqueConstraint(
                fields=["course", "order"], name="module_order_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.order}. {self.title}"


class Content(models.Model):
    """A module's slot holding one item (text, video, image, file or quiz), in order."""

    module = models.ForeignKey(
        Module, related_name="contents", on_delete=models.CASCADE
    )
    content_type = models.ForeignKey(
        ContentType,
        on_delete=models.CASCADE,
        limit_choices_to={"app_label": "courses", "model__in": CONTENT_KINDS},
    )
    object_id = models.PositiveBigIntegerField()
    item = GenericForeignKey("content_type", "object_id")
    order = OrderField(blank=True, for_fields=["module"])

    class Meta:
        ordering = ["order"]
        constraints = [
            models.UniqueConstraint(
                fields=["module", "order"], name="content_order_unique"
            ),
        ]
        indexes = [
            models.Index(fields=["content_type", "object_id"], name="content_item_idx")
        ]

    def __str__(self) -> str:
        return f"{self.order}. {self.content_type.model} #{self.object_id}"

    @property
    def kind(self) -> str:
        """`text`, `video`, `image`, `file` or `quiz`."""
        return self.content_type.model


def course_upload_path(item: "ItemBase", filename: str) -> str:
    """`courses/<course id>/<random>.<ext>`: never the uploader's filename."""
    extension = Path(filename).suffix.lower()[:16]
    return f"courses/{item.course_id}/{uuid4().hex}{extension}"


def validate_upload_size(file: UploadedFile) -> None:
    limit = settings.MAX_UPLOAD_SIZE
    if file.size > limit:
        raise ValidationError(
            "The file is %(size)s MB; the limit is %(limit)s MB.",
            code="file_too_large",
            params={
                "size": round(file.size / 2**20, 1),
                "limit": round(limit / 2**20, 1),
            },
        )


# What instructors may attach as a downloadable file.
FILE_EXTENSIONS = [
    *("pdf", "txt", "md", "rtf", "epub", "doc", "docx", "odt"),
    *("csv", "json", "xls", "xlsx", "ods", "ppt", "pptx", "odp"),
    *("zip", "gz", "tar", "7z"),
    *(
        "py",
        "ipynb",
        "sql",
        "html",
        "css",
        "js",
        "java",
        "c",
        "cpp",
        "h",
        "rs",
        "go",
        "rb",
    ),
    *("png", "jpg", "jpeg", "gif", "webp", "mp3", "ogg", "wav"),
]


class ItemBase(models.Model):
    """What every kind of content item shares. `render()` gives its HTML."""

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        related_name="%(class)s_items",
        on_delete=models.CASCADE,
    )
    # The course the item was created in: it decides where uploads are stored
    # and who may download them without walking content -> module -> course.
    course = models.ForeignKey(Course, related_name="+", on_delete=models.CASCADE)
    title = models.CharField(max_length=250)
    created = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField(auto_now=True)
    contents = GenericRelation(Content)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.title

    def render(self) -> SafeString:
        return render_to_string(
            f"courses/content/{self._meta.model_name}.html", {"item": self}
        )


class Text(ItemBase):
    content = models.TextField(help_text="Markdown.")

    @property
    def html(self) -> SafeString:
        """The content's Markdown as sanitized HTML."""
        return render_markdown(self.content)


def _name_as_image(upload: UploadedFile, *, not_an_image: str | None = None) -> None:
    """Give a new upload the extension of the image format Pillow finds in it.

    upload_to keeps only the extension, so the stored file is served as what
    it is (a GIF named page.html as image/gif). Not an image: Pillow's error,
    or `not_an_image` when given.
    """
    try:
        extension = verified_image_extension(upload)
    except ValidationError as error:
        messages = [not_an_image] if not_an_image else error.messages
        raise ValidationError({"file": messages}) from error
    upload.name = f"upload{extension}"


class File(ItemBase):
    file = models.FileField(
        upload_to=course_upload_path,
        max_length=255,
        validators=[FileExtensionValidator(FILE_EXTENSIONS), validate_upload_size],
    )
    # The uploader's file name, made safe: downloads are saved under it.
    original_name = models.CharField(max_length=255, blank=True)
    size = models.PositiveBigIntegerField(null=True, blank=True)

    @staticmethod
    def prepare_upload(upload: UploadedFile) -> dict[str, object]:
        """The services call this on every new upload, before it is set; it
        gives the fields to set with it."""
        fields = {"original_name": safe_file_name(upload.name), "size": upload.size}
        if is_named_as_image(upload.name):
            # Image files are shown inline: the name must not lie about them.
            _name_as_image(
                upload, not_an_image="The file is named like an image but is not one."
            )
        return fields

    @property
    def download_name(self) -> str:
        return self.original_name or Path(self.file.name).name

    @property
    def kind_label(self) -> str:
        """What sort of file it is, for people: `PDF`, `TXT`, …"""
        return Path(self.download_name).suffix.lstrip(".").upper() or "File"


class Image(ItemBase):
    file = models.ImageField(
        upload_to=course_upload_path, max_length=255, validators=[validate_upload_size]
    )

    @staticmethod
    def prepare_upload(upload: UploadedFile) -> dict[str, object]:
        """The services call this on every new upload, before it is set:
        Pillow must be able to read it as an image."""
        _name_as_image(upload)
        return {}


class Video(ItemBase):
    url = models.URLField(help_text="A YouTube or Vimeo link.")

    def clean(self) -> None:
        super().clean()
        if self.url and embed_url(self.url) is None:
            raise ValidationError({"url": "Use a YouTube or Vimeo video link."})

    @property
    def embed_url(self) -> str | None:
        return embed_url(self.url)


class Quiz(ItemBase):
    """A test of the module: questions with points, and how attempts go.

    Students' attempts (educa.learning) freeze the questions as shown, so
    editing a quiz never changes a score already given.
    """

    class Grading(models.TextChoices):
        HIGHEST = "highest", "Highest attempt"
        LAST = "last", "Last attempt"

    class Review(models.TextChoices):
        AFTER_SUBMIT = "after_submit", "Right after submitting"
        AFTER_LAST_ATTEMPT = "after_last_attempt", "After the last attempt"
        NEVER = "never", "Never"

    pass_percent = models.PositiveSmallIntegerField(
        default=60,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
        help_text="The score (in %) a student needs to pass.",
    )
    max_attempts = models.PositiveSmallIntegerField(
        default=0,
        validators=[MaxValueValidator(1000)],
        help_text="0 means unlimited.",
    )
    time_limit_seconds = models.PositiveIntegerField(
        default=0,
        validators=[MaxValueValidator(7 * 24 * 3600)],
        help_text="0 means no time limit.",
    )
    shuffle_questions = models.BooleanField(default=False)
    shuffle_choices = models.BooleanField(default=False)
    grading = models.CharField(
        max_length=10,
        choices=Grading.choices,
        default=Grading.HIGHEST,
        help_text="Which attempt's score counts.",
    )
    review = models.CharField(
        max_length=20,
        choices=Review.choices,
        default=Review.AFTER_SUBMIT,
        help_text="When students see the correct answers.",
    )

    @property
    def time_limit_text(self) -> str:
        """The time limit for people: "20 min", "1 h 30 min", "45 s"."""
        minutes, seconds = divmod(self.time_limit_seconds, 60)
        hours, minutes = divmod(minutes, 60)
        parts = [f"{hours} h"] * bool(hours) + [f"{minutes} min"] * bool(minutes)
        return " ".join(parts + [f"{seconds} s"] * bool(seconds))

    def clean(self) -> None:
        super().clean()
        if self.review == self.Review.AFTER_LAST_ATTEMPT and not self.max_attempts:
            raise ValidationError(
                {
                    "review": "Answers after the last attempt need a maximum "
                    "number of attempts."
                }
            )


# What an instructor sets on a quiz besides its title and questions.
QUIZ_SETTINGS = (
    *("pass_percent", "max_attempts", "time_limit_seconds"),
    *("shuffle_questions", "shuffle_choices", "grading", "review"),
)


class Question(models.Model):
    """One question of a quiz. What is right lives here and in its choices,
    and never leaves the server before the quiz's review policy allows."""

    class Kind(models.TextChoices):
        SINGLE = "single", "Single choice"
        MULTIPLE = "multiple", "Multiple choice"
        SHORT = "short", "Short text"
        NUMERIC = "numeric", "Numeric"

    quiz = models.ForeignKey(Quiz, related_name="questions", on_delete=models.CASCADE)
    kind = models.CharField(max_length=10, choices=Kind.choices)
    text = models.TextField(max_length=5000)
    points = models.PositiveSmallIntegerField(
        default=1, validators=[MinValueValidator(1), MaxValueValidator(1000)]
    )
    # Multiple choice: a share of the points per right choice, less per
    # wrong one, instead of all or nothing.
    partial_credit = models.BooleanField(default=False)
    # Short text: what counts as right, compared after normalising case and spaces.
    accepted_answers = models.JSONField(default=list, blank=True)
    # Numeric: right within answer ± tolerance.
    answer = models.FloatField(null=True, blank=True)
    tolerance = models.FloatField(default=0, validators=[MinValueValidator(0)])
    order = OrderField(blank=True, for_fields=["quiz"])

    class Meta:
        ordering = ["order"]
        constraints = [
            models.UniqueConstraint(
                fields=["quiz", "order"], name="question_order_unique"
            ),
        ]

    def __str__(self) -> str:
        return self.text[:60]


class Choice(models.Model):
    question = models.ForeignKey(
        Question, related_name="choices", on_delete=models.CASCADE
    )
    text = models.CharField(max_length=500)
    correct = models.BooleanField(default=False)
    order = OrderField(blank=True, for_fields=["question"])

    class Meta:
        ordering = ["order"]
        constraints = [
            models.UniqueConstraint(
                fields=["question", "order"], name="choice_order_unique"
            ),
        ]

    def __str__(self) -> str:
        return self.text
