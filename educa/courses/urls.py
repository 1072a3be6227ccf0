from django.urls import path

from educa.courses import authoring, media, people, quiz_authoring, views

urlpatterns = [
    path("", views.course_list, name="course_list"),
    path(
        "course/subject/<slug:subject>/", views.course_list, name="course_list_subject"
    ),
    # Authoring paths come before course/<slug>/, which would match mine/ and create/.
    path("course/mine/", authoring.manage_course_list, name="manage_course_list"),
    path("course/create/", authoring.course_create, name="course_create"),
    path("course/<int:pk>/edit/", authoring.course_edit, name="course_edit"),
    path("course/<int:pk>/delete/", authoring.course_delete, name="course_delete"),
    path("course/<int:pk>/publish/", authoring.course_publish, name="course_publish"),
    path(
        "course/<int:pk>/unpublish/",
        authoring.course_unpublish,
        name="course_unpublish",
    ),
    path(
        "course/markdown/preview/",
        authoring.markdown_preview,
        name="markdown_preview",
    ),
    path("course/<int:pk>/review/", views.course_review, name="course_review"),
    path(
        "course/<int:pk>/review/delete/",
        views.course_review_delete,
        name="course_review_delete",
    ),
    path("course/<int:pk>/unenroll/", views.course_unenroll, name="course_unenroll"),
    path(
        "course/<int:pk>/module/",
        authoring.course_module_update,
        name="course_module_update",
    ),
    path("course/<int:pk>/module/order/", authoring.module_order, name="module_order"),
    path(
        "course/module/<int:module_id>/",
        authoring.module_content_list,
        name="module_content_list",
    ),
    path(
        "course/module/<int:module_id>/content/order/",
        authoring.content_order,
        name="content_order",
    ),
    path(
        "course/module/<int:module_id>/content/<str:kind>/create/",
        authoring.content_create,
        name="module_content_create",
    ),
    path(
        "course/content/<int:content_id>/edit/",
        authoring.content_edit,
        name="module_content_update",
    ),
    path(
        "course/content/<int:content_id>/delete/",
        authoring.content_delete,
        name="module_content_delete",
    ),
    path("course/<int:pk>/people/", people.course_people, name="course_people"),
    path(
        "course/content/<int:content_id>/questions/<str:kind>/create/",
        quiz_authoring.question_create,
        name="question_create",
    ),
    path(
        "course/content/<int:content_id>/questions/order/",
        quiz_authoring.question_order,
        name="question_order",
    ),
    path(
        "course/question/<int:question_id>/edit/",
        quiz_authoring.question_edit,
        name="question_edit",
    ),
    path(
        "course/question/<int:question_id>/delete/",
        quiz_authoring.question_delete,
        name="question_delete",
    ),
    path("course/<slug:slug>/", views.course_detail, name="course_detail"),
    path(
        "media/courses/<int:course_id>/<str:name>",
        media.course_media,
        name="course_media",
    ),
    path("people/<str:username>/", people.person, name="person"),
    path(
        "media/covers/<int:course_id>/<str:name>",
        media.course_cover,
        name="course_cover",
    ),
]
