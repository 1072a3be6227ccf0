"""What an uploaded file really is, whatever its name says.

A stored upload's extension decides the type it is served with (and whether
it is shown inline: educa/courses/media.py), so for images it comes from the
content Pillow reads, never from the uploader's filename.
"""

import mimetypes
from pathlib import Path, PurePosixPath, PureWindowsPath

from django import forms
from django.core.exceptions import SuspiciousFileOperation
from django.core.files import File
from django.utils.text import get_valid_filename
from PIL import Image as PillowImage

# Pillow's format -> the extension served as that image type. These four are
# the formats the media view shows inline.
INLINE_IMAGE_EXTENSIONS = {
    "PNG": ".png",
    "JPEG": ".jpg",
    "MPO": ".jpg",  # a JPEG with extra frames, as some cameras write
    "GIF": ".gif",
    "WEBP": ".webp",
}
IMAGE_NAME_EXTENSIONS = {".png", ".jpg", ".jpeg", ".gif", ".webp"}


def verified_image_extension(file: File) -> str:
    """The extension of the image format Pillow finds in `file` (`.png`, `.jpg`,
    … or "" for a format with none known); ValidationError if it is no image.
    """
    checked = forms.ImageField().to_python(file)
    image_format = checked.image.format
    if image_format in INLINE_IMAGE_EXTENSIONS:
        return INLINE_IMAGE_EXTENSIONS[image_format]
    mime = PillowImage.MIME.get(image_format, "")
    return (mimetypes.guess_extension(mime) or "") if mime else ""


def is_named_as_image(name: str) -> bool:
    return Path(name).suffix.lower() in IMAGE_NAME_EXTENSIONS


def safe_file_name(name: str, *, max_length: int = 255) -> str:
    """The uploader's file name as a download may carry it: no folders, only
    letters, digits, `-`, `_` and `.`, spaces as `_`, at most `max_length`
    characters with the extension kept; `download` if nothing is left."""
    # Some browsers and crafted requests send a whole path, in either style.
    base = PureWindowsPath(PurePosixPath(name or "").name).name
    try:
        valid = get_valid_filename(base).lstrip(".")
    except SuspiciousFileOperation:
        valid = ""
    if not valid:
        return "download"
    path = Path(valid)
    suffix = path.suffix[:16]
    return path.stem[: max_length - len(suffix)] + suffix
