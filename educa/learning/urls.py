from django.urls import path

from educa.learning import (
    certificate_views,
    gradebook_views,
    quiz_views,
    roster_views,
    views,
)

urlpatterns = [
    path("students/courses/", views.student_course_list, name="student_course_list"),
    path("students/profile/", views.student_profile, name="student_profile"),
    path(
        "students/course/<int:pk>/",
        views.student_course_detail,
        name="student_course_detail",
    ),
    path(
        "students/course/<int:pk>/<int:module_id>/",
        views.student_course_detail,
        name="student_course_module",
    ),
    path(
        "students/course/<int:pk>/enroll/",
        views.enroll_course,
        name="student_enroll_course",
    ),
    path(
        "students/content/<int:content_id>/complete/",
        views.content_complete,
        name="content_complete",
    ),
    path(
        "students/content/<int:content_id>/undo/",
        views.content_uncomplete,
        name="content_uncomplete",
    ),
    path("students/quiz/<int:quiz_id>/", quiz_views.quiz_detail, name="quiz_detail"),
    path(
        "students/quiz/<int:quiz_id>/start/", quiz_views.quiz_start, name="quiz_start"
    ),
    path(
        "students/attempt/<int:attempt_id>/",
        quiz_views.quiz_attempt,
        name="quiz_attempt",
    ),
    path(
        "students/attempt/<int:attempt_id>/submit/",
        quiz_views.quiz_attempt_submit,
        name="quiz_attempt_submit",
    ),
    path("course/<int:pk>/students/", roster_views.course_roster, name="course_roster"),
    path("course/<int:pk>/gradebook/", gradebook_views.gradebook, name="gradebook"),
    path(
        "course/<int:pk>/gradebook/csv/",
        gradebook_views.gradebook_csv_download,
        name="gradebook_csv",
    ),
    path(
        "certificates/<str:code>/",
        certificate_views.certificate_detail,
        name="certificate_detail",
    ),
    path(
        "certificates/<str:code>/pdf/",
        certificate_views.certificate_pdf_download,
        name="certificate_pdf",
    ),
]
