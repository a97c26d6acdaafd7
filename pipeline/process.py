"""What a process that owns itself may do to its own state: the CLI and the batch workers, never the library.

A parse keeps hundreds of thousands of small tuples (a Char per glyph, line
and block parts) alive until the document is done, so the cyclic collector's
full passes walk them again and again and find nothing: held off for one
parse, the pipeline runs about 5% faster (the sample and ten corpus files:
2123 ms with the collector on, 2015 ms paused). Only code that owns its
process (``pipeline.cli``, ``pipeline.batch.pool``'s workers) may do so;
``tests/test_architecture.py`` checks that no other module imports this one.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def gc_paused() -> Iterator[None]:
    """Hold off this process's cyclic garbage collector for the ``with`` block, then restore it as it was."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
