"""The DuckDB file: build a new version beside the published one, then swap it in atomically.

DuckDB allows one writer or many readers. Readers (BI tools, analysts) open the
published file read-only at any time; a run never writes to it. The run copies
the published file (it holds the raw facts of earlier runs and the audit
history), writes the copy, and only when every check has passed replaces the
published file with ``os.replace`` — an atomic rename, so a reader sees the old
version or the new one, never half of one.
"""

from __future__ import annotations

import fcntl
import os
import shutil
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb
import polars as pl

from flows.store.schema import AUDIT_TABLES, RAW_STATE_TABLES, RAW_TABLES


@contextmanager
def warehouse_lock(warehouse: Path, wait_seconds: float = 0) -> Iterator[None]:
    """Exclusive right to write ``warehouse``: one run at a time, across processes.

    Two locks, both ``flock``: the warehouse's folder itself (it cannot be deleted from under a
    run: it holds the published file and the build), and the lock file ``.<name>.lock`` beside the
    warehouse, re-checked by inode once locked (a lock file deleted and created again by someone
    else is a lock on nothing: it is taken again). A lock file deleted during a run therefore lets
    no second run in. Raises ``RuntimeError`` when another run holds the lock for longer than
    ``wait_seconds``.
    """
    warehouse.parent.mkdir(parents=True, exist_ok=True)
    lock_path = warehouse.parent / f".{warehouse.name}.lock"
    deadline = time.monotonic() + wait_seconds
    folder = os.open(warehouse.parent, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0) | os.O_CLOEXEC)
    try:
        _flock_until(folder, deadline, warehouse, lock_path)
        while True:
            fh = open(lock_path, "a")  # noqa: SIM115 - held for the whole run, closed below
            try:
                _flock_until(fh.fileno(), deadline, warehouse, lock_path)
                st = os.fstat(fh.fileno())
                try:
                    now = os.stat(lock_path)
                except FileNotFoundError:
                    now = None
                if now is not None and (now.st_dev, now.st_ino) == (st.st_dev, st.st_ino):
                    break
            except BaseException:
                fh.close()
                raise
            fh.close()  # the file was deleted or replaced while we waited: lock the one there now
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)
            fh.close()
    finally:
        os.close(folder)  # closing the folder's descriptor releases its lock


def _flock_until(fd: int, deadline: float, warehouse: Path, lock_path: Path) -> None:
    while True:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return
        except BlockingIOError:
            if time.monotonic() >= deadline:
                raise RuntimeError(
                    f"another run is writing {warehouse} (lock {lock_path}); this run did not start"
                ) from None
            time.sleep(0.5)


def build_path(published: Path, run_id: str) -> Path:
    """Where a run builds its version of the warehouse (same folder, so the rename is atomic)."""
    return published.parent / f".{published.name}.build-{run_id}"


def _owner_path(build: Path) -> Path:
    return build.with_name(build.name + ".owner")


def _boot_id() -> str:
    try:
        return Path("/proc/sys/kernel/random/boot_id").read_text().strip()
    except OSError:
        return ""


def _process_start(pid: int) -> str:
    """The process's start time in clock ticks since boot (tells a reused pid from the owner)."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[19]
    except (OSError, IndexError):
        return ""


def _owner_stamp() -> str:
    pid = os.getpid()
    return f"{pid} {_boot_id()} {_process_start(pid)}\n"


def _owner_alive(build: Path) -> bool:
    """Whether the process that started ``build`` is still running (same pid, boot and start time)."""
    try:
        pid_text, boot, started = (_owner_path(build).read_text().split() + ["", "", ""])[:3]
        pid = int(pid_text)
    except (OSError, ValueError):
        return False
    if boot != _boot_id() or pid == os.getpid():
        return False  # this process holds the lock now: a build of its own is from a run that is over
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        pass  # alive, another user's
    return _process_start(pid) == started


def remove_stale_builds(published: Path) -> list[Path]:
    """Delete builds left by runs that were killed; returns what was removed.

    A build whose owner (pid, boot id and start time, written beside it by :func:`start_build`)
    is still alive is never removed, lock or no lock.
    """
    removed = []
    for path in sorted(published.parent.glob(f".{published.name}.build-*")):
        if path.name.endswith((".wal", ".owner")) or _owner_alive(path):
            continue
        path.unlink(missing_ok=True)
        path.with_name(path.name + ".wal").unlink(missing_ok=True)
        _owner_path(path).unlink(missing_ok=True)
        removed.append(path)
    for suffix in (".wal", ".owner"):  # what a build left without the build itself
        for leftover in published.parent.glob(f".{published.name}.build-*{suffix}"):
            if not leftover.with_name(leftover.name.removesuffix(suffix)).exists():
                leftover.unlink(missing_ok=True)
    return removed


# The published file is written in DuckDB's v1.0.0 storage format, so every client from DuckDB 1.0 on
# opens it (the duckdb CLI and the BI drivers lag the Python package; 2.0's own format is unreadable to
# them). A file keeps the format it was created with, so only new files and older-format ones need it.
STORAGE_VERSION = "v1.0.0"
_STORAGE_CONFIG = {"storage_compatibility_version": STORAGE_VERSION}


def storage_version(path: Path) -> str:
    """The storage format ``path`` is written in, as DuckDB reports it ("v1.0.0+")."""
    con = duckdb.connect(str(path), read_only=True)
    try:
        tags = con.execute("select tags from duckdb_databases() where database_name = current_database()").fetchone()
    finally:
        con.close()
    return (tags[0] or {}).get("storage_version", "") if tags else ""


def connect_build(build: Path) -> duckdb.DuckDBPyConnection:
    """A read-write connection to a build; a new file is created in :data:`STORAGE_VERSION`."""
    return duckdb.connect(str(build), config=_STORAGE_CONFIG)


def wal_path(database: Path) -> Path:
    return database.with_name(database.name + ".wal")


class WarehouseInUse(RuntimeError):
    """A read-write client has the published warehouse open: a run would lose its writes."""


def start_build(published: Path, run_id: str) -> Path:
    """A private copy of the published warehouse (or a new file) for this run to write.

    A published file in another storage format (written before the format was fixed) is copied
    table by table into a new file in :data:`STORAGE_VERSION`, once; later runs copy bytes.

    A write-ahead log beside the published file (``pressfacts.duckdb.wal``) was left by a
    read-write client that crashed: its committed writes are not in the file yet. It is copied
    with the file and replayed into the build (a checkpoint of the copy, never of the published
    file), so they are kept; :func:`publish` then moves the stale log beside the backup, where it
    can no longer stop every client from opening the new file. A read-write client still holding
    the file makes the run refuse (:class:`WarehouseInUse`), before anything is copied.
    """
    published.parent.mkdir(parents=True, exist_ok=True)
    build = build_path(published, run_id)
    _owner_path(build).write_text(_owner_stamp())
    if published.exists():
        try:
            version = storage_version(published)
        except duckdb.IOException as exc:
            if "lock" not in str(exc).lower():
                raise
            raise WarehouseInUse(
                f"a read-write client has {published} open (DuckDB: {exc}); its writes would be lost. "
                "Close it (BI tools and scripts must connect read-only) and run again; nothing was changed."
            ) from None
        stale_wal = wal_path(published)
        if version.removesuffix("+") == STORAGE_VERSION:
            shutil.copyfile(published, build)
            if stale_wal.exists():
                shutil.copyfile(stale_wal, wal_path(build))
                con = connect_build(build)
                try:
                    con.execute("checkpoint")  # the crashed client's committed writes, now in the build
                finally:
                    con.close()
        else:
            _copy_in_storage_version(published, build)  # reading the file replays its log
    con = connect_build(build)
    try:
        ensure_schemas(con)
    finally:
        con.close()
    return build


def _copy_in_storage_version(source: Path, target: Path) -> None:
    con = connect_build(target)
    try:
        con.execute(f"attach {_sql_string(str(source))} as old (read_only)")
        here = con.execute("select current_database()").fetchone()[0]
        con.execute(f"copy from database old to {_sql_identifier(here)}")
        con.execute("detach old")
    finally:
        con.close()


def _sql_string(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def _sql_identifier(value: str) -> str:
    return '"' + value.replace('"', '""') + '"'


def _create_empty(con: duckdb.DuckDBPyConnection, schema: str, name: str, columns: dict) -> None:
    empty = pl.DataFrame(schema=columns).to_arrow()  # noqa: F841 - read by DuckDB by name
    con.execute(f"create table if not exists {schema}.{name} as select * from empty where false")


def ensure_schemas(con: duckdb.DuckDBPyConnection) -> None:
    """Create the raw and audit schemas and their tables when missing."""
    con.execute("create schema if not exists raw")
    con.execute("create schema if not exists audit")
    for name, columns in (RAW_TABLES | RAW_STATE_TABLES).items():
        _create_empty(con, "raw", name, columns)
    for name, columns in AUDIT_TABLES.items():
        _create_empty(con, "audit", name, columns)
    _add_missing_columns(con, {("raw", n): c for n, c in (RAW_TABLES | RAW_STATE_TABLES).items()})


def _add_missing_columns(con: duckdb.DuckDBPyConnection, tables: dict[tuple[str, str], dict]) -> None:
    """A warehouse written by an earlier version gains the columns added since (null in old rows)."""
    rows = con.execute("select table_schema, table_name, column_name from information_schema.columns").fetchall()
    have = set(rows)
    for (schema, name), columns in tables.items():
        for column, dtype in columns.items():
            if (schema, name, column) not in have:
                con.execute(f'alter table {schema}.{name} add column "{column}" {_DUCKDB_TYPES.get(dtype, "varchar")}')


_DUCKDB_TYPES = {
    pl.String: "varchar",
    pl.Int32: "integer",
    pl.Int64: "bigint",
    pl.Float64: "double",
    pl.Date: "date",
    pl.Boolean: "boolean",
}


def read_sources(con: duckdb.DuckDBPyConnection) -> pl.DataFrame:
    """The landing folder as the last run saw it (``raw.sources``)."""
    return con.sql("select * from raw.sources").pl()


def read_extracted_versions(con: duckdb.DuckDBPyConnection) -> dict[str, str]:
    """Content digest -> extractor version, for every content with articles in raw."""
    rows = con.execute("select content_sha256, min(extractor_version) from raw.articles group by 1").fetchall()
    return dict(rows)


def read_build_version(con: duckdb.DuckDBPyConnection) -> str | None:
    row = con.execute("select build_version from raw.validation_run limit 1").fetchone()
    return row[0] if row else None


def withdraw_facts(con: duckdb.DuckDBPyConnection, digests: set[str]) -> pl.DataFrame:
    """Delete every raw fact of the contents in ``digests``, in bulk; returns the withdrawn article ids."""
    gone = pl.DataFrame({"content_sha256": sorted(digests)}, schema={"content_sha256": pl.String}).to_arrow()  # noqa: F841
    withdrawn = con.sql(
        "select article_id from raw.articles where content_sha256 in (select content_sha256 from gone)"
    ).pl()
    if withdrawn.height:
        ids = withdrawn.to_arrow()  # noqa: F841 - read by DuckDB by name
        for name in RAW_TABLES:
            con.execute(f"delete from raw.{name} where article_id in (select article_id from ids)")
    return withdrawn


def append_facts(con: duckdb.DuckDBPyConnection, frames: dict[str, pl.DataFrame]) -> None:
    """Append one batch of facts to the raw tables, each through Arrow in one statement."""
    for name in RAW_TABLES:
        frame = frames.get(name)
        if frame is not None and frame.height:
            arrow = frame.select(list(RAW_TABLES[name])).to_arrow()  # noqa: F841 - read by DuckDB by name
            con.execute(f"insert into raw.{name} by name select * from arrow")


def replace_state(con: duckdb.DuckDBPyConnection, name: str, frame: pl.DataFrame) -> None:
    """Replace the rows of ``raw.<name>`` (a state table) with ``frame``."""
    arrow = frame.select(list(RAW_STATE_TABLES[name])).to_arrow()  # noqa: F841 - read by DuckDB by name
    con.execute(f"delete from raw.{name}")
    con.execute(f"insert into raw.{name} by name select * from arrow")


def assign_source_files(con: duckdb.DuckDBPyConnection) -> pl.DataFrame:
    """Each article's ``source_file`` is the first present file (by path) holding its content; returns
    the ``article_id`` of the articles whose file changed (renamed or moved), for the marts to rebuild."""
    return con.sql(
        """update raw.articles a set source_file = s.source_file
           from (select content_sha256, min(source_file) as source_file from raw.sources
                 where status = 'loaded' group by 1) s
           where a.content_sha256 = s.content_sha256 and a.source_file <> s.source_file
           returning a.article_id"""
    ).pl()


def append_audit(con: duckdb.DuckDBPyConnection, table: str, frame: pl.DataFrame) -> None:
    """Append rows to ``audit.<table>``, columns in the order ``AUDIT_TABLES`` gives."""
    columns = list(AUDIT_TABLES[table])
    arrow = frame.select(columns).to_arrow()  # noqa: F841 - read by DuckDB by name
    con.execute(f"insert into audit.{table} by name select * from arrow")


KEEP_BACKUPS = 3


def backups_dir(published: Path) -> Path:
    return published.parent / "backups"


def list_backups(published: Path) -> list[Path]:
    """Kept earlier versions of the published warehouse, oldest first (names sort by time)."""
    return sorted(backups_dir(published).glob(f"*-{published.name}"))


def publish(build: Path, published: Path, keep_backups: int = KEEP_BACKUPS) -> Path | None:
    """Atomically replace the published warehouse with the finished build; returns the backup.

    The version being replaced is kept under ``backups/`` as a hard link (no copy: the rename
    leaves the old file's data to the link), at most ``keep_backups`` of them; ``pressfacts
    restore`` brings one back.
    """
    con = duckdb.connect(str(build))
    try:
        con.execute("checkpoint")
    finally:
        con.close()
    backup = None
    if published.exists() and keep_backups > 0:
        folder = backups_dir(published)
        folder.mkdir(parents=True, exist_ok=True)
        stamp = time.strftime("%Y%m%dT%H%M%SZ", time.gmtime(published.stat().st_mtime))
        backup = folder / f"{stamp}-{published.name}"
        backup.unlink(missing_ok=True)
        try:
            os.link(published, backup)
        except OSError:  # a file system without hard links: pay for a copy
            shutil.copyfile(published, backup)
    stale_wal = wal_path(published)
    if stale_wal.exists():
        # a crashed client's log, replayed into the build by start_build: it belongs to the version
        # being replaced (kept with its backup) and would make the new file unreadable to everyone
        if backup is not None:
            os.replace(stale_wal, wal_path(backup))
        else:
            stale_wal.unlink(missing_ok=True)
    os.replace(build, published)
    _owner_path(build).unlink(missing_ok=True)
    for old in list_backups(published)[: -keep_backups or None] if keep_backups else []:
        old.unlink(missing_ok=True)
        wal_path(old).unlink(missing_ok=True)
    return backup


def restore_backup(published: Path, backup: Path) -> None:
    """Publish a copy of ``backup`` (under the writer lock, atomically, keeping the backup itself)."""
    with warehouse_lock(published):
        staging = build_path(published, "restore")
        shutil.copyfile(backup, staging)
        os.replace(staging, published)


KEEP_FAILED_BUILDS = 5
# kept failed builds (each a full copy of the warehouse) stay within both: this many bytes, and this
# share of the space the file system has for them (free space plus what they hold already)
KEEP_FAILED_BYTES = int(os.environ.get("PRESSFACTS_FAILED_BUILDS_BYTES", str(10 * 1024**3)))
KEEP_FAILED_DISK_SHARE = float(os.environ.get("PRESSFACTS_FAILED_BUILDS_DISK_SHARE", "0.1"))


def _size(path: Path) -> int:
    try:
        return path.stat().st_size + (wal_path(path).stat().st_size if wal_path(path).exists() else 0)
    except OSError:
        return 0


def discard_build(
    build: Path,
    keep_as: Path | None = None,
    keep_last: int = KEEP_FAILED_BUILDS,
    max_bytes: int | None = None,
    max_disk_share: float | None = None,
) -> None:
    """Remove a failed build, or keep it at ``keep_as`` for inspection.

    The kept builds in that folder stay within a budget, newest first: at most ``keep_last`` of
    them, at most ``max_bytes`` in all (:data:`KEEP_FAILED_BYTES`) and at most ``max_disk_share``
    (:data:`KEEP_FAILED_DISK_SHARE`) of the file system's free space plus what they hold. A build
    that alone is over the budget is not kept either.
    """
    wal = wal_path(build)
    _owner_path(build).unlink(missing_ok=True)
    if keep_as is not None and build.exists():
        keep_as.parent.mkdir(parents=True, exist_ok=True)
        os.replace(build, keep_as)
        if wal.exists():
            os.replace(wal, wal_path(keep_as))
        kept = sorted(keep_as.parent.glob("*.duckdb"), reverse=True)  # run ids sort by time: newest first
        sizes = [_size(p) for p in kept]
        budget = KEEP_FAILED_BYTES if max_bytes is None else max_bytes
        share = KEEP_FAILED_DISK_SHARE if max_disk_share is None else max_disk_share
        budget = min(budget, int(share * (shutil.disk_usage(keep_as.parent).free + sum(sizes))))
        total = 0
        for n, (old, size) in enumerate(zip(kept, sizes, strict=True)):
            total += size
            if n >= keep_last or total > budget:
                old.unlink(missing_ok=True)
                wal_path(old).unlink(missing_ok=True)
        return
    build.unlink(missing_ok=True)
    wal.unlink(missing_ok=True)
