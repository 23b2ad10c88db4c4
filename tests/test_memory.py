"""Process memory (assistant/memory.py): glibc's mmap threshold fixed for the embedding engine, so that after a
large block is freed a buffer of a few MB is still mapped by itself (and unmapped when freed) instead of staying on
the heap; and a warmed-up assistant's long-lived objects kept out of the garbage collector's walks.

The mmap cases run in fresh processes (the setting is process-wide); mallinfo2 tells how many bytes are in mapped
blocks.
"""

from __future__ import annotations

import gc
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from assistant.settings import Settings

REPO = Path(__file__).resolve().parent.parent

_CHILD = """
import ctypes, ctypes.util, json, sys
import numpy as np
from assistant.memory import fix_mmap_threshold

class MallInfo2(ctypes.Structure):
    _fields_ = [(name, ctypes.c_size_t) for name in
                ("arena", "ordblks", "smblks", "hblks", "hblkhd", "usmblks", "fsmblks", "uordblks", "fordblks",
                 "keepcost")]

libc = ctypes.CDLL(ctypes.util.find_library("c"))
libc.mallinfo2.restype = MallInfo2
fixed = fix_mmap_threshold() if sys.argv[1] == "fixed" else False
big = np.ones(16 << 20, dtype=np.uint8)  # mapped; freeing it is what raises glibc's threshold to 16 MB
del big
mapped_before = libc.mallinfo2().hblkhd
buffer = np.ones(3 << 20, dtype=np.uint8)  # an activation-sized buffer
print(json.dumps({"fixed": fixed, "mapped": libc.mallinfo2().hblkhd - mapped_before}))
"""


def _child(mode: str, **env_vars: str) -> dict:
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    env.pop("MALLOC_MMAP_THRESHOLD_", None)
    done = subprocess.run([sys.executable, "-c", _CHILD, mode], cwd=REPO, env={**env, **env_vars},
                          capture_output=True, text=True, timeout=120)
    if done.returncode != 0:
        pytest.skip(f"no glibc mallinfo2 here: {done.stderr[-300:]}")
    return json.loads(done.stdout)


def test_a_fixed_threshold_maps_buffers_after_a_large_free() -> None:
    default, fixed = _child("default"), _child("fixed")
    if default["mapped"] >= 3 << 20:
        pytest.skip("this allocator does not raise its mmap threshold after a large free")
    assert fixed["fixed"] is True
    assert fixed["mapped"] >= 3 << 20  # the buffer is its own mapping, returned to the system when freed


def test_a_threshold_set_by_the_user_is_left_alone() -> None:
    # 32 MB, set through glibc's own variable: the 3 MB buffer stays on the heap, as the user asked.
    assert _child("fixed", MALLOC_MMAP_THRESHOLD_=str(32 << 20))["mapped"] == 0


def test_warm_up_sets_long_lived_objects_aside_and_a_reload_renews_them(minilm_settings: Settings) -> None:
    """After the warm-up a full collection walks only what questions allocate, not the index and the modules."""
    from assistant.service import Assistant

    gc.unfreeze()
    try:
        assistant = Assistant(minilm_settings)
        assistant.load()
        walked_before = len(gc.get_objects())
        assistant.warm_up()
        assert gc.get_freeze_count() > walked_before / 2
        assert len(gc.get_objects()) < walked_before / 20
        version = assistant.reload()
        assert version == assistant.index.version and len(gc.get_objects()) < walked_before / 20
        assert assistant.ask("Ai chủ trì thực hiện kế hoạch?").answer
    finally:
        gc.unfreeze()
