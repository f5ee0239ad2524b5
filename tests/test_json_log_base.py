"""A chunk's log names the file it extends, so a log a crash left behind never undoes a deletion.

A whole-file write takes the log in, then removes it. A crash between the two leaves the log on
disk: here the log is copied aside before such a write and put back after it, which is exactly
what that crash leaves.
"""

import hashlib
import json
import shutil
from pathlib import Path

from tests.test_store_batches import (
    ALICE,
    process,
    question,
    reply,
    texts,
    thread_folder,
    thread_with_question,
)


def log_lines(log: Path) -> list[str]:
    return log.read_text().split("\n")


async def test_an_item_deleted_just_before_a_crash_stays_deleted(tmp_path: Path) -> None:
    ours = process(tmp_path)
    await thread_with_question(ours)
    await ours.add_thread_item("thr_a", reply("msg_1", "card"), ALICE)
    await ours.add_thread_item("thr_a", reply("msg_2", "Added milk.", 2), ALICE)
    log = thread_folder(tmp_path) / "000000.json.log"
    kept = tmp_path / "log-before-the-crash"
    shutil.copy2(log, kept)
    await ours.delete_thread_item("thr_a", "msg_1", ALICE)  # replaces the chunk file
    assert not log.exists(), "the write took the log in"
    shutil.copy2(kept, log)  # the crash came before the log was removed

    after_restart = process(tmp_path)
    assert await texts(after_restart) == {"msg_q": "question", "msg_2": "Added milk."}
    (stale,) = thread_folder(tmp_path).glob("000000.json.log.stale-*")
    assert stale.read_bytes() == kept.read_bytes(), "kept aside, not applied, not destroyed"
    # The next reply is not appended to the leftover log, where it would be ignored too.
    await after_restart.add_thread_item("thr_a", reply("msg_3", "Anything else?", 3), ALICE)
    expected = {"msg_q": "question", "msg_2": "Added milk.", "msg_3": "Anything else?"}
    assert await texts(process(tmp_path)) == expected
    assert await texts(after_restart) == expected


async def test_a_log_naming_its_file_is_applied(tmp_path: Path) -> None:
    ours = process(tmp_path)
    await thread_with_question(ours)
    await ours.add_thread_item("thr_a", reply("msg_1", "card"), ALICE)
    chunk = thread_folder(tmp_path) / "000000.json"
    header = json.loads(log_lines(chunk.with_name("000000.json.log"))[0])
    assert header == {"base": hashlib.blake2b(chunk.read_bytes()).hexdigest()}
    assert await texts(process(tmp_path)) == {"msg_q": "question", "msg_1": "card"}


async def test_a_log_without_a_header_from_an_older_version_is_applied(tmp_path: Path) -> None:
    ours = process(tmp_path)
    await thread_with_question(ours)
    await ours.add_thread_item("thr_a", reply("msg_1", "card"), ALICE)
    await ours.add_thread_item("thr_a", reply("msg_2", "Added milk.", 2), ALICE)
    log = thread_folder(tmp_path) / "000000.json.log"
    log.write_text("\n".join(["", *log_lines(log)[1:]]))  # what the older version wrote

    theirs = process(tmp_path)
    expected = {"msg_q": "question", "msg_1": "card", "msg_2": "Added milk."}
    assert await texts(theirs) == expected
    await theirs.add_thread_item("thr_a", reply("msg_3", "Anything else?", 3), ALICE)
    assert await texts(process(tmp_path)) == {**expected, "msg_3": "Anything else?"}


async def test_setting_invalid_records_aside_keeps_the_log(tmp_path: Path) -> None:
    ours = process(tmp_path)
    await thread_with_question(ours)
    await ours.add_thread_item("thr_a", reply("msg_1", "card"), ALICE)
    await ours.add_thread_item("thr_a", reply("msg_2", "Added milk.", 2), ALICE)
    chunk = thread_folder(tmp_path) / "000000.json"
    log = chunk.with_name("000000.json.log")
    # A record the file held when the log began that this version no longer accepts (a
    # hand edit, or an older version's bug).
    data = json.loads(chunk.read_text())
    bad = question("msg_bad").model_dump(mode="json") | {"created_at": "not a date"}
    data["items"]["1000"] = bad
    chunk.write_text(json.dumps(data))
    digest = hashlib.blake2b(chunk.read_bytes()).hexdigest()
    log.write_text("\n".join([json.dumps({"base": digest}), *log_lines(log)[1:]]))

    expected = {"msg_q": "question", "msg_1": "card", "msg_2": "Added milk."}
    assert await texts(process(tmp_path)) == expected
    assert await texts(process(tmp_path)) == expected, "the rewritten file holds the log"
    aside = json.loads(chunk.with_name("000000.json.invalid").read_text())
    assert [record["id"] for record in aside["items"].values()] == ["msg_bad"]
