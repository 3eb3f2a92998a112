"""The pair's messages: markdown in, safe HTML out, in time linear in the input whatever it is.

Python-Markdown (pinned by the platform) is not linear on every input: its code-span pattern is cubic in a run of
backticks, its link and image patterns quadratic in ``[``/``![``, and blockquotes and nested lists recurse once
per level (a few hundred levels raise ``RecursionError``). So the text is bounded before it is parsed: within
each block (text between blank lines, which is the most a paragraph can span) the characters that start those
constructs are counted, and a block with more than :data:`MAX_MARKERS` is shown as typed (its quotes and lists
kept: the markers are held out of the parser as private-use characters and put back in the HTML); the quote and
list levels a line opens, and its indentation, are capped. Python-Markdown's inline pass costs (matches x length)
per block, so every block then costs at most a constant times its length.
``python -m mentoring_xblock.benchmarks.markup`` measures the worst cases.

Rendering happens once, when a message is posted or edited (``Message.body_html``); :data:`VERSION` names the
rules, and ``manage.py mentoring_render_messages`` re-renders what an older version rendered.
"""
import re

import markdown
import nh3

VERSION = 1
INLINE_MARKERS = "`[*_&<\\"  # what starts a code span, link, image, emphasis, entity, autolink or escape
MAX_MARKERS = 48  # per block; a block with more is shown as typed (its quotes and lists kept)
MAX_NESTING = 4  # quote and list levels a line can open
MAX_INDENT = 12  # columns of indentation in a line's prefix: three levels of nested list
TAB = 4

ALLOWED_TAGS = {"p", "br", "strong", "em", "b", "i", "code", "pre", "blockquote", "ul", "ol", "li", "a", "hr",
                "h4", "h5", "h6", "del"}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}}
URL_SCHEMES = {"http", "https", "mailto"}

_BLANK_LINE = re.compile(r"\n[ \t]*\n")
# One container level at the start of a line: a quote marker, or a list marker followed by a space or the end.
_CONTAINER = re.compile(r"([ ]*)(>|(?:[-*+]|[0-9]{1,9}[.)])(?=[ ]|$))")
# Inline markers held out of the parser as private-use characters, and what each becomes in the HTML.
_HELD = {marker: chr(0xE000 + index) for index, marker in enumerate(INLINE_MARKERS)}
_HOLD = str.maketrans(_HELD)
_RELEASE = str.maketrans({held: {"&": "&amp;", "<": "&lt;"}.get(marker, marker) for marker, held in _HELD.items()})
_UNHELD = str.maketrans({held: "\ufffd" for held in _HELD.values()})  # typed by someone: never a marker


def _escaped(marker):
    r"""A container marker as text: ``\>``, ``\-``, ``1\.`` (Python-Markdown escapes punctuation, not digits)."""
    return marker[:-1] + "\\" + marker[-1]


def _bounded_line(line, plain):
    """One line with its nesting capped.

    At most MAX_NESTING quote or list levels and MAX_INDENT columns of indentation before its text; a deeper
    level's marker is escaped, so it reads as text at the last level. ``plain``: the text after the markers has
    its inline markers held out of the parser (shown as typed).
    """
    if "\t" in line:
        line = line.expandtabs(TAB)
    parts, budget, pos = [], MAX_INDENT, 0
    for _level in range(MAX_NESTING + 1):
        found = _CONTAINER.match(line, pos)
        if not found:
            break
        spaces = min(len(found.group(1)), budget)
        budget -= spaces
        marker = found.group(2) if _level < MAX_NESTING else _escaped(found.group(2))
        parts.append(" " * spaces + marker)
        pos = found.end()
    rest = line[pos:]
    body = rest.lstrip(" ")
    if len(rest) - len(body) > budget + 1:
        rest = " " * (budget + 1) + body
    return "".join(parts) + (rest.translate(_HOLD) if plain else rest)


def _bounded_block(block):
    plain = sum(block.count(marker) for marker in INLINE_MARKERS) > MAX_MARKERS
    return "\n".join(_bounded_line(line, plain) for line in block.split("\n"))


def bounded(text):
    """``text`` with every construct Python-Markdown parses in more than linear time escaped or capped."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").translate(_UNHELD)
    parts = _BLANK_LINE.split(text)
    return "\n\n".join(_bounded_block(part) for part in parts)


def render(text):
    """Markdown to HTML that is safe to mark safe: raw HTML is shown as text, then nh3 allow-lists the rest."""
    md = markdown.Markdown(extensions=["sane_lists"], output_format="html")
    md.preprocessors.deregister("html_block")
    md.inlinePatterns.deregister("html")
    html = md.convert(bounded(text))
    html = nh3.clean(html, tags=ALLOWED_TAGS, attributes=ALLOWED_ATTRIBUTES, url_schemes=URL_SCHEMES,
                     link_rel="noopener noreferrer nofollow ugc")
    return html.translate(_RELEASE)
