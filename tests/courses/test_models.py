import pytest

from educa.courses.video import embed_url
from tests.factories import ModuleFactory, add_content


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        (
            "https://www.youtube.com/watch?v=dQw4w9WgXcQ",
            "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ",
        ),
        (
            "https://youtu.be/dQw4w9WgXcQ?t=3",
            "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ",
        ),
        (
            "https://www.youtube.com/watch?feature=share&v=dQw4w9WgXcQ",
            "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ",
        ),
        ("https://vimeo.com/76979871", "https://player.vimeo.com/video/76979871"),
        (
            "https://player.vimeo.com/video/76979871",
            "https://player.vimeo.com/video/76979871",
        ),
        ("https://example.com/watch?v=dQw4w9WgXcQ", None),
        ("javascript:alert(1)", None),
    ],
)
def test_embed_url(url, expected):
    assert embed_url(url) == expected


def test_text_render_escapes_markup(course):
    content = add_content(ModuleFactory(course=course), "text")
    content.item.content = "<script>alert(1)</script>"

    html = content.item.render()

    assert "<script>" not in html
    assert "&lt;script&gt;" in html


def test_video_render_embeds_the_player(course):
    content = add_content(ModuleFactory(course=course), "video")

    html = content.item.render()

    assert '<iframe src="https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ"' in html
