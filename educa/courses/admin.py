from django.contrib import admin
from django.db.models import Model, QuerySet
from django.http import HttpRequest

from educa.courses.caching import invalidate_catalog
from educa.courses.models import (
    Choice,
    Content,
    Course,
    Enrollment,
    File,
    Image,
    Module,
    Question,
    Quiz,
    Review,
    Subject,
    Text,
    Video,
)
from educa.courses.search import index_courses


class CatalogAdmin(admin.ModelAdmin):
    """Admin edits bypass the services, so they forget the cached pages themselves."""

    def save_model(self, request: HttpRequest, obj: Model, form, change: bool) -> None:
        super().save_model(request, obj, form, change)
        invalidate_catalog()

    def save_related(self, request: HttpRequest, form, formsets, change: bool) -> None:
        super().save_related(request, form, formsets, change)
        invalidate_catalog()

    def delete_model(self, request: HttpRequest, obj: Model) -> None:
        super().delete_model(request, obj)
        invalidate_catalog()

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet) -> None:
        super().delete_queryset(request, queryset)
        invalidate_catalog()


@admin.register(Subject)
class SubjectAdmin(CatalogAdmin):
    list_display = ("title", "slug")
    prepopulated_fields = {"slug": ("title",)}
    search_fields = ("title",)


class ModuleInline(admin.StackedInline):
    model = Module
    extra = 0
    fields = ("title", "description", "order")


@admin.register(Course)
class CourseAdmin(CatalogAdmin):
    list_display = ("title", "subject", "owner", "status", "created")
    list_filter = ("status", "created", "subject")
    list_select_related = ("subject", "owner")
    search_fields = ("title", "overview")
    prepopulated_fields = {"slug": ("title",)}
    raw_id_fields = ("owner",)
    inlines = [ModuleInline]

    def save_related(self, request: HttpRequest, form, formsets, change: bool) -> None:
        super().save_related(request, form, formsets, change)
        index_courses([form.instance.pk])


class ContentInline(admin.TabularInline):
    model = Content
    extra = 0
    fields = ("content_type", "object_id", "order")


@admin.register(Module)
class ModuleAdmin(CatalogAdmin):
    list_display = ("title", "course", "order")
    list_filter = ("course__subject",)
    list_select_related = ("course",)
    search_fields = ("title", "description", "course__title")
    inlines = [ContentInline]

    def save_related(self, request: HttpRequest, form, formsets, change: bool) -> None:
        super().save_related(request, form, formsets, change)
        index_courses([form.instance.course_id])


@admin.register(Text, File, Image, Video)
class ItemAdmin(CatalogAdmin):
    list_display = ("title", "course", "owner", "updated")
    list_filter = ("updated",)
    list_select_related = ("course", "owner")
    search_fields = ("title", "course__title")
    raw_id_fields = ("owner", "course")


class QuestionInline(admin.StackedInline):
    model = Question
    extra = 0
    fields = (
        *("kind", "text", "points", "partial_credit"),
        *("accepted_answers", "answer", "tolerance", "order"),
    )
    show_change_link = True


@admin.register(Quiz)
class QuizAdmin(ItemAdmin):
    inlines = [QuestionInline]


class ChoiceInline(admin.TabularInline):
    model = Choice
    extra = 0
    fields = ("text", "correct", "order")


@admin.register(Question)
class QuestionAdmin(CatalogAdmin):
    list_display = ("text", "kind", "points", "quiz")
    list_select_related = ("quiz",)
    search_fields = ("text", "quiz__title")
    raw_id_fields = ("quiz",)
    inlines = [ChoiceInline]


@admin.register(Enrollment)
class EnrollmentAdmin(CatalogAdmin):
    list_display = ("student", "course", "enrolled_at")
    list_filter = ("course__subject", "enrolled_at")
    search_fields = ("student__username", "student__email", "course__title")
    list_select_related = ("student", "course")
    raw_id_fields = ("student", "course")


@admin.register(Review)
class ReviewAdmin(CatalogAdmin):
    list_display = ("course", "student", "rating", "updated")
    list_filter = ("rating", "updated")
    search_fields = ("course__title", "student__username", "text")
    list_select_related = ("course", "student")
    raw_id_fields = ("student", "course")
