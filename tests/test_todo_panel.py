"""The "My todos" panel with NiceGUI's simulated user: pages of rows, updates only what changed."""

from pathlib import Path

from nicegui import ui
from nicegui.testing import User

from tests.polling import until
from use_cases.todo.data import TodoRepository
from use_cases.todo.panel import PAGE_ROWS


def rows(user: User) -> dict[str, ui.element]:
    """Return the panel's row elements by todo id."""
    found = {}
    for element in user.client.layout.descendants():
        for marker in element._markers:
            if marker.startswith("panel-check-"):
                found[marker.removeprefix("panel-check-")] = element.parent_slot.parent
    return found


def counts(user: User) -> str:
    (label,) = user.find(marker="panel-counts").elements
    return getattr(label, "text", "")


async def open_with(user: User, data: Path, titles: list[str]) -> TodoRepository:
    """Give this browser's user the todos, then open the page; return a repository to read."""
    await user.open("/")  # the first visit gives the browser its session id
    repository = TodoRepository(data)
    repository.add(f"browser:{user.client.request.session['id']}", titles)
    await user.open("/")
    return repository


async def test_a_tick_redraws_only_the_ticked_row(user: User, app_settings: Path) -> None:
    repository = await open_with(user, app_settings, ["a", "b", "c"])
    user_id = f"browser:{user.client.request.session['id']}"
    await until(lambda: len(rows(user)) == 3)
    before = rows(user)
    ticked = repository.list(user_id)[1]

    (check,) = user.find(marker=f"panel-check-{ticked.id}").elements
    assert isinstance(check, ui.checkbox)
    check.set_value(True)
    await until(
        lambda: (
            counts(user) == "2 pending · 1 done" and rows(user)[ticked.id] is not before[ticked.id]
        ),
        what="the tick counted and its row redrawn",
    )
    after = rows(user)
    unchanged = [todo_id for todo_id in before if todo_id != ticked.id]
    assert all(after[todo_id] is before[todo_id] for todo_id in unchanged)
    assert [*after] == [todo.id for todo in repository.list(user_id)]


async def test_a_long_list_shows_a_page_and_more_on_request(user: User, app_settings: Path) -> None:
    await open_with(user, app_settings, [f"task {n}" for n in range(PAGE_ROWS + 10)])
    await until(lambda: len(rows(user)) == PAGE_ROWS)
    assert counts(user) == f"{PAGE_ROWS + 10} pending · 0 done"
    user.find(marker="panel-more").click()
    await until(lambda: len(rows(user)) == PAGE_ROWS + 10)
    await user.should_not_see(marker="panel-more")


async def test_a_panel_delete_offers_undo(user: User, app_settings: Path) -> None:
    repository = await open_with(user, app_settings, ["keep", "drop"])
    user_id = f"browser:{user.client.request.session['id']}"
    await until(lambda: len(rows(user)) == 2)
    drop = repository.list(user_id)[1]
    user.find(marker=f"panel-delete-{drop.id}").click()
    await until(lambda: [*rows(user)] == [repository.list(user_id)[0].id])
    await user.should_see('Deleted "drop"')
    user.find(marker="panel-undo").click()
    await until(lambda: len(rows(user)) == 2)
    assert repository.list(user_id)[1] == drop


async def test_changes_made_while_the_socket_is_away_show_when_it_is_back(
    user: User, app_settings: Path
) -> None:
    # A page without its browser (fetched by a script, a tab gone) draws nothing; NiceGUI keeps
    # such a page for a minute, and it redrew on every change of the list until then.
    repository = await open_with(user, app_settings, ["a", "b"])
    user_id = f"browser:{user.client.request.session['id']}"
    await until(lambda: len(rows(user)) == 2)
    client = user.client
    (socket_id, document_id), *_ = client._socket_to_document_id.items()
    tab_id = client.tab_id
    assert tab_id is not None
    client.handle_disconnect(socket_id)
    assert not client.has_socket_connection

    repository.add(user_id, ["added while away"])
    repository.set_completed(user_id, repository.list(user_id)[0].id, True)

    await client.handle_handshake(socket_id, tab_id, None, document_id, None)
    await until(lambda: len(rows(user)) == 3)
    await until(lambda: counts(user) == "2 pending · 1 done")
