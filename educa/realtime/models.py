from django.conf import settings
from django.db import models


class Notification(models.Model):
    """Something a user should hear about; kept so an offline user still sees it."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        related_name="notifications",
        on_delete=models.CASCADE,
    )
    kind = models.CharField(max_length=50)
    payload = models.JSONField(default=dict)
    created = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-id"]
        indexes = [
            # Replay (`id > after`) and the newest-first list both walk this.
            models.Index(fields=["user", "id"], name="notification_user_id_idx"),
            models.Index(
                fields=["user"],
                condition=models.Q(read_at__isnull=True),
                name="notification_unread_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} for user {self.user_id}"
