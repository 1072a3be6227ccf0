"""A small demo: subjects, two instructors, published courses of every
content type with a quiz each (and one draft), covers, students with some
progress and one course completed, enrollments and ratings.

It lives in learning, the app on top of courses, so it may seed both.
"""

import io
from typing import Any

from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from PIL import Image as PillowImage
from PIL import ImageDraw

from educa.accounts.models import User
from educa.accounts.services import make_instructor, register_student
from educa.courses.models import Content, Course, Module, Quiz, Subject
from educa.courses.services import (
    add_content,
    add_module,
    create_course,
    enroll,
    publish_course,
    review_course,
)
from educa.learning.services import complete_content, start_attempt, submit_attempt

DEMO_PASSWORD = "educa-demo-2026"  # noqa: S105 - published on purpose, DEBUG only
INSTRUCTORS = [("ada", "Ada Lovelace"), ("alan", "Alan Turing")]
STUDENTS = [
    ("grace", "Grace Hopper"),
    ("linus", "Linus Torvalds"),
    ("margaret", "Margaret Hamilton"),
    ("guido", "Guido van Rossum"),
    ("barbara", "Barbara Liskov"),
]
SUBJECTS = [
    ("Mathematics", "mathematics"),
    ("Programming", "programming"),
    ("Physics", "physics"),
    ("Music", "music"),
]
# (instructor, subject slug, title, slug, overview, module titles)
COURSES = [
    (
        "ada",
        "mathematics",
        "Linear Algebra Essentials",
        "linear-algebra-essentials",
        "Vectors, matrices and linear maps, built up from pictures to proofs.",
        ["Vectors", "Matrices", "Linear maps"],
    ),
    (
        "ada",
        "programming",
        "Python for Beginners",
        "python-for-beginners",
        "Write your first programs: values, functions, loops and files.",
        ["Getting started", "Functions", "Working with files"],
    ),
    (
        "ada",
        "music",
        "Music Theory 101",
        "music-theory-101",
        "Scales, intervals and chords, with ear-training exercises.",
        ["Notes and scales", "Intervals"],
    ),
    (
        "alan",
        "programming",
        "Django from Zero",
        "django-from-zero",
        "Build and deploy a real web application with Django.",
        ["Models", "Views and templates", "Deploying"],
    ),
    (
        "alan",
        "physics",
        "Classical Mechanics",
        "classical-mechanics",
        "Newton's laws, energy and momentum, with worked problems.",
        ["Kinematics", "Forces", "Energy"],
    ),
    (
        "ada",
        "mathematics",
        "Number Theory Notes",
        "number-theory-notes",
        "Primes, divisibility and congruences. Still being written.",
        ["Primes"],
    ),
]
# Left as a draft: only its instructor (ada) sees it.
DRAFTS = {"number-theory-notes"}
# Courses with a generated cover picture (the others show the placeholder),
# as (top colour, bottom colour).
COVERS = {
    "python-for-beginners": ((48, 105, 152), (255, 212, 59)),
    "django-from-zero": ((9, 46, 32), (68, 183, 139)),
    "linear-algebra-essentials": ((58, 91, 217), (160, 120, 230)),
}
# (student, course slug, rating, review)
REVIEWS = [
    ("grace", "python-for-beginners", 5, "Clear, friendly and to the point."),
    ("guido", "python-for-beginners", 4, "Good pace; the file exercises helped."),
    ("grace", "django-from-zero", 5, ""),
    ("linus", "django-from-zero", 4, "Deploying section was worth it alone."),
    ("barbara", "django-from-zero", 3, "Solid, a little fast in places."),
    ("margaret", "classical-mechanics", 5, "The worked problems are excellent."),
]
# Each student's courses, by slug.
ENROLLMENTS = {
    "grace": ["python-for-beginners", "django-from-zero", "linear-algebra-essentials"],
    "linus": ["django-from-zero", "classical-mechanics"],
    "margaret": ["classical-mechanics", "linear-algebra-essentials"],
    "guido": ["python-for-beginners", "music-theory-101"],
    "barbara": ["django-from-zero"],
}
# Each course's quiz (every course has one, the draft too), in its last
# module: (question, right answer, wrong ones).
QUIZ_QUESTIONS = {
    "linear-algebra-essentials": [
        ("A 2x3 matrix times a 3x4 matrix is a matrix of size…", "2x4", ["3x3", "4x2"]),
        ("The determinant of the 2x2 identity matrix is…", "1", ["0", "2"]),
    ],
    "python-for-beginners": [
        ("What does len('educa') return?", "5", ["4", "6"]),
        ("Which keyword defines a function?", "def", ["func", "lambda"]),
    ],
    "music-theory-101": [
        ("How many semitones make an octave?", "12", ["8", "7"]),
        ("A major triad is root, major third and…", "perfect fifth", ["sixth"]),
    ],
    "django-from-zero": [
        ("Which file lists a project's URL patterns?", "urls.py", ["views.py"]),
        ("The command that creates migrations is…", "makemigrations", ["migrate"]),
    ],
    "classical-mechanics": [
        ("Newton's second law: F equals…", "m·a", ["m·v", "m/a"]),
        ("The SI unit of energy is the…", "joule", ["watt", "newton"]),
    ],
    "number-theory-notes": [
        ("Which of these numbers is prime?", "97", ["91", "87"]),
        ("17 mod 5 is…", "2", ["3", "1"]),
    ],
}
# What the students have done, by course slug: "done" completes every
# content (passing the quiz, so the course and its certificate), "started"
# marks the first module done and fails the quiz once.
PROGRESS = {
    "grace": {"python-for-beginners": "done", "django-from-zero": "started"},
    "linus": {"classical-mechanics": "started"},
    "margaret": {"linear-algebra-essentials": "started"},
    "guido": {"python-for-beginners": "started"},
}
VIDEOS = [
    "https://www.youtube.com/watch?v=kqtD5dpn9C8",
    "https://vimeo.com/76979871",
]


def _png(title: str) -> SimpleUploadedFile:
    """A small generated illustration, so the demo needs no network."""
    picture = PillowImage.new("RGB", (480, 270), (58, 91, 217))
    ImageDraw.Draw(picture).text((24, 120), title, fill=(255, 255, 255))
    buffer = io.BytesIO()
    picture.save(buffer, format="PNG")
    return SimpleUploadedFile("illustration.png", buffer.getvalue(), "image/png")


def _cover(top: tuple[int, int, int], bottom: tuple[int, int, int]):
    """A generated gradient picture for a course cover."""
    width, height = 1280, 720
    picture = PillowImage.new("RGB", (width, height), top)
    draw = ImageDraw.Draw(picture)
    for y in range(height):
        mix = y / (height - 1)
        colour = tuple(
            round(a + (b - a) * mix) for a, b in zip(top, bottom, strict=True)
        )
        draw.line([(0, y), (width, y)], fill=colour)
    buffer = io.BytesIO()
    picture.save(buffer, format="PNG")
    return SimpleUploadedFile("cover.png", buffer.getvalue(), "image/png")


def _notes(title: str) -> SimpleUploadedFile:
    body = f"{title}\n\nSummary notes for this module. Read them after the video.\n"
    return SimpleUploadedFile("notes.txt", body.encode(), "text/plain")


class Command(BaseCommand):
    help = (
        "Create demo users, subjects, courses with quizzes, enrollments and "
        "progress (idempotent)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="Do nothing when any course exists (used by `make run`).",
        )
        parser.add_argument(
            "--force", action="store_true", help="Run even with DEBUG off."
        )

    def handle(self, *args: Any, if_empty: bool, force: bool, **options: Any) -> None:
        if not settings.DEBUG and not force:
            raise CommandError(
                "DEBUG is off: refusing to create demo accounts with a published "
                "password. Use --force if you really mean it."
            )
        if if_empty and Course.objects.exists():
            self.stdout.write("The database already has courses; demo data not loaded.")
            return
        with transaction.atomic():
            created = self._seed()
        self.stdout.write(
            self.style.SUCCESS(f"Demo data ready ({created} new courses).")
        )
        self.stdout.write("  grace has completed Python for Beginners (certificate).")
        self.stdout.write(f"  Instructors: {', '.join(u for u, _ in INSTRUCTORS)}")
        self.stdout.write(f"  Students:    {', '.join(u for u, _ in STUDENTS)}")
        self.stdout.write(f"  Password for every demo account: {DEMO_PASSWORD}")

    def _user(self, username: str, name: str) -> User:
        user = User.objects.filter(username=username).first()
        if user is None:
            user = register_student(
                username=username,
                email=f"{username}@educa.test",
                password=DEMO_PASSWORD,
                display_name=name,
            )
        return user

    def _seed(self) -> int:
        instructors = {
            u: make_instructor(user=self._user(u, n)) for u, n in INSTRUCTORS
        }
        students = {u: self._user(u, n) for u, n in STUDENTS}
        subjects = {
            slug: Subject.objects.get_or_create(slug=slug, defaults={"title": title})[0]
            for title, slug in SUBJECTS
        }
        created = []
        for owner, subject, title, slug, overview, module_titles in COURSES:
            if Course.objects.filter(slug=slug).exists():
                continue
            course = create_course(
                owner=instructors[owner],
                subject=subjects[subject],
                title=title,
                slug=slug,
                overview=overview,
                cover=_cover(*COVERS[slug]) if slug in COVERS else None,
            )
            for number, module_title in enumerate(module_titles):
                module = self._module(course, number, module_title)
            self._quiz(module, QUIZ_QUESTIONS[slug])
            if slug not in DRAFTS:
                publish_course(course=course, by=course.owner)
            created.append(slug)
        for username, slugs in ENROLLMENTS.items():
            for course in Course.objects.filter(slug__in=slugs):
                enroll(student=students[username], course=course)
        for username, courses in PROGRESS.items():
            for slug, stage in courses.items():
                if slug in created:  # progress only once, with its course
                    self._progress(students[username], slug, stage)
        for username, slug, rating, text in REVIEWS:
            if slug in created:
                review_course(
                    student=students[username],
                    course=Course.objects.get(slug=slug),
                    rating=rating,
                    text=text,
                )
        return len(created)

    def _quiz(self, module: Module, questions: list) -> Content:
        return add_content(
            module=module,
            by=module.course.owner,
            kind="quiz",
            title=f"Check: {module.course.title}",
            pass_percent=50,
            max_attempts=3,
            time_limit_seconds=600,
            questions=[
                {
                    "kind": "single",
                    "text": text,
                    "choices": [
                        {"text": right, "correct": True},
                        *({"text": wrong, "correct": False} for wrong in wrongs),
                    ],
                }
                for text, right, wrongs in questions
            ],
        )

    def _progress(self, student: User, slug: str, stage: str) -> None:
        course = Course.objects.get(slug=slug)
        contents = Content.objects.filter(module__course=course).select_related(
            "module__course__owner", "content_type"
        )
        first_module = min(content.module.order for content in contents)
        for content in contents:
            if content.kind == "quiz":
                quiz = Quiz.objects.select_related("course").get(pk=content.object_id)
                self._take(student, quiz, right=stage == "done")
            elif stage == "done" or content.module.order == first_module:
                complete_content(student=student, content=content)

    def _take(self, student: User, quiz: Quiz, *, right: bool) -> None:
        attempt, _ = start_attempt(student=student, quiz=quiz)
        answers = [
            {
                "question": question["id"],
                "choices": [
                    choice["id"]
                    for choice in question["choices"]
                    if choice["correct"] is right
                ][:1],
            }
            for question in attempt.questions
        ]
        submit_attempt(student=student, attempt=attempt, answers=answers)

    def _module(self, course: Course, number: int, title: str) -> Module:
        owner = course.owner
        module = add_module(
            course=course,
            by=owner,
            title=title,
            description=f"Part {number + 1} of {course}.",
        )
        add_content(
            module=module,
            by=owner,
            kind="text",
            title=f"Introduction to {title.lower()}",
            content=(
                f"Welcome to **{title}**.\n\n"
                "1. Watch the lecture.\n2. Look at the picture.\n"
                "3. Read the notes.\n\n"
                "```python\nprint('Ready to learn')\n```\n"
            ),
        )
        add_content(
            module=module,
            by=owner,
            kind="video",
            title=f"{title}: lecture",
            url=VIDEOS[number % len(VIDEOS)],
        )
        add_content(
            module=module,
            by=owner,
            kind="image",
            title=f"{title} at a glance",
            file=_png(title),
        )
        add_content(
            module=module,
            by=owner,
            kind="file",
            title=f"{title} notes",
            file=_notes(title),
        )
        return module
