"""`<course slug>.<site host>` redirects to the course's page on the site host."""

from collections.abc import Callable

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.http.request import split_domain_port
from django.urls import reverse

from educa.courses.permissions import listed_courses


class CourseSubdomainMiddleware:
    """Active when COURSE_SUBDOMAIN_HOST is set; `www.` is left alone."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        site = settings.COURSE_SUBDOMAIN_HOST
        hostname, port = split_domain_port(request.get_host())
        if site and hostname.endswith(f".{site}"):
            slug = hostname.removesuffix(f".{site}")
            if slug != "www" and "." not in slug:
                # Drafts have no public address: their own instructor is not
                # signed in on the subdomain either.
                if not listed_courses(AnonymousUser()).filter(slug=slug).exists():
                    raise Http404("No course lives at this address.")
                path = reverse("course_detail", args=[slug])
                port = f":{port}" if port else ""
                return HttpResponseRedirect(f"{request.scheme}://{site}{port}{path}")
        return self.get_response(request)
