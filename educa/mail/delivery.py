"""Sending one stored e-mail: render its templates, hand it to EMAIL_URL's
server, and record the outcome in its SentEmail row.

Each status change is its own committed UPDATE that only moves a row from
the expected status, so however many times the task runs (a retry, a worker
that died and whose task was given to another), one attempt at most is
ever sending, and an e-mail marked SENDING or SENT is never sent again. A
worker that dies between the SMTP server's acceptance and the SENT mark
leaves the row SENDING: it is not sent again (at most once), with a warning.
"""

import logging

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db.models import F
from django.template.loader import render_to_string
from django.utils import timezone

from educa.mail.models import SentEmail

logger = logging.getLogger(__name__)

Status = SentEmail.Status


def render_email(email: SentEmail) -> EmailMultiAlternatives:
    """The message from `mail/<kind>/subject.txt`, `body.txt` and `body.html`."""
    context = {**email.context, "site_url": settings.SITE_URL}
    template = f"mail/{email.kind}"
    subject = " ".join(render_to_string(f"{template}/subject.txt", context).split())
    headers = {}
    if unsubscribe_url := context.get("unsubscribe_url"):
        # RFC 8058: mail clients show an "Unsubscribe" button that POSTs here.
        headers["List-Unsubscribe"] = f"<{unsubscribe_url}>"
        headers["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    message = EmailMultiAlternatives(
        subject=subject,
        body=render_to_string(f"{template}/body.txt", context),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[email.to],
        headers=headers,
    )
    message.attach_alternative(
        render_to_string(f"{template}/body.html", context), "text/html"
    )
    return message


def deliver(*, email_id: int) -> str:
    """Send the e-mail unless it is sent or being sent; its status after.

    Raises the SMTP error (the row marked FAILED) so the task is retried.
    """
    claimed = SentEmail.objects.filter(
        pk=email_id, status__in=[Status.QUEUED, Status.FAILED]
    ).update(status=Status.SENDING, attempts=F("attempts") + 1)
    if not claimed:
        status = (
            SentEmail.objects.filter(pk=email_id)
            .values_list("status", flat=True)
            .first()
        )
        if status == Status.SENDING:
            logger.warning(
                "e-mail %s: an earlier attempt stopped while sending it; "
                "not sent again",
                email_id,
            )
        return status or "missing"
    email = SentEmail.objects.get(pk=email_id)
    try:
        render_email(email).send()
    except Exception as error:
        SentEmail.objects.filter(pk=email_id).update(
            status=Status.FAILED, error=f"{type(error).__name__}: {error}"[:2000]
        )
        logger.warning("e-mail %s (%s) failed: %s", email_id, email.kind, error)
        raise
    SentEmail.objects.filter(pk=email_id).update(
        status=Status.SENT, sent=timezone.now(), error=""
    )
    logger.info("e-mail %s (%s) sent", email_id, email.kind)
    return Status.SENT
