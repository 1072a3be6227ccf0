from pathlib import Path
from uuid import uuid4

from django.conf import settings
from django.db import models
from django.db.models import Q


class Room(models.Model):
    """Where messages are posted: a course's room, two people's, or a group's."""

    class Kind(models.TextChoices):
        COURSE = "course", "Course"
        DIRECT = "direct", "Direct"
        GROUP = "group", "Group"

    class Status(models.TextChoices):
        ACTIVE = "active", "Active"
        ARCHIVED = "archived", "Archived"

    kind = models.CharField(max_length=10, choices=Kind.choices)
    status = models.CharField(
        max_length=10, choices=Status.choices, default=Status.ACTIVE
    )
    title = models.CharField(max_length=200, blank=True)
    course = models.OneToOneField(
        "courses.Course",
        related_name="chat_room",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
    )
    # "<smaller user id>:<larger user id>" for direct rooms: one room per pair.
    direct_key = models.CharField(max_length=50, null=True, blank=True, unique=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        related_name="+",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
    )
    created = models.DateTimeField(auto_now_add=True)
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL, through="Membership", related_name="chat_rooms"
    )

    class Meta:
        ordering = ["-created", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind="course", course__isnull=False)
                | Q(kind="direct", direct_key__isnull=False)
                | Q(kind="group"),
                name="room_kind_has_its_key",
            ),
        ]

    def __str__(self) -> str:
        return self.title or f"{self.get_kind_display()} room {self.pk}"

    @property
    def is_archived(self) -> bool:
        return self.status == self.Status.ARCHIVED


class Membership(models.Model):
    room = models.ForeignKey(Room, related_name="memberships", on_delete=models.CASCADE)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        related_name="chat_memberships",
        on_delete=models.CASCADE,
    )
    joined = models.DateTimeField(auto_now_add=True)
    last_read_message_id = models.BigIntegerField(default=0)

    class Meta:
        ordering = ["joined", "id"]
        constraints = [
            models.UniqueConstraint(fields=["user", "room"], name="membership_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} in room {self.room_id}"


class Message(models.Model):
    room = models.ForeignKey(Room, related_name="messages", on_delete=models.CASCADE)
    sender = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        related_name="chat_messages",
        on_delete=models.CASCADE,
    )
    body = models.TextField()
    # `body` rendered once (educa.markdown, chat profile) when it is stored
    # or edited, never per delivery.
    html = models.TextField(blank=True)
    created = models.DateTimeField(auto_now_add=True)
    edited = models.DateTimeField(null=True, blank=True)
    # A deleted message keeps its row (its id stays a cursor) and loses its
    # text, html, mentions and files.
    deleted = models.DateTimeField(null=True, blank=True)
    deleted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        related_name="+",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
    )
    # Chosen by the client so a retried send is stored once.
    client_id = models.UUIDField(null=True, blank=True)
    # Usernames of the room members the body @mentions.
    mentions = models.JSONField(default=list, blank=True)
    # The room's change counter at the message's last edit or deletion
    # (1, 2, … per room, in the order the room heard of them): the cursor a
    # reconnecting socket catches up on changes with (`?changes=`).
    change = models.PositiveBigIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["id"]
        indexes = [
            models.Index(fields=["room", "id"], name="message_room_id_idx"),
            # The missed-message sweep reads the last day's messages.
            models.Index(fields=["created"], name="message_created_idx"),
            models.Index(
                fields=["room", "change"],
                condition=Q(change__isnull=False),
                name="message_room_change_idx",
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["sender", "client_id"],
                condition=Q(client_id__isnull=False),
                name="message_client_id_unique",
            ),
        ]

    def __str__(self) -> str:
        return f"message {self.pk} in room {self.room_id}"

    @property
    def is_deleted(self) -> bool:
        return self.deleted is not None


def attachment_path(attachment: "Attachment", filename: str) -> str:
    return f"chat/{attachment.room_id}/{uuid4().hex}{Path(filename).suffix.lower()}"


class Attachment(models.Model):
    """A file uploaded to a room, then referenced by one message."""

    room = models.ForeignKey(Room, related_name="attachments", on_delete=models.CASCADE)
    uploader = models.ForeignKey(
        settings.AUTH_USER_MODEL, related_name="+", on_delete=models.CASCADE
    )
    message = models.ForeignKey(
        Message,
        related_name="attachments",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
    )
    file = models.FileField(upload_to=attachment_path)
    name = models.CharField(max_length=255)
    size = models.PositiveBigIntegerField()
    content_type = models.CharField(max_length=100)
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return self.name


class MissedMessagesEmailed(models.Model):
    """How far a person's missed-message e-mails went: each e-mail covers
    their unread direct messages and mentions after `last_message_id`
    (educa/chat/missed.py)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        primary_key=True,
        related_name="+",
        on_delete=models.CASCADE,
    )
    last_message_id = models.BigIntegerField(default=0)
    updated = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["user"]
        verbose_name_plural = "missed messages e-mailed"

    def __str__(self) -> str:
        return f"{self.user_id} e-mailed up to message {self.last_message_id}"
