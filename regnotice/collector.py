"""The cyclic garbage collector, paused around bulk work that builds many objects and no
cycles (a parse, a YAML file read and checked), and resumed after it if it was running.

Such work allocates many objects and frees none until it returns: the collector's passes
during it find nothing, and its full passes, each over every object alive, make big inputs
superlinear (a parse of 20,000 items ran 2.5 times slower with them). Another thread's
pause is left to that thread: the collector is resumed only by whoever paused it.
"""

from __future__ import annotations

import gc
from contextlib import contextmanager
from typing import Iterator

__all__ = ["gc_paused"]


@contextmanager
def gc_paused() -> Iterator[None]:
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()
