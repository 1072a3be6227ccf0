"""Course covers: one uploaded picture, checked by Pillow, cut to 16:9 at two sizes.

The catalog shows the small one, the course page the large one; both are
JPEG whatever was uploaded, so a cover is never served as anything else.
"""

import io

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from PIL import Image as PillowImage
from PIL import ImageOps

from educa.courses.uploads import verified_image_extension

LARGE = (960, 540)
SMALL = (480, 270)
_BACKGROUND = (255, 255, 255)


def cover_files(upload: UploadedFile) -> tuple[ContentFile, ContentFile]:
    """The large and small JPEG covers cut from `upload`; ValidationError
    when Pillow cannot read it as an image."""
    verified_image_extension(upload)
    upload.seek(0)
    try:
        with PillowImage.open(upload) as opened:
            picture = ImageOps.exif_transpose(opened)
            picture.load()
    except (OSError, ValueError, PillowImage.DecompressionBombError) as error:
        raise ValidationError(
            "The cover could not be read as an image.", code="invalid_image"
        ) from error
    picture = _flattened(picture)
    return _jpeg(picture, LARGE), _jpeg(picture, SMALL)


def _flattened(picture: PillowImage.Image) -> PillowImage.Image:
    """RGB, with any transparency laid on white (JPEG has no alpha)."""
    if picture.mode in ("RGBA", "LA") or "transparency" in picture.info:
        rgba = picture.convert("RGBA")
        background = PillowImage.new("RGB", rgba.size, _BACKGROUND)
        background.paste(rgba, mask=rgba.getchannel("A"))
        return background
    return picture.convert("RGB")


def _jpeg(picture: PillowImage.Image, size: tuple[int, int]) -> ContentFile:
    fitted = ImageOps.fit(picture, size, PillowImage.Resampling.LANCZOS)
    buffer = io.BytesIO()
    fitted.save(buffer, format="JPEG", quality=85, optimize=True, progressive=True)
    return ContentFile(buffer.getvalue(), name="cover.jpg")
