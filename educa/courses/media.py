"""Course files and images, served only to the course's owner and enrolled
students; and course covers, served to everyone.

Uploads live at `courses/<course id>/<random name>` under MEDIA_ROOT and are
never public: this view checks who asks (session cookie, or a Bearer JWT for
API clients) and then either streams the file or, when
MEDIA_ACCEL_REDIRECT_PREFIX is set, hands it to nginx with X-Accel-Redirect.
A file is downloaded under its uploader's (sanitized) name.

Covers live at `covers/<course id>/<random name>.jpg`: public, as the catalog
is (nginx serves them itself in production).
"""

import mimetypes
import re

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_safe
from rest_framework.exceptions import AuthenticationFailed

from educa.accounts.authentication import JWTAuthentication
from educa.courses.models import Course, File
from educa.courses.permissions import can_view_contents
from educa.courses.selectors import course_upload, is_course_cover

# What upload_to generates: 32 hex digits and a short lower-case extension.
_UPLOAD_NAME = re.compile(r"^[0-9a-f]{32}(\.[a-z0-9]{1,15})?$")
# Shown in the page; anything else is downloaded, so an uploaded .html or .js
# can never run on the site's origin.
_INLINE_TYPES = {"image/png", "image/jpeg", "image/gif", "image/webp"}


def _requester(request: HttpRequest):
    """The Bearer token's user when one is sent, else the session's user.

    A token's user becomes `request.user`, so the access log names them.
    """
    if request.headers.get("Authorization", "").startswith("Bearer "):
        try:
            authenticated = JWTAuthentication().authenticate(request)
        except AuthenticationFailed:
            return None
        if authenticated is not None:
            request.user = authenticated[0]
    return request.user


@require_safe
def course_media(request: HttpRequest, course_id: int, name: str) -> HttpResponse:
    if not _UPLOAD_NAME.match(name):
        raise Http404("No such file.")
    user = _requester(request)
    if user is None:
        return HttpResponse("Invalid or expired token.", status=401)
    if not user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    course = get_object_or_404(Course, pk=course_id)
    if not can_view_contents(user, course):
        raise PermissionDenied("Enroll in this course to download its files.")
    path = f"courses/{course.pk}/{name}"
    upload = course_upload(course, path)
    if upload is None or not default_storage.exists(path):
        raise Http404("No such file.")
    content_type = mimetypes.guess_type(name)[0] or "application/octet-stream"
    attachment = content_type not in _INLINE_TYPES
    filename = upload.download_name if isinstance(upload, File) else name
    return _serve(path, content_type, attachment, filename, "private, max-age=3600")


@require_safe
def course_cover(request: HttpRequest, course_id: int, name: str) -> HttpResponse:
    """A course's cover (either size), to anyone: the catalog shows it."""
    path = f"covers/{course_id}/{name}"
    if not _UPLOAD_NAME.match(name) or not is_course_cover(course_id, path):
        raise Http404("No such cover.")
    if not default_storage.exists(path):
        raise Http404("No such cover.")
    return _serve(path, "image/jpeg", False, name, "public, max-age=86400")


def _serve(
    path: str, content_type: str, attachment: bool, filename: str, cache: str
) -> HttpResponse:
    """The stored file at `path`: streamed, or handed to nginx."""
    if prefix := settings.MEDIA_ACCEL_REDIRECT_PREFIX:
        response = HttpResponse(content_type=content_type)
        response["X-Accel-Redirect"] = f"{prefix.rstrip('/')}/{path}"
        if attachment:
            response["Content-Disposition"] = content_disposition_header(
                as_attachment=True, filename=filename
            )
    else:
        response = FileResponse(
            default_storage.open(path),
            content_type=content_type,
            as_attachment=attachment,
            filename=filename,
        )
    response["Cache-Control"] = cache
    return response
