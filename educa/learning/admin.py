from django.contrib import admin

from educa.learning.models import Certificate, ContentCompletion, QuizAttempt


@admin.register(Certificate)
class CertificateAdmin(admin.ModelAdmin):
    list_display = ("code", "student_name", "course_title", "issued_at")
    search_fields = ("code", "student_name", "course_title", "student__username")
    list_select_related = ("student",)
    raw_id_fields = ("student", "course")


@admin.register(QuizAttempt)
class QuizAttemptAdmin(admin.ModelAdmin):
    """Attempts are the record of what students did: looked at, not edited."""

    list_display = ("quiz", "student", "number", "status", "percent", "started_at")
    list_filter = ("status", "started_at")
    search_fields = ("quiz__title", "student__username")
    list_select_related = ("quiz", "student")
    exclude = ("questions",)

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_add_permission(self, request) -> bool:
        return False


@admin.register(ContentCompletion)
class ContentCompletionAdmin(admin.ModelAdmin):
    list_display = ("student", "content", "course", "completed_at")
    search_fields = ("student__username", "course__title")
    list_select_related = ("student", "course", "content__content_type")
    raw_id_fields = ("student", "content", "course")
