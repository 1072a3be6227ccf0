"""Files shared in rooms: uploaded over HTTP, then referenced by a message."""

import mimetypes
from pathlib import Path

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction

from educa.accounts.models import User
from educa.chat.models import Attachment, Room
from educa.chat.permissions import NOT_ALLOWED, may_use_room
from educa.courses.models import FILE_EXTENSIONS
from educa.courses.uploads import is_named_as_image, verified_image_extension


@transaction.atomic
def upload_attachment(*, room: Room, user: User, file: UploadedFile) -> Attachment:
    """Store `file` for the room; a message claims it by id afterwards."""
    if not may_use_room(user, room):
        raise PermissionDenied(NOT_ALLOWED)
    if room.is_archived:
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
    stored_as = name
    if is_named_as_image(name):
        # Shown inline in the room: the name must not lie about the content.
        try:
            stored_as = f"upload{verified_image_extension(file)}"
        except ValidationError:
            raise ValidationError(
                "The file is named like an image but is not one.", code="not_an_image"
            ) from None
        file.seek(0)
        file.name = stored_as
    return Attachment.objects.create(
        room=room,
        uploader=user,
        file=file,
        name=name,
        size=file.size,
        # From the name (an image's from its content), never from what the
        # client claims.
        content_type=mimetypes.guess_type(stored_as)[0] or "application/octet-stream",
    )


def attachment_for(user: User, attachment_id: int) -> Attachment:
    """The attachment, for the people of its room once a message shared it;
    until then, for its uploader alone."""
    attachment = (
        Attachment.objects.select_related("room__course")
        .filter(pk=attachment_id)
        .first()
    )
    if attachment is None or not may_use_room(user, attachment.room):
        raise PermissionDenied("Only the room's members may download its files.")
    if attachment.message_id is None and attachment.uploader_id != user.pk:
        raise PermissionDenied("This file has not been shared yet.")
    return attachment
