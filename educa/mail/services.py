"""Asking for an e-mail: the one way every app sends mail.

A kind is a folder of templates, `templates/mail/<kind>/` with
`subject.txt`, `body.txt` and `body.html` (extending `mail/base.txt` and
`mail/base.html`); the context must be JSON (names, titles, absolute URLs),
since a worker renders it later. Adding a kind is its templates plus one
`queue_email(kind=...)` call.
"""

from typing import Any
from uuid import uuid4

from django.db import transaction

from educa.mail.models import SentEmail
from educa.mail.tasks import deliver_email


@transaction.atomic
def queue_email(
    *,
    kind: str,
    to: str,
    context: dict[str, Any],
    key: str | None = None,
    recipient_id: int | None = None,
) -> SentEmail | None:
    """Store the e-mail and deliver it after the caller's transaction commits.

    At most one e-mail is ever sent per (`kind`, `key`): asking again for a
    key already asked for returns None and sends nothing. Without a key the
    e-mail is new each time. `recipient_id` links the row to the person.
    """
    email, created = SentEmail.objects.get_or_create(
        kind=kind,
        key=key or uuid4().hex,
        defaults={"to": to, "context": context, "recipient_id": recipient_id},
    )
    if not created:
        return None
    transaction.on_commit(lambda: deliver_email.enqueue(email.pk))
    return email
