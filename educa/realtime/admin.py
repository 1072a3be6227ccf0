"""Notifications for operators: find them by person, kind and whether read."""

from django.contrib import admin
from django.http import HttpRequest

from educa.realtime.models import Notification
from educa.realtime.selectors import notification_text


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ("id", "user", "kind", "sentence", "created", "read_at")
    list_filter = ("kind", ("read_at", admin.EmptyFieldListFilter), "created")
    search_fields = ("user__username", "user__display_name", "kind")
    list_select_related = ("user",)
    date_hierarchy = "created"
    readonly_fields = ("user", "kind", "payload", "created")

    @admin.display(description="says")
    def sentence(self, notification: Notification) -> str:
        return notification_text(notification)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False
