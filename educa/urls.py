from django.contrib import admin
from django.urls import include, path

# Django tries the patterns in order; API requests, the busiest, match first.
urlpatterns = [
    path("api/", include("educa.api.urls")),
    path("graphql/", include("educa.graphql.urls")),
    path("", include("educa.accounts.urls")),
    path("admin/", admin.site.urls),
    path("", include("educa.learning.urls")),
    path("", include("educa.chat.urls")),
    path("", include("educa.realtime.urls")),
    path("", include("educa.courses.urls")),
]
