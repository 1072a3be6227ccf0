"""Instructor pages: manage own courses, their modules and contents.

Students get 403 on every page here; another instructor gets 404 for anything
they do not own, so the pages never confirm that someone else's course exists.
"""

import json
from collections.abc import Callable
from copy import copy
from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from educa.courses import selectors, services
from educa.courses.forms import CourseForm, ModuleFormSet, item_form
from educa.courses.models import CONTENT_KINDS, Content, Course, Module
from educa.courses.permissions import can_author_courses, can_edit_course
from educa.courses.quiz_authoring import quiz_editor
from educa.markdown import render_markdown

MODULE_FIELDS = ("title", "description")
PREVIEW_MAX_LENGTH = 100_000


def author_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Sign-in first, then instructors only (403 for everyone else)."""

    @login_required
    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if not can_author_courses(request.user):
            raise PermissionDenied("Only instructors may author courses.")
        return view(request, *args, **kwargs)

    return wrapper


def _owned_course(request: HttpRequest, pk: int) -> Course:
    course = get_object_or_404(Course.objects.select_related("subject"), pk=pk)
    if not can_edit_course(request.user, course):
        raise Http404("No such course.")
    return course


def _owned_module(request: HttpRequest, module_id: int) -> Module:
    module = get_object_or_404(Module.objects.select_related("course"), pk=module_id)
    if not can_edit_course(request.user, module.course):
        raise Http404("No such module.")
    return module


def _owned_content(request: HttpRequest, content_id: int) -> Content:
    content = get_object_or_404(
        Content.objects.select_related("module__course", "content_type"),
        pk=content_id,
    )
    if not can_edit_course(request.user, content.module.course):
        raise Http404("No such content.")
    return content


@author_required
def manage_course_list(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "courses/manage/course/list.html",
        {"courses": selectors.owned_courses(request.user)},
    )


@author_required
def course_create(request: HttpRequest) -> HttpResponse:
    form = CourseForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            course = services.create_course(owner=request.user, **form.service_fields())
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request,
                f"Draft “{course.title}” created: only you can see it until you "
                "publish it. Now add modules.",
            )
            return redirect("course_module_update", course.pk)
    return render(request, "courses/manage/course/form.html", {"form": form})


@author_required
def course_edit(request: HttpRequest, pk: int) -> HttpResponse:
    course = _owned_course(request, pk)
    # The form validates a copy, so a rejected edit never reaches the heading.
    form = CourseForm(
        request.POST or None, request.FILES or None, instance=copy(course)
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.update_course(
                course=course, by=request.user, **form.service_fields()
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, "Course saved.")
            return redirect("manage_course_list")
    return render(
        request, "courses/manage/course/form.html", {"form": form, "course": course}
    )


@author_required
def course_delete(request: HttpRequest, pk: int) -> HttpResponse:
    course = _owned_course(request, pk)
    if request.method == "POST":
        services.delete_course(course=course, by=request.user)
        messages.success(request, f"Course “{course.title}” deleted.")
        return redirect("manage_course_list")
    return render(request, "courses/manage/course/delete.html", {"course": course})


def _back(request: HttpRequest, default: str) -> HttpResponse:
    """To the page the form came from (`next`, on this site), else `default`."""
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(target)
    return redirect(default)


@author_required
@require_POST
def course_publish(request: HttpRequest, pk: int) -> HttpResponse:
    course = _owned_course(request, pk)
    try:
        services.publish_course(course=course, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, f"“{course.title}” is published: anyone can find it.")
    return _back(request, "manage_course_list")


@author_required
@require_POST
def course_unpublish(request: HttpRequest, pk: int) -> HttpResponse:
    course = _owned_course(request, pk)
    services.unpublish_course(course=course, by=request.user)
    messages.success(
        request,
        f"“{course.title}” is a draft again: hidden from the catalog; its "
        "students keep their access.",
    )
    return _back(request, "manage_course_list")


@author_required
@require_POST
def markdown_preview(request: HttpRequest) -> JsonResponse:
    """The posted `text` rendered as a text content shows it: `{"html": ...}`."""
    text = request.POST.get("text", "")
    if len(text) > PREVIEW_MAX_LENGTH:
        return JsonResponse(
            {"detail": f"Preview at most {PREVIEW_MAX_LENGTH} characters."}, status=400
        )
    return JsonResponse({"html": render_markdown(text)})


@author_required
def course_module_update(request: HttpRequest, pk: int) -> HttpResponse:
    """Add, rename and delete the course's modules with an inline formset."""
    course = _owned_course(request, pk)
    formset = ModuleFormSet(request.POST or None, instance=course)
    if request.method == "POST" and formset.is_valid():
        # Rows without a primary key among the initial forms name modules of
        # other courses (a tampered form): they are ignored.
        deleted = [form.instance for form in formset.deleted_forms if form.instance.pk]
        changed = [
            (
                form.instance,
                {
                    name: form.cleaned_data[name]
                    for name in form.changed_data
                    if name in MODULE_FIELDS
                },
            )
            for form in formset.initial_forms
            if form.instance.pk
            and form not in formset.deleted_forms
            and form.has_changed()
        ]
        added = [
            {name: form.cleaned_data[name] for name in MODULE_FIELDS}
            for form in formset.extra_forms
            if form.has_changed() and not form.cleaned_data.get("DELETE")
        ]
        services.edit_modules(
            course=course,
            by=request.user,
            added=added,
            changed=changed,
            deleted=deleted,
        )
        messages.success(request, "Modules saved.")
        return redirect("course_module_update", course.pk)
    return render(
        request,
        "courses/manage/module/formset.html",
        {"course": course, "formset": formset},
    )


@author_required
def module_content_list(request: HttpRequest, module_id: int) -> HttpResponse:
    module = _owned_module(request, module_id)
    return render(
        request,
        "courses/manage/module/content_list.html",
        {
            "module": module,
            "course": module.course,
            "modules": selectors.course_outline(module.course),
            "contents": selectors.module_contents(module),
            "kinds": CONTENT_KINDS,
        },
    )


@author_required
def content_create(request: HttpRequest, module_id: int, kind: str) -> HttpResponse:
    module = _owned_module(request, module_id)
    if kind not in CONTENT_KINDS:
        raise Http404("No such content type.")
    form = item_form(kind, None, request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            content = services.add_content(
                module=module, by=request.user, kind=kind, **form.cleaned_data
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request, f"{kind.capitalize()} “{form.cleaned_data['title']}” added."
            )
            if kind == "quiz":  # next: its questions
                return redirect("module_content_update", content.pk)
            return redirect("module_content_list", module.pk)
    return render(
        request,
        "courses/manage/content/form.html",
        {"form": form, "module": module, "course": module.course, "kind": kind},
    )


def _item_fields(cleaned_data: dict) -> dict:
    """Form fields as update_content's keywords (a text's body goes as `text`)."""
    fields = dict(cleaned_data)
    if "content" in fields:
        fields["text"] = fields.pop("content")
    return fields


@author_required
def content_edit(request: HttpRequest, content_id: int) -> HttpResponse:
    content = _owned_content(request, content_id)
    module, kind = content.module, content.kind
    form = item_form(kind, content.item, request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_content(
                content=content, by=request.user, **_item_fields(form.cleaned_data)
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, f"“{form.cleaned_data['title']}” saved.")
            return redirect("module_content_list", module.pk)
    if kind == "quiz":
        return quiz_editor(request, content, form)
    return render(
        request,
        "courses/manage/content/form.html",
        {
            "form": form,
            "module": module,
            "course": module.course,
            "kind": kind,
            "content": content,
        },
    )


@author_required
@require_POST
def content_delete(request: HttpRequest, content_id: int) -> HttpResponse:
    content = _owned_content(request, content_id)
    title = content.item.title
    services.delete_content(content=content, by=request.user)
    messages.success(request, f"“{title}” deleted.")
    return redirect("module_content_list", content.module_id)


def _ids_from_json(request: HttpRequest, key: str) -> list[int] | None:
    """The JSON body's `key` as a list of ints, or None when it is not one."""
    try:
        ids = json.loads(request.body).get(key)
    # RecursionError: nested too deeply for Python's decoder.
    except (ValueError, AttributeError, RecursionError):
        return None
    if not isinstance(ids, list) or not all(type(pk) is int for pk in ids):
        return None
    return ids


def _reorder(
    apply: Callable[[list[int]], None], request: HttpRequest, key: str
) -> JsonResponse:
    ids = _ids_from_json(request, key)
    if ids is None:
        return JsonResponse(
            {"detail": f"Send a JSON object with {key!r}: a list of ids."}, status=400
        )
    try:
        apply(ids)
    except ValidationError as error:
        return JsonResponse({"detail": " ".join(error.messages)}, status=400)
    return JsonResponse({"saved": True})


@author_required
@require_POST
def module_order(request: HttpRequest, pk: int) -> JsonResponse:
    """`{"module_ids": [...]}`: the course's modules in their new order."""
    course = _owned_course(request, pk)
    return _reorder(
        lambda ids: services.reorder_modules(
            course=course, by=request.user, module_ids=ids
        ),
        request,
        "module_ids",
    )


@author_required
@require_POST
def content_order(request: HttpRequest, module_id: int) -> JsonResponse:
    """`{"content_ids": [...]}`: the module's contents in their new order."""
    module = _owned_module(request, module_id)
    return _reorder(
        lambda ids: services.reorder_contents(
            module=module, by=request.user, content_ids=ids
        ),
        request,
        "content_ids",
    )
