"""Ctrl-C and SIGTERM, as one fact: "this run was interrupted".

Python turns SIGINT into ``KeyboardInterrupt``, but not every frame sees it as one: DuckDB checks for
pending signals while a query runs and, when the handler raises, cancels the query and raises its own
``RuntimeError("Query interrupted")``; a process pool whose workers the signal killed raises
``BrokenProcessPool``. The handler installed here records the signal before raising, so the flow and
the CLI can tell an interruption from a failure whatever exception carries it.
"""

from __future__ import annotations

import signal
from collections.abc import Iterator
from contextlib import contextmanager

_received: int | None = None


def received() -> int | None:
    """The signal that interrupted this process, or None."""
    return _received


def _handler(signum: int, frame: object) -> None:
    global _received
    _received = signum
    raise KeyboardInterrupt(f"signal {signum}")


@contextmanager
def handled() -> Iterator[None]:
    """Within the block, SIGINT and SIGTERM are recorded and raise ``KeyboardInterrupt``."""
    global _received
    _received = None
    previous = {s: signal.signal(s, _handler) for s in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield
    finally:
        for s, handler in previous.items():
            signal.signal(s, handler)
