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
    """Any signed-in person but the course's own instructor, in a published
    course (a draft is not open yet; its instructor cannot take it anyway)."""
    return user.is_authenticated and course.owner_id != user.pk and course.is_published


def _teaches(user: User | AnonymousUser, course: Course) -> bool:
    return user.is_authenticated and course.owner_id == user.pk


def can_view_course(user: User | AnonymousUser, course: Course) -> bool:
    """The course's page: everyone when it is published; a draft (or a course
    unpublished later) only its instructor and the students who took it."""
    return course.is_published or _teaches(user, course) or is_enrolled(user, course)


def listed_courses(user: User | AnonymousUser) -> QuerySet[Course]:
    """The courses `user` finds in the catalog, subject pages, searches and
    lists: the published ones, and their own drafts. (An unpublished course
    its students took stays in their own course lists and pages, not here.)"""
    published = Q(status=Course.Status.PUBLISHED)
    if not user.is_authenticated:
        return Course.objects.filter(published)
    return Course.objects.filter(published | Q(owner_id=user.pk))


def visible_courses(user: User | AnonymousUser) -> QuerySet[Course]:
    """`can_view_course` as a queryset."""
    if not user.is_authenticated:
        return listed_courses(user)
    return Course.objects.filter(
        Q(status=Course.Status.PUBLISHED)
        | Q(owner_id=user.pk)
        | Q(pk__in=Enrollment.objects.filter(student_id=user.pk).values("course_id"))
    )


def lists_drafts_for(user: User | AnonymousUser) -> bool:
    """Whether `user`'s course lists can differ from everyone's: they own a
    draft. Lists for everyone else are the same, and can be shared."""
    return (
        user.is_authenticated
        and Course.objects.filter(owner_id=user.pk)
        .exclude(status=Course.Status.PUBLISHED)
        .exists()
    )


def can_review_course(user: User | AnonymousUser, course: Course) -> bool:
    """Its enrolled students (whatever state the course is in now)."""
    return not _teaches(user, course) and is_enrolled(user, course)


def can_view_roster(user: User | AnonymousUser, course: Course) -> bool:
    """Who takes the course: its instructor only."""
    return can_edit_course(user, course)


def can_view_contents(user: User | AnonymousUser, course: Course) -> bool:
    """The course's instructor and its enrolled students."""
    return _teaches(user, course) or is_enrolled(user, course)


def can_view_contents_of(user: User | AnonymousUser, course_id: int) -> bool | None:
    """`can_view_contents` for a course known by id; None when there is no
    such course (or it is someone else's draft). The enrollment is asked
    first: one small query answers for an enrolled student, the common case."""
    if is_enrolled(user, Course(pk=course_id)):
        return True
    course = Course.objects.only("owner_id", "status").filter(pk=course_id).first()
    if course is None or not (course.is_published or _teaches(user, course)):
        return None  # someone else's draft is not there
    return _teaches(user, course)


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
