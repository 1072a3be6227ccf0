from django.conf import settings
from django.db import models


class SentEmail(models.Model):
    """One e-mail, from the moment a service asks for it: the outbox and the
    sent-log at once.

    (`kind`, `key`) is unique, so asking twice for the same e-mail (a second
    reminder run, a retried task) stores and sends it once. The row is
    written in the caller's transaction; a task delivers it after commit.
    """

    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        SENDING = "sending", "Sending"
        SENT = "sent", "Sent"
        FAILED = "failed", "Failed"

    kind = models.CharField(max_length=50)
    key = models.CharField(max_length=200)
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        related_name="sent_emails",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
    )
    to = models.EmailField()
    # What the templates need: JSON, so the worker renders what was asked.
    context = models.JSONField(default=dict, blank=True)
    status = models.CharField(
        max_length=10, choices=Status.choices, default=Status.QUEUED
    )
    attempts = models.PositiveSmallIntegerField(default=0)
    error = models.TextField(blank=True)
    created = models.DateTimeField(auto_now_add=True)
    sent = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "key"], name="sent_email_once"),
        ]
        indexes = [
            models.Index(fields=["status", "created"], name="sent_email_status_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} to {self.to} ({self.status})"
