"""A signal is an interruption whatever exception carries it out of the frame it lands in."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

# The handler must record the signal wherever it lands. (Where DuckDB polls for signals it turns the
# handler's KeyboardInterrupt into RuntimeError("Query interrupted"); whether it polls depends on how
# the process was started, so the child here waits in Python, where the handler always runs.)
CHILD = textwrap.dedent(
    """
    import time
    from flows import interrupts
    try:
        with interrupts.handled():
            print("waiting", flush=True)
            while True:
                time.sleep(0.05)
    except BaseException as exc:
        print(type(exc).__name__, interrupts.received(), flush=True)
    """
)


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM])
def test_a_signal_is_recorded_as_an_interruption(signum):
    child = subprocess.Popen(
        [sys.executable, "-c", CHILD],
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        stdout=subprocess.PIPE,
        text=True,
    )
    assert child.stdout.readline().strip() == "waiting"
    # again until it ends: a signal that lands while DuckDB is still setting the query up can wait
    # for its next check, which under load may be long
    deadline = time.monotonic() + 60
    while child.poll() is None and time.monotonic() < deadline:
        time.sleep(0.5)
        child.send_signal(signum)
    out, _ = child.communicate(timeout=10)
    name, received = out.split()
    assert name == "KeyboardInterrupt"
    assert int(received) == signum


def test_outside_the_block_the_previous_handlers_are_back():
    from flows import interrupts

    before = signal.getsignal(signal.SIGINT), signal.getsignal(signal.SIGTERM)
    with interrupts.handled():
        assert signal.getsignal(signal.SIGINT) is not before[0]
    assert (signal.getsignal(signal.SIGINT), signal.getsignal(signal.SIGTERM)) == before
    assert interrupts.received() is None
