from django.contrib import admin

from educa.courses.models import (
    Content,
    Course,
    File,
    Image,
    Module,
    Subject,
    Text,
    Video,
)


@admin.register(Subject)
class SubjectAdmin(admin.ModelAdmin):
    list_display = ("title", "slug")
    prepopulated_fields = {"slug": ("title",)}
    search_fields = ("title",)


class ModuleInline(admin.StackedInline):
    model = Module
    extra = 0
    fields = ("title", "description", "order")


@admin.register(Course)
class CourseAdmin(admin.ModelAdmin):
    list_display = ("title", "subject", "owner", "created")
    list_filter = ("created", "subject")
    list_select_related = ("subject", "owner")
    search_fields = ("title", "overview")
    prepopulated_fields = {"slug": ("title",)}
    raw_id_fields = ("owner",)
    inlines = [ModuleInline]


class ContentInline(admin.TabularInline):
    model = Content
    extra = 0
    fields = ("content_type", "object_id", "order")


@admin.register(Module)
class ModuleAdmin(admin.ModelAdmin):
    list_display = ("title", "course", "order")
    list_filter = ("course__subject",)
    list_select_related = ("course",)
    search_fields = ("title", "description", "course__title")
    inlines = [ContentInline]


@admin.register(Text, File, Image, Video)
class ItemAdmin(admin.ModelAdmin):
    list_display = ("title", "course", "owner", "updated")
    list_filter = ("updated",)
    list_select_related = ("course", "owner")
    search_fields = ("title", "course__title")
    raw_id_fields = ("owner", "course")
