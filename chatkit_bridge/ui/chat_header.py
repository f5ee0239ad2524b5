"""The chat page's header: menu, product name, model, gallery, dark mode, side panel."""

from collections.abc import Callable

from nicegui import ui

from chatkit_bridge.ui.theme import dark_mode_button, icon_button


def chat_header(
    title: str,
    model_label: str,
    *,
    on_menu: Callable[[], None],
    dark: ui.dark_mode,
    on_panel: Callable[[], None] | None,
    extra: Callable[[], None] | None = None,
) -> ui.header:
    """Lay out the header; it fits a 320 px phone (the model badge hides below 600 px).

    :param extra: renders more controls after the model badge (the use case switcher).
    """
    with ui.header(elevated=True).classes(
        "chat-header items-center no-wrap gap-1 px-2 py-2"
    ) as header:
        ui.button("Skip to message box").props("flat dense no-caps color=white").classes(
            "skip-link"
        ).on("click", js_handler="() => window.chatUI.focusComposer()")
        icon_button("menu", "Chats", on_click=on_menu).props("flat round color=white").mark(
            "threads-toggle"
        )
        ui.label(title).classes("text-lg font-medium ellipsis min-w-0 product-name").props(
            "role=heading aria-level=1"
        )
        ui.badge(model_label).props("outline color=white").classes("ellipsis gt-xs model-badge")
        if extra is not None:
            extra()
        ui.space()
        icon_button("widgets", "Widget gallery").props(
            'flat round color=white href="/gallery"'
        ).mark("gallery-link")
        dark_mode_button(dark)
        if on_panel is not None:
            icon_button("checklist", "Side panel", on_click=on_panel).props(
                "flat round color=white"
            ).mark("panel-toggle")
    return header
