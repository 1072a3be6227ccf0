"""The one Markdown renderer: what it keeps, and what never gets through."""

from html.parser import HTMLParser

import pytest

from educa.markdown import _inert, _parser, _sanitize, render_markdown

# Payloads from the OWASP XSS filter evasion cheat sheet, in Markdown and HTML.
XSS_CORPUS = [
    "<script>alert(1)</script>",
    "<SCRIPT SRC=//evil.example/x.js></SCRIPT>",
    '<img src=x onerror="alert(1)">',
    "<svg/onload=alert(1)>",
    '<a href="javascript:alert(1)">x</a>',
    "[click](javascript:alert(1))",
    "[click](JaVaScRiPt:alert(1))",
    "[click](java\tscript:alert(1))",
    "[click](&#106;avascript:alert(1))",
    "[click](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "[click](vbscript:msgbox(1))",
    "![x](javascript:alert(1))",
    '![x](https://example.com/a.png"onerror="alert(1))',
    '[x](https://example.com/ "title" onmouseover=alert(1))',
    "<iframe src=https://evil.example></iframe>",
    '<div style="background:url(javascript:alert(1))">x</div>',
    "<style>body{display:none}</style>",
    "<form action=https://evil.example><input name=p></form>",
    "```html\n<script>alert(1)</script>\n```",
    "```js\n</code></pre><script>alert(1)</script>\n```",
    "`<script>alert(1)</script>`",
    "<!-- --><script>alert(1)</script>",
    "<details open ontoggle=alert(1)>",
    "<math><mi xlink:href=javascript:alert(1)>x</mi></math>",
    '<object data="javascript:alert(1)">',
    "www.example.com/<script>alert(1)</script>",
]

ALLOWED_SCHEMES = ("http://", "https://", "mailto:")


class _Elements(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.elements: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag, attrs):
        self.elements.append((tag, dict(attrs)))


def elements(html: str) -> list[tuple[str, dict[str, str | None]]]:
    parser = _Elements()
    parser.feed(html)
    return parser.elements


@pytest.mark.parametrize("profile", ["course", "chat"])
@pytest.mark.parametrize("source", XSS_CORPUS)
def test_nothing_executable_survives(source, profile):
    html = render_markdown(source, profile=profile)

    for tag, attrs in elements(html):
        assert tag not in {"script", "iframe", "style", "object", "form", "svg", "math"}
        assert not [name for name in attrs if name.startswith("on")], (tag, attrs)
        for name in ("href", "src"):
            if name in attrs:
                assert attrs[name].startswith(ALLOWED_SCHEMES), (tag, attrs)
        if "style" in attrs:
            assert "url(" not in attrs["style"]


def test_emphasis_code_and_lists_render_in_both_profiles():
    source = "**bold** _italic_ `code`\n\n- one\n- two\n\n1. first"

    for profile in ("course", "chat"):
        html = render_markdown(source, profile=profile)

        assert "<strong>bold</strong>" in html
        assert "<em>italic</em>" in html
        assert "<code>code</code>" in html
        assert "<li>one</li>" in html
        assert "<ol>" in html


def test_links_open_safely_and_bare_addresses_become_links():
    html = render_markdown("See https://docs.python.org and [the docs](https://x.org)")

    links = [attrs for tag, attrs in elements(html) if tag == "a"]
    assert [link["href"] for link in links] == [
        "https://docs.python.org",
        "https://x.org",
    ]
    assert all(link["rel"] == "nofollow noopener noreferrer" for link in links)


def test_course_text_highlights_code_blocks_in_a_known_language():
    html = render_markdown("```python\ndef greet():\n    return 'hi'\n```")

    assert html.startswith("<pre><code>")
    keyword = next(attrs for tag, attrs in elements(html) if tag == "span")
    assert "color" in keyword["style"]
    assert "def" in html


def test_code_in_an_unknown_language_is_escaped_plain_text():
    html = render_markdown("```nosuchlanguage\nx < y && <b>\n```")

    assert html == "<pre><code>x &lt; y &amp;&amp; &lt;b&gt;\n</code></pre>\n"


def test_chat_shows_images_as_links_and_has_no_headings_or_tables():
    html = render_markdown(
        "# Big\n\n![pixel](https://tracker.example/p.gif)\n\n| a |\n|---|\n| 1 |",
        profile="chat",
    )

    assert [tag for tag, _ in elements(html)] == ["p", "p", "a", "p"]
    assert "# Big" in html


def test_course_text_keeps_headings_images_and_tables():
    html = render_markdown(
        "## Part one\n\n![diagram](https://example.com/d.png)\n\n| a |\n|---|\n| 1 |"
    )

    tags = [tag for tag, _ in elements(html)]
    assert "h2" in tags
    assert ("img", {"src": "https://example.com/d.png", "alt": "diagram"}) in (
        elements(html)
    )
    assert "table" in tags


# Chat texts the renderer leaves as they are (the shortcut of render_markdown
# takes them) and near misses it must send through the full renderer.
INERT_CHAT = [
    "3:17:1733312345.123456",
    "see you at 3. ok",
    "Is it (really) 100% done?",
    "café, naïve; \"quoted\" 'single' Ωμέγα",
    "a/b and c/d",
    "1.5 hours",
    "i.e. this, e.g. that...",
    "so... ok!",
    "$5 each",
    "x  y",
]
NEAR_MISSES = [
    "1. first",
    "2023) was",
    "7.",
    "go to example.com",
    "http://example.org",
    "//example.org/x",
    "mail a@b.co",
    "www.example.org",
    "ok.co",
    "a_b_c",
    "*x*",
    "  indented",
    "a\tb",
    "1 < 2",
    "AT&T",
    "x\u00a0y",
    "a!(b)",
]


@pytest.mark.parametrize("source", INERT_CHAT + NEAR_MISSES)
def test_chat_shortcut_renders_what_the_full_renderer_does(source):
    full = _sanitize(_parser("chat").render(source), "chat")

    assert render_markdown(source, profile="chat") == full


def test_plain_chat_texts_take_the_shortcut_and_near_misses_do_not():
    assert [_inert(source) for source in INERT_CHAT] == [True] * len(INERT_CHAT)
    assert [source for source in NEAR_MISSES if _inert(source)] == ["a!(b)"]
