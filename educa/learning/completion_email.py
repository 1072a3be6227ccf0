"""The course-completion e-mail: the certificate's link, sent once.

The e-mail service's sent-log is the record: one SentEmail of kind
"course_completed" per student and course, so a course completed again
(a content undone and done, a retried request) e-mails nobody twice.
"""

from django.conf import settings
from django.urls import reverse

from educa.learning.models import Certificate
from educa.mail.models import SentEmail
from educa.mail.services import queue_email

COURSE_COMPLETED = "course_completed"


def queue_completion_email(*, certificate: Certificate) -> SentEmail | None:
    """Queue the e-mail telling the certificate's student where it is (sent
    after the caller's transaction commits); None when they have no address
    or were e-mailed for this course before."""
    student = certificate.student
    if not student.email:
        return None
    return queue_email(
        kind=COURSE_COMPLETED,
        key=f"{student.pk}:{certificate.course_id}",
        to=student.email,
        recipient_id=student.pk,
        context={
            "name": student.name,
            "course_title": certificate.course_title,
            "instructor_name": certificate.instructor_name,
            "certificate_code": certificate.code,
            "certificate_url": settings.SITE_URL + certificate.get_absolute_url(),
            "pdf_url": settings.SITE_URL
            + reverse("certificate_pdf", args=[certificate.code]),
        },
    )
