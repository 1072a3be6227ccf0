"""Educa's URLs plus `/bench/django/`: Django's floor cost for the benchmark."""

from django.http import HttpRequest, HttpResponse
from django.urls import include, path

from bench.payload import PAYLOAD


def plain_json(request: HttpRequest) -> HttpResponse:
    """The same 1 KB JSON as the raw ASGI app, through Django's full stack, no DB."""
    return HttpResponse(PAYLOAD, content_type="application/json")


urlpatterns = [
    path("bench/django/", plain_json),
    path("", include("educa.urls")),
]
