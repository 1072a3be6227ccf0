"""Who may author and who may learn what. Every transport (pages, REST,
sockets, GraphQL) asks these, so they can never disagree."""

from django.contrib.auth.models import AnonymousUser
from django.db.models import Q, QuerySet

from educa.accounts.models import User
from educa.courses.models import Course, Enrollment
from educa.ops.queries import row_exists


def can_author_courses(user: User | AnonymousUser) -> bool:
    """Instructors (and superusers) may create courses."""
    return user.is_authenticated and user.has_perm("courses.add_course")


def can_edit_course(user: User | AnonymousUser, course: Course) -> bool:
    """Only the course's owner, and only while they may author courses."""
    return can_author_courses(user) and course.owner_id == user.pk


def is_enrolled(user: User | AnonymousUser, course: Course) -> bool:
    # A fixed statement (educa/ops/queries.py): every contents request and
    # every chat message asks this, and compiling the ORM query cost more
    # than the answer (bench/README.md, "Framework parts kept").
    return user.is_authenticated and row_exists(
        Enrollment, student=user.pk, course=course.pk
    )


def can_enroll(user: User | AnonymousUser, course: Course) -> bool:
    """Any signed-in person but the course's own instructor."""
    return user.is_authenticated and course.owner_id != user.pk


def _teaches(user: User | AnonymousUser, course: Course) -> bool:
    return user.is_authenticated and course.owner_id == user.pk


def can_view_contents(user: User | AnonymousUser, course: Course) -> bool:
    """The course's instructor and its enrolled students."""
    return _teaches(user, course) or is_enrolled(user, course)


def can_view_contents_of(user: User | AnonymousUser, course_id: int) -> bool | None:
    """`can_view_contents` for a course known by id; None when there is no
    such course. The enrollment is asked first: one small query answers for
    an enrolled student, the common case."""
    if is_enrolled(user, Course(pk=course_id)):
        return True
    course = Course.objects.only("owner_id").filter(pk=course_id).first()
    return None if course is None else _teaches(user, course)


def viewable_courses(user: User | AnonymousUser) -> QuerySet[Course]:
    """`can_view_contents` as a queryset: the courses `user` teaches or takes."""
    if not user.is_authenticated:
        return Course.objects.none()
    return Course.objects.filter(
        Q(owner_id=user.pk)
        | Q(pk__in=Enrollment.objects.filter(student_id=user.pk).values("course_id"))
    )


def course_people(course: Course) -> QuerySet[User]:
    """`can_view_contents` as a queryset of people: the course's instructor
    and its enrolled students."""
    return User.objects.filter(
        Q(pk=course.owner_id)
        | Q(pk__in=Enrollment.objects.filter(course_id=course.pk).values("student_id"))
    )
