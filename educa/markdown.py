"""The one Markdown renderer: course text and chat messages both go through it.

markdown-it-py turns the Markdown into HTML with raw HTML switched off (a
`<script>` typed by someone is shown as text), Pygments colours fenced code
blocks, and nh3 then sanitizes the whole result against an allow-list, so
nothing user-written reaches a page unsanitized: no script, no event
handler, no `javascript:` or `data:` link, whatever the Markdown parser or
the highlighter let through.

Two profiles of the same renderer: `course` (instructors' text contents:
headings, tables, images, highlighted code) and `chat` (messages: emphasis,
code, lists, quotes and links; no images, which would load from anywhere
when a message is shown, and no headings).
"""

import re
from functools import cache
from typing import Literal

import nh3
from django.utils.safestring import SafeString, mark_safe
from markdown_it import MarkdownIt
from pygments import highlight
from pygments.formatters import HtmlFormatter
from pygments.lexers import get_lexer_by_name
from pygments.util import ClassNotFound

Profile = Literal["course", "chat"]

_CHAT_TAGS = frozenset(
    {"p", "br", "strong", "em", "s", "code", "pre", "blockquote", "ul", "ol", "li", "a"}
)
_COURSE_TAGS = _CHAT_TAGS | {
    *("h1", "h2", "h3", "h4", "h5", "h6", "hr", "img", "span"),
    *("table", "thead", "tbody", "tr", "th", "td"),
}
# Pygments writes its colours as inline styles and tables their alignment;
# no other property survives.
_STYLE_PROPERTIES = frozenset(
    {"color", "background-color", "font-weight", "font-style", "text-align"}
)
# Spans only: markdown-it wraps them in the fence's own <pre><code>.
_FORMATTER = HtmlFormatter(noclasses=True, nowrap=True)


def _highlight(code: str, language: str, _attrs: str) -> str:
    """A fenced block in a language Pygments knows, coloured; else plain."""
    try:
        lexer = get_lexer_by_name(language.strip()) if language.strip() else None
    except ClassNotFound:
        lexer = None
    return highlight(code, lexer, _FORMATTER) if lexer else ""


@cache
def _parser(profile: Profile) -> MarkdownIt:
    options = {"html": False, "linkify": True, "typographer": False}
    if profile == "course":
        options["highlight"] = _highlight
        return MarkdownIt("commonmark", options).enable(
            ["linkify", "table", "strikethrough"]
        )
    return (
        MarkdownIt("commonmark", options)
        .enable(["linkify", "strikethrough"])
        .disable(["heading", "lheading", "image", "hr"])
    )


def _sanitize(html: str, profile: Profile) -> str:
    tags = _COURSE_TAGS if profile == "course" else _CHAT_TAGS
    attributes: dict[str, set[str]] = {"a": {"href", "title"}, "ol": {"start"}}
    if profile == "course":
        attributes |= {
            "img": {"src", "alt", "title"},
            "th": {"style"},
            "td": {"style"},
            "span": {"style"},
        }
    return nh3.clean(
        html,
        tags=set(tags),
        attributes=attributes,
        url_schemes={"http", "https", "mailto"},
        link_rel="nofollow noopener noreferrer",
        filter_style_properties=set(_STYLE_PROPERTIES),
    )


# A chat text of letters, digits, single-line punctuation that no Markdown
# rule of the chat profile starts with, and no link: the renderer would give
# it back as it is, in a paragraph. Most chat messages are such, and every
# one is rendered when it is posted, in the path every message takes.
_INERT = re.compile(r"(?:[^\W_]|[ ,.;:'\"?!()%$/])*")
_ORDERED_LIST = re.compile(r"\d{1,9}[.)](?: |$)")


def _inert(source: str) -> bool:
    return (
        _INERT.fullmatch(source) is not None
        and source == source.strip()
        and not _ORDERED_LIST.match(source)
        and not _parser("chat").linkify.pretest(source)
    )


def render_markdown(source: str, *, profile: Profile = "course") -> SafeString:
    """`source` as sanitized HTML, safe to put in any page as it is."""
    if profile == "chat" and source and _inert(source):
        return mark_safe(f"<p>{source}</p>\n")  # noqa: S308 (no <, > or &)
    return mark_safe(_sanitize(_parser(profile).render(source), profile))  # noqa: S308
