"""Markdown in replies: lists, code, tables, safe images, HTML as text, and streaming."""

from nicegui import ElementFilter, ui
from nicegui.testing import User

from chatkit_bridge.ui.safe_markdown import SafeMarkdown, image_allowed, markdown_html
from chatkit_bridge.ui.streaming_text import StreamingMarkdown


def test_a_list_right_after_a_sentence_is_a_list() -> None:
    html = markdown_html("Sorry, I didn't understand. Try:\n- add milk\n- show my todos")
    assert "<ul>\n<li>add milk</li>\n<li>show my todos</li>\n</ul>" in html


def test_code_blocks_get_a_language_label_a_copy_button_and_escape_once() -> None:
    html = markdown_html("```python\nif a < b:\n    pass\n```\n\ntext\n\n    x < y && z\n")
    assert '<span class="code-lang">python</span>' in html
    assert '<code class="language-python">if a &lt; b:' in html
    assert '<span class="code-lang">code</span>' in html
    assert "x &lt; y &amp;&amp; z" in html and "&amp;lt;" not in html
    assert html.count('aria-label="Copy code"') == 2


def test_an_unfinished_fence_is_code_not_a_raw_line() -> None:
    html = markdown_html("Here:\n\n```python\nprint('hi')")
    assert "```" not in html
    assert "<code class=\"language-python\">print('hi')" in html


def test_tables_scroll_in_their_own_box() -> None:
    html = markdown_html("| a | b |\n| - | - |\n| 1 | 2 |")
    assert html.startswith('<div class="table-scroll"><table>')
    assert "<td>1</td>" in html


def test_html_stays_text_and_scripts_never_become_links() -> None:
    html = markdown_html(
        "<img src=x onerror=alert(1)> <script>alert(2)</script> [x](javascript:alert(3))"
    )
    assert "<img" not in html and "<script" not in html
    assert "&lt;img src=x onerror=alert(1)&gt;" in html
    assert 'href="javascript' not in html


def test_images_load_only_from_the_app_or_inline_data() -> None:
    html = markdown_html(
        "![far](http://elsewhere.invalid/p.png?leak=1) ![proto](//elsewhere.invalid/p.png) "
        "![near](/static/logo.png) ![inline](data:image/png;base64,AAAA)"
    )
    assert (
        '<a href="http://elsewhere.invalid/p.png?leak=1" rel="noopener noreferrer">far</a>' in html
    )
    assert '<a href="//elsewhere.invalid/p.png" rel="noopener noreferrer">proto</a>' in html
    assert '<img src="/static/logo.png" alt="near"' in html
    assert '<img src="data:image/png;base64,AAAA" alt="inline"' in html
    assert not image_allowed("https://example.com/a.png")
    assert image_allowed("images/a.png")


async def test_streaming_renders_the_open_paragraph_and_fence_live(user: User) -> None:
    @ui.page("/stream")
    def page() -> None:
        ui.label("ready")

    await user.open("/stream")
    with user:
        text = StreamingMarkdown()
        text.append("Intro with **bold**\n\n```python\nprint(1)")
        text.flush()
        shown = [m.content for m in ElementFilter(kind=SafeMarkdown)]
        assert any("<strong>bold</strong>" in html for html in shown)
        assert any('<code class="language-python">print(1)' in html for html in shown)
        assert not any("```" in html for html in shown)
        text.append("\n```\n\n- a\n- b")
        text.finish()
        shown = "".join(m.content for m in ElementFilter(kind=SafeMarkdown))
        assert "<li>a</li>" in shown and "```" not in shown
        assert text.text.endswith("- a\n- b")


async def test_the_text_as_written_can_be_found_on_the_page(user: User) -> None:
    @ui.page("/quoted")
    def page() -> None:
        SafeMarkdown('Noted "oat milk" & <b>more</b>')

    await user.open("/quoted")
    await user.should_see('Noted "oat milk" & <b>more</b>')
