// Browser-side behaviour of the chat page that must not wait for a server round trip:
// following the reply while the reader is at the bottom, "jump to latest", copy buttons on
// code blocks, the offline state of the composer and the remembered colour scheme.
(() => {
  if (window.chatUI) return;
  const AT_BOTTOM = 4; // px: closer than this to the end counts as "at the bottom"
  const SHOW_JUMP = 120; // px: farther than this from the end offers "jump to latest"
  const root = () => document.scrollingElement || document.documentElement;
  const distance = () => root().scrollHeight - root().scrollTop - root().clientHeight;
  let follow = true;
  let lastTop = 0;

  function toBottom() {
    root().scrollTop = root().scrollHeight;
    lastTop = root().scrollTop;
    showJump();
  }
  function showJump() {
    document.body.classList.toggle("chat-scrolled-up", !follow && distance() > SHOW_JUMP);
  }
  function onScroll() {
    const top = root().scrollTop;
    if (distance() <= AT_BOTTOM) follow = true;
    else if (top < lastTop - 1) follow = false; // the reader moved up: let go
    lastTop = top;
    showJump();
  }
  // Runs after each DOM change and before the next paint, so following never shows a jump.
  // (Deferring it to the next animation frame let a frame's first callbacks see the new content
  // still unscrolled.)
  function onContentChange() {
    dropAnsweredBubbles();
    // The reader may have moved up since the last scroll event: the browser reports a scroll
    // with the next frame, and a streamed update in between would pull them back down.
    if (root().scrollTop < lastTop - 1 && distance() > AT_BOTTOM) follow = false;
    if (follow) toBottom();
    else showJump();
    // Quasar's loading bar is a progressbar without a name; screen readers need one.
    for (const bar of document.querySelectorAll(".q-loading-bar:not([aria-label])")) {
      bar.setAttribute("aria-label", "Loading");
    }
    const footer = document.querySelector(".q-footer");
    if (footer) document.documentElement.style.setProperty("--composer-h", `${footer.offsetHeight}px`);
  }

  history.scrollRestoration = "manual";
  window.addEventListener("scroll", onScroll, { passive: true });
  window.addEventListener("wheel", (e) => { if (e.deltaY < 0 && distance() > AT_BOTTOM) follow = false; }, { passive: true });
  const mutations = new MutationObserver(onContentChange);
  const sizes = new ResizeObserver(onContentChange);
  document.addEventListener("DOMContentLoaded", () => {
    mutations.observe(document.body, { childList: true, subtree: true, characterData: true });
    sizes.observe(document.body);
    // A page built whole on the server (a reopened thread) is in the DOM before the observers
    // are: go to its end now, before the first frame, not in the size observer's callback after it.
    onContentChange();
  });

  // Copy buttons inside rendered markdown (the HTML is sanitized, so no inline handlers).
  document.addEventListener("click", async (event) => {
    const button = event.target.closest?.(".code-copy");
    if (!button) return;
    const code = button.closest(".code-block")?.querySelector("code")?.innerText ?? "";
    try {
      await navigator.clipboard.writeText(code);
      button.textContent = "Copied";
    } catch {
      button.textContent = "Copy failed";
    }
    setTimeout(() => (button.textContent = "Copy"), 1500);
  });

  // The user's own message shows the moment Enter goes down (the server's bubble replaces it
  // as soon as it arrives), so sending feels instant even when the server is busy.
  function showPendingBubble(event) {
    const box = event.target;
    if (event.key !== "Enter" || event.shiftKey || !box.matches?.(".composer textarea")) return;
    const stop = document.querySelector(".composer [aria-label='Stop']");
    const text = box.value;
    const slot = document.querySelector(".pending-bubbles");
    if (!text.trim() || !slot || (stop && stop.offsetParent) || document.body.classList.contains("chat-offline")) return;
    const row = document.createElement("div");
    row.className = "pending-bubble row w-full justify-end";
    const bubble = document.createElement("div");
    bubble.className = "user-bubble whitespace-pre-wrap max-w-[80%] rounded-2xl px-4 py-2";
    bubble.textContent = text;
    row.append(bubble);
    slot.append(row);
    follow = true;
    setTimeout(() => row.remove(), 15000); // the server refused it after all
  }
  function dropAnsweredBubbles() {
    const slot = document.querySelector(".pending-bubbles");
    if (!slot || !slot.firstChild) return;
    const shown = new Set([...document.querySelectorAll(".thread-view .user-bubble")].map((b) => b.textContent));
    for (const row of [...slot.children]) if (shown.has(row.textContent)) row.remove();
  }
  document.addEventListener("keydown", showPendingBubble, { capture: true });

  // Sending needs the connection: say so while it is lost, and keep the draft.
  function watchConnection() {
    if (!window.socket) return setTimeout(watchConnection, 200);
    const set = (offline) => document.body.classList.toggle("chat-offline", offline);
    window.socket.on("disconnect", () => set(true));
    window.socket.on("connect", () => set(false));
  }
  watchConnection();

  window.chatUI = {
    jump() {
      follow = true;
      toBottom();
    },
    following: () => follow,
    rememberDark(dark) {
      document.cookie = `chat_dark=${dark ? 1 : 0}; path=/; max-age=31536000; SameSite=Lax`;
    },
    focusComposer() {
      document.querySelector(".composer textarea")?.focus();
    },
  };
})();
