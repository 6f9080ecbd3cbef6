"""Where chunks run: local worker processes or a Dask cluster.

The flow cuts the files to extract into contiguous chunks (:func:`flows.chunks.chunked`) and
submits one Prefect task per chunk (:func:`flows.flow.extract_chunk_task`); each chunk is decoded,
segmented and extracted by :func:`flows.chunks.process_chunk` wherever the task runner puts it:

``PRESSFACTS_TASK_RUNNER=local`` (default)
    Prefect's thread task runner in the flow process; each chunk task hands its chunk to a pool
    of ``PRESSFACTS_WORKERS`` worker processes (default: the CPUs this process may use) that
    import only the extractors. Small batches run in the flow process: a worker costs ~1-2 s
    to start.
``PRESSFACTS_TASK_RUNNER=dask``
    ``prefect-dask``'s task runner: chunk tasks run on the workers of the Dask cluster at
    ``PRESSFACTS_DASK_ADDRESS``, or of a local cluster of ``PRESSFACTS_WORKERS`` processes.
    Chunks carry the files' bytes, so workers need no access to the source folder; they need
    this package installed and ``PREFECT_API_URL`` pointing at the flow's Prefect server.

Either way, results come back to the flow process, the single DuckDB writer, in chunk order.
"""

from __future__ import annotations

import ctypes
import multiprocessing
import os
import signal
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Executor, ProcessPoolExecutor
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar

from flows.chunks import ChunkResult, process_chunk
from flows.sources.scan import RawFile

TASK_RUNNER_ENV = "PRESSFACTS_TASK_RUNNER"
WORKERS_ENV = "PRESSFACTS_WORKERS"
DASK_ADDRESS_ENV = "PRESSFACTS_DASK_ADDRESS"
# a long-lived local Prefect server that one-shot runs use when it is up (`prefect server start`'s default)
LOCAL_SERVER_ENV = "PRESSFACTS_LOCAL_SERVER"
DEFAULT_LOCAL_SERVER = "http://127.0.0.1:4200/api"
TASK_RUNNERS = ("local", "dask")

# Below this many files the flow process extracts them itself: starting worker processes
# (each imports the extractors and builds their lexicons) costs more than it saves.
LOCAL_POOL_MIN_FILES = 150


def task_runner_kind() -> str:
    """The task runner the settings ask for; a clear error for an unknown one."""
    kind = os.environ.get(TASK_RUNNER_ENV, "local").strip().lower() or "local"
    if kind not in TASK_RUNNERS:
        raise ValueError(f"{TASK_RUNNER_ENV}={kind!r} is not one of {', '.join(TASK_RUNNERS)}")
    return kind


def worker_count() -> int:
    """``PRESSFACTS_WORKERS``, else the CPUs this process may run on."""
    value = os.environ.get(WORKERS_ENV)
    if value:
        try:
            n = int(value)
        except ValueError:
            raise ValueError(f"{WORKERS_ENV}={value!r} is not a whole number") from None
        if n < 1:
            raise ValueError(f"{WORKERS_ENV} must be at least 1, not {n}")
        return n
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def make_task_runner(kind: str | None = None, workers: int | None = None) -> Any:
    """The Prefect task runner for chunk tasks, as the settings say."""
    kind = kind or task_runner_kind()
    workers = workers or worker_count()
    if kind == "dask":
        from prefect_dask import DaskTaskRunner

        address = os.environ.get(DASK_ADDRESS_ENV)
        if address:
            return DaskTaskRunner(address=address)
        return DaskTaskRunner(
            cluster_kwargs={"n_workers": workers, "threads_per_worker": 1, "processes": True, "dashboard_address": None}
        )
    from prefect.task_runners import ThreadPoolTaskRunner

    return ThreadPoolTaskRunner(max_workers=max(2, workers))


def ensure_api_server() -> str | None:
    """The Prefect API this process's flow runs report to: ``PREFECT_API_URL`` when set, else a local
    temporary server started here (once, stopped at exit), exported to child processes; returns it.

    Prefect's own temporary server runs in this process's group, so a Ctrl-C in the terminal kills
    it together with the run, which then spends a minute failing to report; this one runs in a
    session of its own (the terminal's Ctrl-C does not reach it) and dies with this process. The
    Dask runner needs it too: without ``PREFECT_API_URL`` every worker would start a server.
    """
    if os.environ.get("PREFECT_API_URL"):
        return os.environ["PREFECT_API_URL"]
    local = os.environ.get(LOCAL_SERVER_ENV, DEFAULT_LOCAL_SERVER)
    if local and _healthy(local):  # `make serve` / `prefect server start` left one up: ~10 s saved
        os.environ["PREFECT_API_URL"] = local
        return local
    import atexit

    server = _DetachedServer()
    server.start()
    atexit.register(server.stop)
    os.environ["PREFECT_API_URL"] = server.api_url
    return server.api_url


def start_local_server(log_dir: Path, timeout: float = 180) -> str:
    """A long-lived Prefect server with its UI at :data:`DEFAULT_LOCAL_SERVER`, left running for later
    runs to use (``pressfacts serve`` starts it when none is up); returns its API address."""
    import subprocess
    import sys

    url = os.environ.get(LOCAL_SERVER_ENV, DEFAULT_LOCAL_SERVER)
    if _healthy(url):
        return url
    host_port = url.split("//", 1)[1].split("/", 1)[0]
    host, port = host_port.rsplit(":", 1)
    log_dir.mkdir(parents=True, exist_ok=True)
    log = log_dir / "prefect-server.log"
    env = {**os.environ, "PREFECT_UI_ENABLED": "true"}
    env.pop("PREFECT_API_URL", None)
    prefect = Path(sys.executable).with_name("prefect")
    with log.open("ab") as out:
        proc = subprocess.Popen(
            [str(prefect), "server", "start", "--host", host, "--port", port],
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
        )
    deadline = time.monotonic() + timeout
    while not _healthy(url):
        if proc.poll() is not None or time.monotonic() > deadline:
            raise RuntimeError(f"the Prefect server did not start (see {log})")
        time.sleep(0.5)
    return url


def _healthy(api_url: str, timeout: float = 3.0) -> bool:
    """Whether a Prefect server answers at ``api_url`` (refused at once when none listens; a busy one
    may take a moment)."""
    import urllib.request

    try:
        with urllib.request.urlopen(f"{api_url.rstrip('/')}/health", timeout=timeout) as response:
            return response.status == 200
    except OSError:
        return False


def _detach_and_die_with_parent() -> None:
    """In a child, before exec: a session of its own, and SIGTERM when the parent dies (Linux)."""
    os.setsid()
    try:
        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):  # not Linux: the server is stopped at exit instead
        pass


def _DetachedServer():  # noqa: N802 - a class made on first use: importing Prefect's server costs ~1 s
    from prefect.server.api import server as prefect_server

    class DetachedServer(prefect_server.SubprocessASGIServer):
        def _run_uvicorn_command(self):
            real = prefect_server.subprocess

            class _Subprocess:  # the module as Prefect sees it, with a Popen that detaches the child
                def __getattr__(self, name):
                    return getattr(real, name)

                @staticmethod
                def Popen(*args, **kwargs):  # noqa: N802
                    return real.Popen(*args, preexec_fn=_detach_and_die_with_parent, **kwargs)

            prefect_server.subprocess = _Subprocess()
            try:
                return super()._run_uvicorn_command()
            finally:
                prefect_server.subprocess = real

    return DetachedServer()


# The pool chunk tasks hand their work to, in the flow process of a local run; None elsewhere
# (on a Dask worker, and for small batches), where a chunk task does the work itself.
_LOCAL_POOL: Executor | None = None


def _warm_up() -> None:
    """Worker start: leave interruption to the flow process (it shuts the pool down), exit when it is
    gone, import the extractors and build their lexicons once, before the first chunk."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    parent = os.getppid()
    threading.Thread(target=_exit_with_parent, args=(parent,), daemon=True, name="exit-with-parent").start()
    from flows.facts import countries, counts, events, funders  # noqa: F401

    countries.resolve_place("Geneva")


@contextmanager
def local_pool(workers: int, files: int) -> Iterator[Executor | None]:
    """A pool of ``workers`` processes for chunk tasks to use while the block runs; none (the
    flow process does the work) for one worker or fewer than LOCAL_POOL_MIN_FILES files."""
    global _LOCAL_POOL
    if workers < 2 or files < LOCAL_POOL_MIN_FILES:
        yield None
        return
    # spawn, not fork: the flow runs with Prefect's threads alive, and forking a threaded
    # process can deadlock a child on a lock another thread held
    pool = ProcessPoolExecutor(
        max_workers=workers, mp_context=multiprocessing.get_context("spawn"), initializer=_warm_up
    )
    _LOCAL_POOL = pool
    try:
        yield pool
    finally:
        _LOCAL_POOL = None
        pool.shutdown(wait=True, cancel_futures=True)


def _exit_with_parent(parent: int, every: float = 1.0) -> None:
    """A worker whose parent died (killed, even with SIGKILL) is re-parented: then it exits too, rather
    than living on holding memory and the parent's output pipe."""
    while True:
        time.sleep(every)
        if os.getppid() != parent:
            os._exit(1)


def run_chunk(raw_files: list[RawFile]) -> ChunkResult:
    """Body of a chunk task: on the local pool when the flow set one up, else right here."""
    pool = _LOCAL_POOL
    if pool is None:
        return process_chunk(raw_files)
    return pool.submit(process_chunk, raw_files).result()


T = TypeVar("T")


def ordered_window(submit: Callable[[T], Any], items: Iterable[T], window: int) -> Iterator[Any]:
    """Submit items with ``submit`` (returning futures with ``.result()``) keeping at most ``window``
    in flight, and yield their results in submission order: memory holds ``window`` results, not all."""
    in_flight: deque = deque()
    for item in items:
        in_flight.append(submit(item))
        if len(in_flight) >= window:
            yield in_flight.popleft().result()
    while in_flight:
        yield in_flight.popleft().result()
