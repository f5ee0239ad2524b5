"""The chat as a reader sees it in Chromium: layout, scrolling, markdown, feedback, theme.

Accessibility audits: tests/test_accessibility_browser.py.
"""

import threading
from collections.abc import Iterator
from typing import Any

import pytest
from nicegui.testing import Screen
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys

from tests.fake_openai import FakeOpenAI, Say, SlowSay
from tests.test_browser import pytestmark, wait_for  # noqa: F401 - same skip rule

LONG_URL = "https://example.com/" + "a" * 300
MARKDOWN_REPLY = f"""Here is what I found:
- first point
- second point with {LONG_URL}

```python
print("{"x" * 300}")
```

    indented < code

| name | state |
| --- | --- |
| milk | open |

<b>not bold</b> ![far](http://elsewhere.invalid/p.png?leak=1) ![near](data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8DwHwAFBQIAX8jx0gAAAABJRU5ErkJggg==)"""  # noqa: E501


@pytest.fixture(autouse=True)
def browser_settings(screen: Screen) -> Iterator[None]:
    """Allow slow page loads (NiceGUI's 4 s is tight on a busy machine); afterwards give the
    shared browser back as it was: phone emulation and window size would leak into later tests."""
    screen.selenium.set_page_load_timeout(30)
    yield
    screen.selenium.delete_all_cookies()  # the remembered dark mode
    screen.selenium.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})
    screen.selenium.set_window_size(1280, 900)
    screen.selenium.set_page_load_timeout(4)


def js(screen: Screen, script: str, *args: Any) -> Any:
    """Run JavaScript in the page and return its result."""
    return screen.selenium.execute_script(script, *args)


def type_and_send(screen: Screen, text: str) -> None:
    """Type into the composer (Shift+Enter between lines) and press Enter."""
    composer = screen.selenium.find_element(By.CSS_SELECTOR, ".composer textarea")
    js(screen, "arguments[0].focus()", composer)  # a closing phone drawer may still cover it
    actions = ActionChains(screen.selenium)
    for index, line in enumerate(text.split("\n")):
        if index:
            actions.key_down(Keys.SHIFT).send_keys(Keys.ENTER).key_up(Keys.SHIFT)
        actions.send_keys(line)
    actions.send_keys(Keys.ENTER).perform()


def phone(screen: Screen, width: int = 320, height: int = 640) -> None:
    """Emulate a phone screen (desktop Chromium windows cannot be narrower than 500 px)."""
    screen.selenium.execute_cdp_cmd(
        "Emulation.setDeviceMetricsOverride",
        {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": True},
    )


def distance_from_bottom(screen: Screen) -> float:
    """How far the window is scrolled from the end of the page, in px."""
    return js(
        screen,
        "const r = document.scrollingElement;return r.scrollHeight - r.scrollTop - r.clientHeight;",
    )


def replies_done(screen: Screen, count: int) -> bool:
    """Tell whether `count` replies finished (their feedback buttons show) and the turn ended.

    The feedback buttons show a moment before the turn's end (Stop gone, Send back): a message
    sent in between is refused, as a reply is still coming.
    """
    selector = ".assistant-message button[aria-label='Good answer']"
    stops = screen.selenium.find_elements(By.CSS_SELECTOR, "[aria-label='Stop']")
    finished = len(screen.selenium.find_elements(By.CSS_SELECTOR, selector)) >= count
    return finished and not any(stop.is_displayed() for stop in stops)


def test_long_words_and_code_never_widen_the_page(fake_model: FakeOpenAI, screen: Screen) -> None:
    fake_model.script = [Say(MARKDOWN_REPLY)]
    screen.open("/", timeout=40)
    phone(screen)
    type_and_send(screen, f"look at {LONG_URL} and `{'y' * 200}`")
    wait_for(lambda: replies_done(screen, 1))
    page = js(screen, "const r = document.scrollingElement; return [r.scrollWidth, r.clientWidth];")
    assert page[0] <= page[1], f"the page scrolls sideways: {page}"
    pre = screen.selenium.find_element(By.CSS_SELECTOR, ".code-block pre")
    assert js(screen, "return arguments[0].scrollWidth > arguments[0].clientWidth", pre)
    assert js(screen, "return arguments[0].getBoundingClientRect().right", pre) <= 320


def test_markdown_shows_lists_code_tables_and_keeps_html_as_text(
    fake_model: FakeOpenAI, screen: Screen
) -> None:
    fake_model.script = [Say(MARKDOWN_REPLY)]
    screen.open("/", timeout=40)
    type_and_send(screen, "markdown please")
    wait_for(lambda: replies_done(screen, 1))
    reply = screen.selenium.find_element(By.CSS_SELECTOR, ".assistant-message")
    items = reply.find_elements(By.CSS_SELECTOR, "ul > li")
    assert [item.text.split(" with")[0] for item in items] == ["first point", "second point"]
    labels = [e.text for e in reply.find_elements(By.CSS_SELECTOR, ".code-lang")]
    assert labels == ["python", "code"]
    codes = reply.find_elements(By.CSS_SELECTOR, ".code-block code")
    assert codes[1].text == "indented < code"  # escaped once, not "&lt;"
    background = codes[0].find_element(By.XPATH, "../..").value_of_css_property("background-color")
    assert background not in {"rgba(0, 0, 0, 0)", "transparent"}
    assert reply.find_elements(By.CSS_SELECTOR, "button.code-copy[aria-label='Copy code']")
    assert [c.text for c in reply.find_elements(By.CSS_SELECTOR, "table td")] == ["milk", "open"]
    assert "<b>not bold</b>" in reply.text and not reply.find_elements(By.TAG_NAME, "b")
    # An image from another host is only a link; one inline in the reply shows.
    images = [img.get_attribute("src") for img in reply.find_elements(By.TAG_NAME, "img")]
    assert len(images) == 1 and images[0].startswith("data:image/png")
    link = reply.find_element(By.LINK_TEXT, "far")
    assert link.get_attribute("href").startswith("http://elsewhere.invalid/")


#: A change to the page as a streamed update makes one (chat.js watches every DOM change).
CONTENT_CHANGE = "document.body.appendChild(document.createElement('div'));"


def test_the_view_follows_a_reply_lets_go_and_jumps_back(
    fake_model: FakeOpenAI, screen: Screen
) -> None:
    words = "\n\n".join(f"Paragraph {n} " + "word " * 30 for n in range(40))
    fake_model.script = [SlowSay(words, delay=0.02)]
    screen.open("/", timeout=40)
    screen.selenium.set_window_size(1000, 700)
    type_and_send(screen, "tell me a long story")
    wait_for(lambda: js(screen, "return document.scrollingElement.scrollTop") > 300)
    wait_for(lambda: distance_from_bottom(screen) <= 4)  # following while it streams
    # The reader moves up and, before the browser reports the scroll (next frame), the reply's
    # next words change the page: the reader stays where they went (on a busy machine the
    # stream's own updates landed there at times, and pulled the reader back down).
    js(screen, f"window.scrollBy(0, -400); {CONTENT_CHANGE}")
    wait_for(lambda: screen.selenium.find_element(By.CSS_SELECTOR, ".jump-latest").is_displayed())
    wait_for(lambda: replies_done(screen, 1))
    assert distance_from_bottom(screen) > 300  # it let go: the reader stays where they went
    jump = screen.selenium.find_element(By.CSS_SELECTOR, ".jump-latest")
    assert jump.get_attribute("aria-label") == "Jump to latest"
    jump.click()
    wait_for(lambda: distance_from_bottom(screen) <= 4)
    wait_for(lambda: not jump.is_displayed())


SAMPLE_FRAMES = """
window.__frames = [];
const sample = () => {
  const view = document.querySelector('.thread-view');
  if (view && view.querySelector('.assistant-message')) {
    const r = document.scrollingElement;
    window.__frames.push(r.scrollHeight - r.scrollTop - r.clientHeight);
  }
  if (window.__frames.length < 30) requestAnimationFrame(sample);
};
requestAnimationFrame(sample);
"""

CHATKIT_TURNS = """
const [texts, done] = [arguments[0], arguments[arguments.length - 1]];
const input = (text) => ({content: [{type: 'input_text', text}], attachments: [],
                          inference_options: {}});
const post = async (body) => (await fetch('/chatkit', {method: 'POST',
  headers: {'Content-Type': 'application/json'}, body: JSON.stringify(body)})).text();
(async () => {
  const first = await post({type: 'threads.create', params: {input: input(texts[0])}});
  const id = first.match(/"thread":\\s*\\{"id":\\s*"([^"]+)"/)[1];
  for (const text of texts.slice(1)) {
    await post({type: 'threads.add_user_message', params: {thread_id: id, input: input(text)}});
  }
  done(id);
})();
"""


def test_opening_a_long_thread_shows_its_end_without_a_jump(screen: Screen) -> None:
    screen.open("/", timeout=40)
    screen.selenium.set_script_timeout(120)
    thread_id = screen.selenium.execute_async_script(CHATKIT_TURNS, ["help"] * 6)
    screen.selenium.execute_cdp_cmd("Page.enable", {})
    sampler = screen.selenium.execute_cdp_cmd(
        "Page.addScriptToEvaluateOnNewDocument", {"source": SAMPLE_FRAMES}
    )
    try:
        screen.open(f"/?thread={thread_id}", timeout=40)
        wait_for(lambda: len(js(screen, "return window.__frames || []")) >= 30)
    finally:
        screen.selenium.execute_cdp_cmd("Page.removeScriptToEvaluateOnNewDocument", sampler)
    frames = js(screen, "return window.__frames")
    assert js(screen, "return document.scrollingElement.scrollTop") > 500  # a long thread
    assert max(frames) <= 4, f"frames painted away from the end: {frames}"


def test_own_message_shows_at_once_with_progress_and_focus_stays(
    fake_model: FakeOpenAI, screen: Screen
) -> None:
    reply_may_end = threading.Event()
    fake_model.script = [SlowSay("one two three four", delay=0.1, gate=reply_may_end)]
    screen.open("/", timeout=40)
    assert js(screen, "return document.activeElement.getAttribute('aria-label')") == "Message"
    width = screen.selenium.find_element(By.CSS_SELECTOR, ".composer textarea").size["width"]
    type_and_send(screen, "hello there")
    screen.should_contain("hello there")
    progress = screen.selenium.find_element(By.CSS_SELECTOR, ".progress-line")
    wait_for(lambda: progress.is_displayed())
    wait_for(screen.selenium.find_element(By.CSS_SELECTOR, "[aria-label='Stop']").is_displayed)
    assert screen.selenium.find_element(By.CSS_SELECTOR, ".composer textarea").size["width"] == (
        width
    )
    # Enter while the reply streams is refused visibly, and the draft stays.
    type_and_send(screen, "too early")
    note = screen.selenium.find_element(By.CSS_SELECTOR, ".composer-note:not(.offline-note)")
    wait_for(note.is_displayed)
    assert "reply is still coming" in note.text
    assert progress.is_displayed()
    reply_may_end.set()
    wait_for(lambda: replies_done(screen, 1))
    wait_for(lambda: not progress.is_displayed())
    composer = screen.selenium.find_element(By.CSS_SELECTOR, ".composer textarea")
    assert composer.get_attribute("value") == "too early"
    assert js(screen, "return document.activeElement") == composer


def test_a_lost_connection_disables_sending_and_says_why(screen: Screen) -> None:
    screen.open("/", timeout=40)
    wait_for(lambda: js(screen, "return !!(window.socket && window.socket.connected)"))
    js(screen, "window.socket.disconnect()")
    note = screen.selenium.find_element(By.CSS_SELECTOR, ".offline-note")
    wait_for(note.is_displayed)
    assert "Connection lost" in note.text
    send = screen.selenium.find_element(By.CSS_SELECTOR, ".send-button")
    assert send.value_of_css_property("pointer-events") == "none"
    js(screen, "window.socket.connect()")
    wait_for(lambda: not note.is_displayed())


def test_tall_drafts_and_notifications_never_cover_the_thread(screen: Screen) -> None:
    screen.open("/", timeout=40)
    screen.selenium.set_window_size(1000, 700)
    type_and_send(screen, "help")
    wait_for(lambda: replies_done(screen, 1))
    composer = screen.selenium.find_element(By.CSS_SELECTOR, ".composer textarea")
    composer.click()
    actions = ActionChains(screen.selenium)
    for _ in range(30):
        actions.send_keys("line").key_down(Keys.SHIFT).send_keys(Keys.ENTER).key_up(Keys.SHIFT)
    actions.perform()
    height = js(screen, "return window.innerHeight")
    wait_for(lambda: composer.size["height"] > 100)
    assert composer.size["height"] <= 0.4 * height + 2
    footer_top = js(
        screen, "return document.querySelector('.q-footer').getBoundingClientRect().top"
    )
    wait_for(lambda: distance_from_bottom(screen) <= 4)
    last = screen.selenium.find_elements(By.CSS_SELECTOR, ".assistant-message")[-1]
    assert js(screen, "return arguments[0].getBoundingClientRect().bottom", last) <= footer_top
    assert js(
        screen, "return getComputedStyle(document.querySelector('.q-footer')).backgroundColor"
    ) in {"rgb(255, 255, 255)"}
    screen.selenium.find_element(By.CSS_SELECTOR, "[aria-label='Good answer']").click()
    toast = screen.selenium.find_element(By.CSS_SELECTOR, ".q-notification")
    footer_top = js(
        screen, "return document.querySelector('.q-footer').getBoundingClientRect().top"
    )
    # It slides in from below: wait until it has arrived, above the composer.
    bottom = "return arguments[0].getBoundingClientRect().bottom"
    wait_for(lambda: js(screen, bottom, toast) <= footer_top)


def test_dark_mode_is_kept_and_the_gallery_is_a_click_away(screen: Screen) -> None:
    screen.open("/", timeout=40)
    assert js(screen, "return document.documentElement.lang") == "en-US"
    assert screen.selenium.find_element(By.CSS_SELECTOR, ".product-name").text == "ChatKit Todo"
    assert screen.selenium.title == "ChatKit Todo"
    screen.selenium.find_element(By.CSS_SELECTOR, "[aria-label='Dark mode']").click()
    wait_for(lambda: "body--dark" in js(screen, "return document.body.className"))
    screen.open("/", timeout=40)  # a reload
    wait_for(lambda: "body--dark" in js(screen, "return document.body.className"))
    header = screen.selenium.find_element(By.CSS_SELECTOR, ".q-header")
    assert header.value_of_css_property("background-color") == "rgba(31, 41, 55, 1)"
    screen.selenium.find_element(By.CSS_SELECTOR, "[aria-label='Widget gallery']").click()
    wait_for(lambda: screen.selenium.find_elements(By.CSS_SELECTOR, ".gallery-back"))
    assert "body--dark" in js(screen, "return document.body.className")
    screen.selenium.find_element(By.LINK_TEXT, "← Back to the chat").click()
    wait_for(lambda: screen.selenium.find_elements(By.CSS_SELECTOR, ".composer textarea"))
