"""A certificate as a PDF (fpdf2): who completed which course, taught by
whom, when, and the code and address that confirm it."""

from pathlib import Path

from django.conf import settings
from fpdf import FPDF

from educa.learning.models import Certificate

_FAMILY = "certificate"


def _set_up_font(pdf: FPDF) -> bool:
    """Use CERTIFICATE_FONT when it is there; True if so."""
    font = Path(settings.CERTIFICATE_FONT)
    if not font.is_file():
        return False
    pdf.add_font(_FAMILY, "", str(font))
    return True


def certificate_pdf(certificate: Certificate, *, verify_url: str) -> bytes:
    """The certificate on one landscape A4 page. `verify_url` is the public
    page that confirms it (absolute, as printed)."""
    pdf = FPDF(orientation="L", format="A4")
    pdf.set_title(f"Certificate {certificate.code}")
    pdf.set_author("Educa")
    pdf.set_creator("Educa")
    pdf.set_auto_page_break(auto=False)
    pdf.add_page()
    unicode_font = _set_up_font(pdf)
    family = _FAMILY if unicode_font else "Helvetica"

    def text(value: str) -> str:
        # Helvetica knows Latin-1 only: anything else would stop fpdf2.
        if unicode_font:
            return value
        return value.encode("latin-1", "replace").decode("latin-1")

    def line(value: str, size: int, *, gap: float = 4, color: int = 30) -> None:
        pdf.set_font(family, size=size)
        pdf.set_text_color(color, color, color)
        pdf.cell(0, size * 0.5, text(value), align="C", new_x="LMARGIN", new_y="NEXT")
        pdf.ln(gap)

    pdf.set_draw_color(58, 91, 217)
    pdf.set_line_width(1.5)
    pdf.rect(10, 10, pdf.w - 20, pdf.h - 20)
    pdf.set_line_width(0.4)
    pdf.rect(14, 14, pdf.w - 28, pdf.h - 28)
    pdf.set_y(38)
    line("Educa", 16, color=90)
    line("Certificate of completion", 30, gap=12)
    line("This certifies that", 13, color=90)
    line(certificate.student_name, 32, gap=8)
    line("has completed the course", 13, color=90)
    line(certificate.course_title, 24, gap=6)
    line(f"taught by {certificate.instructor_name}", 13, gap=2, color=90)
    issued = certificate.issued_at
    line(f"on {issued.day} {issued:%B %Y}", 13, gap=18, color=90)
    line(f"Verification code: {certificate.code}", 12, gap=1, color=60)
    line(f"Verify at {verify_url}", 10, color=90)
    return bytes(pdf.output())
