"""Profile pictures: uploads checked with Pillow and stored square at a few
fixed sizes, or, for people without one, a picture of their initials
generated here (SVG, no outside service).

A stored avatar is `avatars/<user id>/<random>-<size>.webp` in the default
storage (public: nginx serves /media/ in production); the random part
changes with each upload, so the files can be cached for ever.
"""

import hashlib
import io
from uuid import uuid4

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import UploadedFile
from django.urls import reverse
from django.utils.html import escape
from PIL import Image, ImageOps, UnidentifiedImageError

AVATAR_SIZES = (64, 128, 256)
# Beyond this many pixels an image is refused before it is decoded: a small
# file can declare a huge picture (a "decompression bomb").
MAX_PIXELS = 40_000_000
AVATAR_DIR = "avatars"


def _stored_name(stem: str, size: int) -> str:
    return f"{stem}-{size}.webp"


def avatar_url(*, stem: str, name: str, key: int, size: int) -> str:
    if stem:
        fitting = next((s for s in AVATAR_SIZES if s >= size), AVATAR_SIZES[-1])
        return default_storage.url(_stored_name(stem, fitting))
    return reverse(
        "initials_avatar", kwargs={"hue": hue(key), "initials": initials(name)}
    )


def initials(name: str) -> str:
    """Up to two letters: the first of the first and last words."""
    words = [word for word in name.split() if word[:1].isalnum()]
    if not words:
        return "?"
    letters = words[0][0] + (words[-1][0] if len(words) > 1 else "")
    return letters.upper()


def hue(key: int) -> int:
    """A colour per person, stable across renames."""
    return int(hashlib.sha256(str(key).encode()).hexdigest()[:4], 16) % 360


def initials_svg(*, letters: str, hue: int) -> str:
    return (
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 64 64" '
        'width="64" height="64" role="img">'
        f'<rect width="64" height="64" rx="32" fill="hsl({hue}, 45%, 45%)"/>'
        '<text x="32" y="32" dy=".35em" text-anchor="middle" '
        'font-family="Helvetica, Arial, sans-serif" font-size="26" '
        f'font-weight="600" fill="#fff">{escape(letters)}</text></svg>'
    )


def resized_avatars(upload: UploadedFile) -> dict[int, bytes]:
    """The upload as square WebP images at AVATAR_SIZES, or ValidationError
    (not an image, too large a file, too many pixels). Nothing is stored."""
    if upload.size is not None and upload.size > settings.AVATAR_MAX_SIZE:
        raise ValidationError(
            "The picture is larger than %(mb)s MB.",
            code="avatar_too_large",
            params={"mb": settings.AVATAR_MAX_SIZE // 2**20},
        )
    try:
        upload.seek(0)
        with Image.open(upload) as image:
            if image.width * image.height > MAX_PIXELS:
                raise ValidationError(
                    "The picture has too many pixels (%(width)s x %(height)s).",
                    code="avatar_too_many_pixels",
                    params={"width": image.width, "height": image.height},
                )
            image.load()
            square = ImageOps.exif_transpose(image).convert("RGBA")
    except (UnidentifiedImageError, OSError, Image.DecompressionBombError) as error:
        raise ValidationError(
            "Upload a picture (PNG, JPEG, GIF or WebP): this file is not one.",
            code="avatar_not_an_image",
        ) from error
    resized = {}
    for size in AVATAR_SIZES:
        buffer = io.BytesIO()
        ImageOps.fit(square, (size, size), Image.Resampling.LANCZOS).save(
            buffer, format="WEBP", quality=85
        )
        resized[size] = buffer.getvalue()
    return resized


def store_avatars(*, user_id: int, images: dict[int, bytes]) -> str:
    """Save the resized images; the stem that names them."""
    stem = f"{AVATAR_DIR}/{user_id}/{uuid4().hex}"
    for size, content in images.items():
        default_storage.save(_stored_name(stem, size), ContentFile(content))
    return stem


def delete_avatars(stem: str) -> None:
    for size in AVATAR_SIZES:
        default_storage.delete(_stored_name(stem, size))
