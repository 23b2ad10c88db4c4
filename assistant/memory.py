"""Process memory: glibc's malloc tuned for the embedding engine, and the collector kept off long-lived objects.

**Freed memory given back.** ONNX Runtime frees each run's activations (arena shrinkage, assistant/e5_onnx.py),
buffers of 1-13 MB. glibc serves blocks above its mmap threshold with mmap and gives them back on free, but it
raises that threshold to the size of each mapped block freed (up to 32 MB), and the trim threshold with it: after
the first few runs every activation buffer comes from the heaps of the worker threads, and what is freed there
stays resident. Embedding 1,000 clauses grew the process to a 482 MB peak that way, 295 MB with the threshold
fixed at 1 MB, for the same CPU time within noise (34.0 s vs 35.8 s); at 50x the benchmark corpus' ingest peak
fell by ~300 MB.

Only glibc has these knobs; elsewhere (macOS, musl) nothing is changed. A threshold set by the user through
`MALLOC_MMAP_THRESHOLD_` is left alone.

**No full collection over the index.** A warmed-up process holds ~180,000 container objects that live as long as
it does (modules, models, the opened index). Each full collection of Python's cyclic garbage collector walks them
all, ~100 ms on the benchmark machine, and lands on whichever question is being answered. After the warm-up they
are moved out of the collector's generations (`gc.freeze()`): a collection then walks only what questions
allocate. A new index version makes them collectable again first, so the old version's cycles are not kept.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import gc
import logging
import os
import threading
from collections.abc import Callable

log = logging.getLogger(__name__)

# Blocks from this size up are mapped and unmapped by themselves (mallopt M_MMAP_THRESHOLD, which also turns off
# the dynamic adjustment). Smaller ones, the bulk of Python's and the tokenizer's, stay on the heaps.
MMAP_THRESHOLD_BYTES = 1 << 20
_M_MMAP_THRESHOLD = -3  # <malloc.h>
_lock = threading.Lock()
_done = False


def fix_mmap_threshold(threshold: int = MMAP_THRESHOLD_BYTES) -> bool:
    """Fix glibc's mmap threshold for this process (once); True when it is set (now or before)."""
    global _done
    with _lock:
        if _done:
            return True
        if "MALLOC_MMAP_THRESHOLD_" in os.environ:
            _done = True  # the user's own setting wins
            return True
        mallopt = _glibc_mallopt()
        if mallopt is None:
            return False
        _done = bool(mallopt(_M_MMAP_THRESHOLD, threshold))
        if not _done:
            log.debug("mallopt(M_MMAP_THRESHOLD, %d) refused", threshold)
        return _done


def _glibc_mallopt() -> Callable[[int, int], int] | None:
    name = ctypes.util.find_library("c")
    if not name:
        return None
    try:
        libc = ctypes.CDLL(name)
        gnu_get_libc_version = libc.gnu_get_libc_version  # glibc only: musl and macOS have no such symbol
        mallopt = libc.mallopt
    except (OSError, AttributeError):
        return None
    gnu_get_libc_version.restype = ctypes.c_char_p
    mallopt.argtypes = [ctypes.c_int, ctypes.c_int]
    mallopt.restype = ctypes.c_int
    return mallopt


def set_aside_long_lived(again: bool = False) -> None:
    """Collect garbage now, then freeze everything alive: it stays out of every later collection.

    `again`: objects frozen earlier are made collectable first (after an index reload, the old version's)."""
    if again:
        gc.unfreeze()
    gc.collect()
    gc.freeze()
