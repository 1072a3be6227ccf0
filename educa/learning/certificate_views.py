"""Certificates in public: anyone with the code may confirm one and get its PDF."""

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from educa.learning.certificates import certificate_pdf
from educa.learning.models import Certificate
from educa.learning.selectors import certificate_by_code


def _certificate(code: str) -> Certificate:
    certificate = certificate_by_code(code)
    if certificate is None:
        raise Http404("No certificate has this code.")
    return certificate


def certificate_detail(request: HttpRequest, code: str) -> HttpResponse:
    certificate = _certificate(code)
    return render(
        request,
        "learning/certificate.html",
        {
            "certificate": certificate,
            "verify_url": request.build_absolute_uri(certificate.get_absolute_url()),
        },
    )


def certificate_pdf_download(request: HttpRequest, code: str) -> HttpResponse:
    certificate = _certificate(code)
    pdf = certificate_pdf(
        certificate,
        verify_url=request.build_absolute_uri(certificate.get_absolute_url()),
    )
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = (
        f'attachment; filename="educa-certificate-{certificate.code}.pdf"'
    )
    return response
