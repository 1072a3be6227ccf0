from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("", include("educa.accounts.urls")),
    path("admin/", admin.site.urls),
    path("api/", include("educa.api.urls")),
    path("", include("educa.learning.urls")),
    path("", include("educa.chat.urls")),
    path("", include("educa.courses.urls")),
]
