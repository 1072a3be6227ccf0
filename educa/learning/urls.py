from django.urls import path

from educa.learning import views

urlpatterns = [
    path("students/courses/", views.student_course_list, name="student_course_list"),
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
]
