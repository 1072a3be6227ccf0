from django.urls import path

from educa.courses import views

urlpatterns = [
    path("", views.course_list, name="course_list"),
    path(
        "course/subject/<slug:subject>/", views.course_list, name="course_list_subject"
    ),
    path("course/<slug:slug>/", views.course_detail, name="course_detail"),
]
