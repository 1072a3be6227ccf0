from django.contrib import admin

from educa.courses.admin import CatalogAdmin
from educa.learning.models import Enrollment


@admin.register(Enrollment)
class EnrollmentAdmin(CatalogAdmin):
    list_display = ("student", "course", "enrolled_at")
    list_filter = ("course__subject", "enrolled_at")
    search_fields = ("student__username", "student__email", "course__title")
    list_select_related = ("student", "course")
    raw_id_fields = ("student", "course")
