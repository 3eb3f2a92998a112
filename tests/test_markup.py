"""Messages' markdown: linear whatever the input (bounded before it is parsed), safe, and rendered once.

The checks read the rendered HTML back with lxml, independently of how ``markup`` bounds its input: how deep the
tree is, whether a construct was parsed, and that every character typed is still shown. Time is measured by the
benchmark (``python -m mentoring_xblock.benchmarks.markup``), not asserted here.
"""
import re

import lxml.html
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mentoring_xblock import markup
from mentoring_xblock.benchmarks.markup import PATHOLOGICAL
from mentoring_xblock.models import Message
from mentoring_xblock.services import workspace as service
from mentoring_xblock.services.workspace import MAX_MESSAGE

from .harness import call
from .test_workspace import identity, pairs  # noqa: F401  (fixture)

CONTAINERS = {"blockquote", "ul", "ol", "li"}


def tree(html):
    return lxml.html.fragment_fromstring(html or "<p></p>", create_parent="div")


def container_depth(element):
    """The most blockquote/list elements nested in one another under ``element``."""
    deepest, stack = 0, [(element, 0)]
    while stack:
        node, depth = stack.pop()
        depth += node.tag in CONTAINERS
        deepest = max(deepest, depth)
        stack.extend((child, depth) for child in node if isinstance(child.tag, str))
    return deepest


def shown_text(html):
    return tree(html).text_content()


@pytest.mark.parametrize("name", sorted(PATHOLOGICAL))
def test_pathological_messages_render_with_bounded_nesting(name):
    """Each family at the longest message allowed: no error, at most a few levels of quotes and lists.

    Before: RecursionError on nested lists and list markers, 14-60 s on backticks and brackets.
    """
    text = PATHOLOGICAL[name](MAX_MESSAGE)
    assert len(text) <= MAX_MESSAGE
    html = markup.render(text)
    # Two elements per list level (ul + li): four quote or list levels a line can open, three of indentation.
    assert container_depth(tree(html)) <= 2 * (markup.MAX_NESTING + markup.MAX_INDENT // 4)


@pytest.mark.parametrize("marker, pathological", [("`", "`" * 1200), ("[", "[" * 10000), ("[", "![" * 5000)])
def test_too_many_markers_in_a_block_are_shown_as_typed(marker, pathological):
    html = markup.render(pathological)
    assert tree(html).xpath("//code|//a|//img") == []
    assert shown_text(html).count(marker) == pathological.count(marker)


def test_a_block_within_the_bounds_keeps_its_formatting():
    text = " ".join(["`c`"] * (markup.MAX_MARKERS // 2)) + "\n\n" + " ".join(
        ["[l](https://example.org)"] * markup.MAX_MARKERS)
    page = tree(markup.render(text))
    assert len(page.xpath("//code")) == markup.MAX_MARKERS // 2
    assert len(page.xpath("//a")) == markup.MAX_MARKERS


def test_one_block_over_the_bound_does_not_change_the_others():
    ordinary = "Use `git status` first."
    crowded = "`" * (markup.MAX_MARKERS + 1)
    page = tree(markup.render(f"{ordinary}\n\n{crowded}\n\n{ordinary}"))
    assert [code.text for code in page.xpath("//code")] == ["git status", "git status"]


def test_deep_quotes_and_lists_read_as_text_at_the_deepest_level():
    page = tree(markup.render(">" * 9 + " deep\n\n" + "- " * 9 + "item"))
    assert container_depth(page) <= 3 * markup.MAX_NESTING
    assert ">" * (9 - markup.MAX_NESTING) + " deep" in page.text_content()
    assert "- " * (9 - markup.MAX_NESTING) + "item" in page.text_content()


def test_ordinary_markdown_renders_as_before():
    html = markup.render("Hello **world**\n\n- one\n    - two\n\n> quoted\n\n1. first\n2. second\n\n"
                         "`code` and [a link](https://example.org)")
    page = tree(html)
    assert page.xpath("//strong/text()") == ["world"]
    assert page.xpath("//ul/li/ul/li/text()") == ["two"]
    assert page.xpath("//blockquote/p/text()") == ["quoted"]
    assert page.xpath("//ol/li/text()") == ["first", "second"]
    assert page.xpath("//a/@href") == ["https://example.org"] and page.xpath("//a/@rel")


MARKDOWN_ALPHABET = st.sampled_from(list("`[]()!<>*_-+#~\\&;:/.= \t\n") + ["1.", "1)", "    ", "http://a", "a", "é"])


@settings(max_examples=300, deadline=None)
@given(st.lists(MARKDOWN_ALPHABET, max_size=600).map("".join))
def test_fuzz_any_markdown_renders_safely_with_bounded_nesting(text):
    html = markup.render(text)
    page = tree(html)
    assert container_depth(page) <= 2 * (markup.MAX_NESTING + markup.MAX_INDENT // 4)
    allowed = markup.ALLOWED_TAGS | {"div"}
    assert {element.tag for element in page.iter() if isinstance(element.tag, str)} <= allowed
    assert not page.xpath("//@*[starts-with(name(), 'on')]")
    if "(" not in text:  # no inline link, whose address is not shown: every letter typed is shown, in order
        assert re.sub(r"[^a-zé]", "", text) == re.sub(r"[^a-zé]", "", page.text_content())


# ---- rendered once ---------------------------------------------------------------------------

@pytest.mark.django_db
def test_messages_are_rendered_when_written_and_never_when_viewed(program_usage, program, pairs,  # noqa: F811
                                                                   monkeypatch):
    match = pairs["a"]
    posted = call(program_usage, "mentee", "workspace_post_message", {"match_id": match.pk, "body": "**first**"})
    assert posted.status == 200
    message = Message.objects.get(match=match)
    assert message.body_html == "<p><strong>first</strong></p>" and message.render_version == markup.VERSION
    service.edit_message(program, identity("mentee"), match.pk, {"message_id": message.pk, "body": "_second_"})
    message.refresh_from_db()
    assert message.body_html == "<p><em>second</em></p>"

    def refuse(text):
        raise AssertionError("a view rendered markdown")
    monkeypatch.setattr(markup, "render", refuse)
    html = call(program_usage, "mentor", "workspace_view", {"match_id": match.pk}).body["html"]
    assert "<em>second</em>" in html


@pytest.mark.django_db
def test_messages_of_an_older_version_are_rendered_until_the_command_stores_them(program_usage, program,
                                                                                 pairs, capsys):  # noqa: F811
    from django.core.management import call_command
    match = pairs["a"]
    message = service.post_message(program, identity("mentee"), match.pk, {"body": "**old**"})
    Message.objects.filter(pk=message.pk).update(body_html="<p>stale</p>", render_version=markup.VERSION - 1)
    html = call(program_usage, "mentor", "workspace_view", {"match_id": match.pk}).body["html"]
    assert "<strong>old</strong>" in html and "stale" not in html
    assert Message.objects.get(pk=message.pk).body_html == "<p>stale</p>"  # the view wrote nothing
    call_command("mentoring_render_messages")
    assert "1 messages rendered again" in capsys.readouterr().out
    stored = Message.objects.get(pk=message.pk)
    assert (stored.body_html, stored.render_version) == ("<p><strong>old</strong></p>", markup.VERSION)


@pytest.mark.django_db
def test_deleting_and_retiring_remove_the_rendered_text_too(program, pairs):  # noqa: F811
    from mentoring_xblock.services.privacy import REMOVED, retire_user
    match = pairs["a"]
    kept = service.post_message(program, identity("mentee"), match.pk, {"body": "private **words**"})
    gone = service.post_message(program, identity("mentee"), match.pk, {"body": "delete **me**"})
    service.delete_message(program, identity("mentee"), match.pk, {"message_id": gone.pk})
    assert Message.objects.filter(pk=gone.pk).values_list("body", "body_html").get() == ("", "")
    retire_user(kept.author_id)
    body, html = Message.objects.filter(pk=kept.pk).values_list("body", "body_html").get()
    assert body == REMOVED and "words" not in html and REMOVED in lxml.html.fromstring(html).text_content()


def test_a_block_shown_as_typed_is_still_escaped():
    text = "<script>alert(1)</script> &amp; " * 10 + "`" * markup.MAX_MARKERS
    page = tree(markup.render(text))
    assert page.xpath("//script") == [] and "<script>alert(1)</script> &amp; " in page.text_content()


def test_private_use_characters_typed_never_become_markup():
    held = "".join(chr(0xE000 + index) for index in range(len(markup.INLINE_MARKERS)))
    html = markup.render(held + " <b>")
    assert "<b>" not in html and "\ufffd" * len(held) in tree(html).text_content()
