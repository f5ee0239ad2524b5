"""PostgreSQL: items read once are kept per row version, and a change anywhere is read anew."""

from datetime import UTC, datetime

from chatkit.types import AssistantMessageContent, AssistantMessageItem, ThreadMetadata

from chatkit_bridge.context import RequestContext
from chatkit_bridge.postgres_store import PostgresStore
from tests.postgres import private_schema

ALICE = RequestContext(user_id="alice")
T0 = datetime(2026, 1, 1, 12, 0, tzinfo=UTC)


def message(item_id: str, text: str) -> AssistantMessageItem:
    return AssistantMessageItem(
        id=item_id,
        thread_id="thr_a",
        created_at=T0,
        content=[AssistantMessageContent(text=text, annotations=[])],
    )


async def texts(store: PostgresStore) -> list[str]:
    page = await store.load_thread_items("thr_a", None, 10, "asc", ALICE)
    return [part.text for item in page.data for part in item.content]  # type: ignore[union-attr]


async def test_an_item_changed_by_another_process_is_read_in_its_new_version() -> None:
    with private_schema() as dsn:
        here, there = PostgresStore(dsn), PostgresStore(dsn)  # two processes' stores
        try:
            await here.save_thread(ThreadMetadata(id="thr_a", created_at=T0), ALICE)
            await here.add_thread_item("thr_a", message("msg_1", "first"), ALICE)
            await here.add_thread_item("thr_a", message("msg_2", "second"), ALICE)
            assert await texts(here) == ["first", "second"]  # now kept by `here`
            await there.save_item("thr_a", message("msg_1", "changed elsewhere"), ALICE)
            assert await texts(here) == ["changed elsewhere", "second"]
            await here.save_item("thr_a", message("msg_2", "changed here"), ALICE)
            assert await texts(here) == ["changed elsewhere", "changed here"]
            await there.delete_thread_item("thr_a", "msg_1", ALICE)
            assert await texts(here) == ["changed here"]
        finally:
            await here.close()
            await there.close()


async def test_an_item_written_here_is_read_back_as_the_database_holds_it() -> None:
    with private_schema() as dsn:
        here, fresh = PostgresStore(dsn), PostgresStore(dsn)
        try:
            await here.save_thread(ThreadMetadata(id="thr_a", created_at=T0), ALICE)
            await here.add_thread_item("thr_a", message("msg_1", "nul\x00here"), ALICE)
            await here.save_item("thr_a", message("msg_2", "kept as written"), ALICE)
            # JSONB cannot hold NUL: the writer serves what a fresh reader gets, not its model.
            assert await texts(here) == await texts(fresh) == ["nul\ufffdhere", "kept as written"]
        finally:
            await here.close()
            await fresh.close()
