"""Child-process scripts for crash tests: a change that dies part-way, as a power cut would."""

DIE_AFTER_TWO_CHUNK_WRITES = """
import os, sys
from pathlib import Path
from chatkit_bridge import document_chunks
from chatkit_bridge.jsonfiles import JsonFiles

store = document_chunks.DocumentChunks._store
written = []

def store_then_die(self, path, records, *more):
    store(self, path, records, *more)
    written.append(path)
    if len(written) == 2:
        os._exit(9)  # the power goes out with two of the change's files written

document_chunks.DocumentChunks._store = store_then_die
"""
"""Put before a script's change: the process exits with code 9 once two chunk files are written.

The data folder is `sys.argv[1]`; `Path` and `JsonFiles` are imported for the change.
"""
