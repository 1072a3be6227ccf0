"""Recognise YouTube and Vimeo links and turn them into embeddable player URLs."""

import re

_PATTERNS = (
    (
        re.compile(
            r"^https?://(?:www\.|m\.)?(?:youtube\.com/(?:watch\?(?:.*&)?v=|embed/|shorts/|live/)"
            r"|youtu\.be/)(?P<id>[A-Za-z0-9_-]{11})(?:[?&#/].*)?$"
        ),
        "https://www.youtube-nocookie.com/embed/{id}",
    ),
    (
        re.compile(
            r"^https?://(?:www\.)?(?:player\.)?vimeo\.com/(?:video/)?(?P<id>\d+)(?:[?#/].*)?$"
        ),
        "https://player.vimeo.com/video/{id}",
    ),
)


def embed_url(url: str) -> str | None:
    """The player URL for a YouTube or Vimeo video link, or None for any other link."""
    for pattern, template in _PATTERNS:
        match = pattern.match(url.strip())
        if match:
            return template.format(id=match["id"])
    return None
