from django.contrib import admin

from educa.mail.models import SentEmail


@admin.register(SentEmail)
class SentEmailAdmin(admin.ModelAdmin):
    """The sent-log, read-only: what was asked for, and what became of it."""

    list_display = ("kind", "to", "status", "attempts", "created", "sent")
    list_filter = ("kind", "status")
    search_fields = ("to", "key")
    readonly_fields = (
        "kind",
        "key",
        "recipient",
        "to",
        "context",
        "status",
        "attempts",
        "error",
        "created",
        "sent",
    )

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False
