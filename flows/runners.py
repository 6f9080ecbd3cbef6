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
    """The Prefect API this process's flow runs report to, ready to use; see :func:`start_api_server`."""
    return start_api_server().wait()


class ApiServer:
    """The Prefect API a run reports to: one already up (``url`` set, nothing to wait for), or a
    :class:`TemporaryServer` starting in the background (``wait`` returns when it answers)."""

    def __init__(self, url: str, starting: TemporaryServer | None = None) -> None:
        self.url, self.starting = url, starting

    def wait(self) -> str:
        if self.starting is not None:
            from prefect.logging import get_logger  # logged now: Prefect's logging is set up once it is imported

            get_logger().info(
                "Starting temporary server on %s (a long-lived one saves this: `pressfacts serve`)",
                self.starting.api_url.removesuffix("/api"),
            )
            self.starting.wait_ready()
            self.url = self.starting.api_url  # another port if the first was taken meanwhile
            self.starting = None
        return self.url


def start_api_server() -> ApiServer:
    """``PREFECT_API_URL`` when set; else the long-lived local server when it answers
    (``PRESSFACTS_LOCAL_SERVER``, `pressfacts serve`'s); else a temporary server, started here in the
    background (once, stopped at exit) and exported to child processes. The caller can do its own
    imports while the server starts, and calls ``wait()`` before the flow.

    The temporary server is the one Prefect itself would start for a flow with no API (the same
    ``uvicorn`` command as ``prefect.server.api.server.SubprocessASGIServer``: ephemeral mode, no UI,
    no background services), started without importing Prefect's server in this process (~1.4 s),
    and in a session of its own: a Ctrl-C in the terminal does not kill it mid-run, and it dies with
    this process. The Dask runner needs it too: without ``PREFECT_API_URL`` every worker would start
    a server.
    """
    if os.environ.get("PREFECT_API_URL"):
        return ApiServer(os.environ["PREFECT_API_URL"])
    local = os.environ.get(LOCAL_SERVER_ENV, DEFAULT_LOCAL_SERVER)
    if local and _healthy(local):  # `make serve` / `prefect server start` left one up: its start-up saved
        os.environ["PREFECT_API_URL"] = local
        return ApiServer(local)
    import atexit

    server = TemporaryServer()
    os.environ["PREFECT_API_URL"] = server.api_url  # before Prefect is imported (start() logs through it)
    server.start()
    atexit.register(server.stop)
    return ApiServer(server.api_url, server)


class TemporaryServer:
    """Prefect's API server in a child process on a free local port, for the length of one run."""

    def __init__(self) -> None:
        self.port = _free_port()
        self.api_url = f"http://127.0.0.1:{self.port}/api"
        self.process: Any = None

    def start(self) -> None:
        import subprocess
        import sys

        env = {**os.environ, "PREFECT_UI_ENABLED": "0", "PREFECT__SERVER_EPHEMERAL": "1", "PREFECT__SERVER_FINAL": "1"}
        env.pop("PREFECT_API_URL", None)
        self.process = subprocess.Popen(
            [
                *(sys.executable, "-m", "uvicorn", "--factory", "prefect.server.api.server:create_app"),
                *("--host", "127.0.0.1", "--port", str(self.port), "--log-level", "error", "--lifespan", "on"),
            ],
            env=env,
            stdin=subprocess.DEVNULL,
            preexec_fn=_detach_and_die_with_parent,
        )

    def wait_ready(self) -> None:
        """Return when the server answers; a clear error when it exits or does not answer in time
        (``PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS``, set to 120 s by :mod:`flows.settings`)."""
        timeout = float(os.environ.get("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS") or 120)
        deadline = time.monotonic() + timeout
        while not _healthy(self.api_url, timeout=1.0):
            if self.process.poll() == 3:  # uvicorn could not bind: another process took the port meanwhile
                self.port = _free_port()
                self.api_url = os.environ["PREFECT_API_URL"] = f"http://127.0.0.1:{self.port}/api"
                self.start()
                continue
            if self.process.poll() is not None:
                raise RuntimeError(f"Prefect's temporary server exited with code {self.process.returncode}")
            if time.monotonic() > deadline:
                self.stop()
                raise RuntimeError(f"Prefect's temporary server did not answer within {timeout:.0f} s")
            time.sleep(0.05)

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        # not logged: this runs at exit, when the terminal's stream may already be closed
        self.process.terminate()
        try:
            self.process.wait(timeout=5)
        except Exception:  # noqa: BLE001 - TimeoutExpired: it is killed instead
            self.process.kill()
            self.process.wait()


def _free_port() -> int:
    """A local port free now (as Prefect's own temporary server finds one)."""
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


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
