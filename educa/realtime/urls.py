from django.urls import path

from educa.realtime import views

urlpatterns = [
    path("notifications/", views.notification_list, name="notification_list"),
    path(
        "notifications/<int:notification_id>/",
        views.notification_open,
        name="notification_open",
    ),
    path(
        "notifications/read/",
        views.notification_read_all,
        name="notification_read_all",
    ),
]
