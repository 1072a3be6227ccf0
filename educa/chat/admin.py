"""Rooms, messages and files for operators: find them (search, filters) and
read them. Messages change only through the chat services, so everyone in
the room hears it: the admin's one write is the "Delete" action, which is
`delete_message` (staff holding `chat.delete_message` moderate any room)."""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest

from educa.chat.editing import delete_message
from educa.chat.models import Attachment, Membership, Message, Room


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    fields = ("user", "joined", "last_read_message_id")
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj=None) -> bool:
        return False


@admin.register(Room)
class RoomAdmin(ReadOnlyAdmin):
    list_display = ("id", "__str__", "kind", "status", "course", "created")
    list_filter = ("kind", "status", "created")
    search_fields = ("title", "course__title", "members__username")
    list_select_related = ("course",)
    inlines = [MembershipInline]

    def get_search_results(self, request, queryset, search_term):
        found, _ = super().get_search_results(request, queryset, search_term)
        return found.distinct(), False


@admin.register(Message)
class MessageAdmin(ReadOnlyAdmin):
    list_display = ("id", "room", "sender", "excerpt", "created", "edited", "deleted")
    list_filter = (
        "room__kind",
        "created",
        ("edited", admin.EmptyFieldListFilter),
        ("deleted", admin.EmptyFieldListFilter),
    )
    search_fields = ("body", "sender__username", "sender__display_name", "room__title")
    list_select_related = ("room__course", "sender")
    date_hierarchy = "created"
    actions = ["delete_for_everyone"]

    @admin.display(description="text")
    def excerpt(self, message: Message) -> str:
        return "(deleted)" if message.is_deleted else message.body[:80]

    def get_actions(self, request: HttpRequest) -> dict:
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)  # rows stay: ids are the cursor
        return actions

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    @admin.action(
        description="Delete the selected messages for everyone",
        permissions=["moderate"],
    )
    def delete_for_everyone(self, request: HttpRequest, queryset: QuerySet) -> None:
        done = 0
        for message in queryset.select_related("room__course", "sender"):
            try:
                delete_message(message=message, by=request.user)
            except (PermissionDenied, ValidationError):
                continue
            done += 1
        self.message_user(request, f"Deleted {done} message(s).", messages.SUCCESS)

    def has_moderate_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm("chat.delete_message")


@admin.register(Attachment)
class AttachmentAdmin(ReadOnlyAdmin):
    list_display = ("id", "name", "room", "uploader", "size", "content_type", "created")
    list_filter = ("content_type", "created")
    search_fields = ("name", "uploader__username")
    list_select_related = ("room__course", "uploader")
