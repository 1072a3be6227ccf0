"""Files shared in rooms: uploaded over HTTP, then referenced by a message."""

import mimetypes
from pathlib import Path

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction

from educa.accounts.models import User
from educa.chat.models import Attachment
from educa.chat.selectors import membership_in
from educa.courses.models import FILE_EXTENSIONS


@transaction.atomic
def upload_attachment(*, room_id: int, user: User, file: UploadedFile) -> Attachment:
    """Store `file` for the room; a message claims it by id afterwards."""
    membership = membership_in(user.pk, room_id)
    if membership is None:
        raise PermissionDenied("You are not a member of this room.")
    if membership.room.is_archived:
        raise ValidationError("This room is archived.", code="room_archived")
    name = Path(file.name or "").name[:255]
    extension = Path(name).suffix.lower().lstrip(".")
    if extension not in FILE_EXTENSIONS:
        raise ValidationError(
            f"Files of type .{extension or '?'} cannot be shared.",
            code="file_type",
        )
    limit = settings.CHAT_ATTACHMENT_MAX_SIZE
    if file.size > limit:
        raise ValidationError(
            f"The file is larger than {limit // 2**20} MB.", code="file_too_large"
        )
    return Attachment.objects.create(
        room=membership.room,
        uploader=user,
        file=file,
        name=name,
        size=file.size,
        # From the name, never from what the client claims.
        content_type=mimetypes.guess_type(name)[0] or "application/octet-stream",
    )


def attachment_for(user: User, attachment_id: int) -> Attachment:
    """The attachment, if `user` is a member of its room."""
    attachment = Attachment.objects.filter(pk=attachment_id).first()
    if attachment is None or membership_in(user.pk, attachment.room_id) is None:
        raise PermissionDenied("Only the room's members may download its files.")
    return attachment
