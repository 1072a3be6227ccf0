"""The certificate PDF says when it was issued."""

import io
from datetime import UTC, datetime

from django.urls import reverse
from pypdf import PdfReader

from educa.learning.models import Certificate
from educa.learning.services import complete_content
from tests.factories import EnrollmentFactory, ModuleFactory, add_content


def test_the_certificate_pdf_holds_its_issue_date(client, course):
    student = EnrollmentFactory(course=course).student
    complete_content(student=student, content=add_content(ModuleFactory(course=course)))
    certificate = Certificate.objects.get(student=student)
    issued = datetime(2025, 7, 4, 12, 30, tzinfo=UTC)
    Certificate.objects.filter(pk=certificate.pk).update(issued_at=issued)

    response = client.get(reverse("certificate_pdf", args=[certificate.code]))

    text = PdfReader(io.BytesIO(response.content)).pages[0].extract_text()
    assert response.status_code == 200
    assert "on 4 July 2025" in text
