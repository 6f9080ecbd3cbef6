"""The transform step: the real ``dbt build`` of ``dbt_project/`` over the warehouse file.

dbt runs in-process through :class:`dbt.cli.main.dbtRunner` (no interpreter start-up, no
subprocess). Its target and log folders go to a build folder outside the git tree, so parallel
runs and tests leave the checkout clean. Any failing model, seed, data test or unit test raises
:class:`DbtBuildError`: a dbt failure fails the flow.

The caller must have closed its own DuckDB connection to the warehouse first: DuckDB lets one
process hold a read-write file at a time, and dbt opens its own.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb
from dbt.cli.main import dbtRunner, dbtRunnerResult

DBT_PROJECT_DIR = Path(__file__).resolve().parents[2] / "dbt_project"
WAREHOUSE_ENV_VAR = "PRESSFACTS_WAREHOUSE"  # read by dbt_project/profiles.yml

# What an incremental build runs: the tables fed by the raw facts (rebuilt, or for the marts keyed
# by article, only the changed articles' rows) and every data test downstream of the raw facts. The
# rest is the last build's and cannot have changed, since the caller full-refreshes whenever the dbt
# project, seeds, suites or extractor did: the seeds, the tables made of seeds alone (dim_countries,
# the place names), and the views (a view is its SQL; the SQL is the same, and so are its rows' inputs
# but the raw facts, which it reads when queried). Unit tests test the SQL alone.
INCREMENTAL_SELECTION = (
    "source:raw+,config.materialized:incremental",
    "source:raw+,config.materialized:table",
    "source:raw+,resource_type:test",
)

# Statuses of a node result that mean the build failed (skipped: an upstream node failed).
_FAILED_STATUSES = frozenset({"error", "fail", "runtime error", "skipped"})

# dbt keeps process-wide state (flags, adapters, env): one invocation at a time per process.
_DBT_LOCK = threading.Lock()


class DbtBuildError(RuntimeError):
    """dbt could not build the project, or a model, seed or test failed; the text lists them."""


@dataclass(frozen=True)
class DbtBuildResult:
    """What one successful ``dbt build`` did.

    ``nodes`` counts results by resource type (model, seed, test, unit_test); ``statuses`` by
    status (success, pass, warn); ``warnings`` names every test that warned, with its message.
    """

    nodes: dict[str, int]
    statuses: dict[str, int]
    elapsed_seconds: float
    warnings: list[str] = field(default_factory=list)


def default_build_dir(warehouse: Path, project_dir: Path = DBT_PROJECT_DIR) -> Path:
    """A writable folder outside the git tree for dbt's target/ and logs/, one per project and warehouse.

    Keyed by both paths so parallel test runs on different warehouses never share a target folder,
    while repeated runs on one warehouse reuse dbt's partial-parse cache.
    """
    key = f"{project_dir.resolve()}\x1f{warehouse.resolve()}"
    digest = hashlib.sha256(key.encode("utf-8")).hexdigest()[:12]
    return Path(tempfile.gettempdir()) / "pressfacts-dbt" / digest


def run_dbt_build(
    warehouse: Path,
    *,
    project_dir: Path = DBT_PROJECT_DIR,
    build_dir: Path | None = None,
    full_refresh: bool = False,
) -> DbtBuildResult:
    """Run ``dbt build`` (seeds, models, data tests, unit tests) against the DuckDB file ``warehouse``.

    With ``full_refresh`` (``--full-refresh``) every seed is reloaded, every mart rebuilt and every
    row tested. Without it the build is incremental: the marts keyed by article delete and rebuild
    only the articles listed in ``raw.changed_articles`` (inserted or withdrawn by this run), their
    data tests check only those rows (plus the keys they could collide with), the other tables fed by
    the raw facts are rebuilt whole, and nothing else runs (:data:`INCREMENTAL_SELECTION`). That is
    exact only if the dbt project, its seeds, the validation suites and the extractor are those of
    the warehouse's last build: the caller must pass ``full_refresh=True`` whenever any of them
    changed. A warehouse missing any seed or model (a first build) is built in full whatever
    ``full_refresh`` says.

    No dbt vars change between runs, so dbt's partial parsing holds when ``build_dir`` is reused.
    Raises :class:`DbtBuildError` naming every failed node and its message when anything fails;
    returns node counts and wall time otherwise.
    """
    build_dir = build_dir or default_build_dir(warehouse, project_dir)
    args = ["build", *_common_args(project_dir, build_dir)]
    if full_refresh or not _has_every_seed_and_model(warehouse, project_dir):
        args.append("--full-refresh")
    else:
        # no manifest.json / run_results.json (~0.3 s): results are read from the invocation, and the
        # docs, which read the manifest, are rebuilt only after a full build
        args += ["--no-write-json", "--select", *INCREMENTAL_SELECTION, "--exclude", "resource_type:unit_test"]
    started = time.perf_counter()
    outcome = _invoke(args, warehouse)
    elapsed = time.perf_counter() - started
    results = _node_results(outcome)
    failures = [r for r in results if str(r.status) in _FAILED_STATUSES]
    if not outcome.success or failures:
        raise DbtBuildError(_describe_failure(outcome, failures))
    return DbtBuildResult(
        nodes=dict(Counter(str(r.node.resource_type) for r in results)),
        statuses=dict(Counter(str(r.status) for r in results)),
        elapsed_seconds=round(elapsed, 3),
        warnings=[f"{r.node.unique_id}: {r.message}" for r in results if str(r.status) == "warn"],
    )


def _has_every_seed_and_model(warehouse: Path, project_dir: Path) -> bool:
    """True when ``warehouse`` holds a table or view for every seed CSV and every model of the project
    (an incremental build reuses the seeds, the views and the seed-only tables as they are).

    The schema names are the folders' ``+schema`` in dbt_project.yml (generate_schema_name uses
    them as they are: models/<folder>/ -> <folder>). Opens the file read-only and closes it before
    dbt opens it.
    """
    if not Path(warehouse).exists():
        return False
    wanted = {("reference", p.stem) for p in (project_dir / "seeds").glob("*.csv")}
    wanted |= {(p.parent.name, p.stem) for p in (project_dir / "models").glob("*/*.sql")}
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        present = set(
            con.execute(
                "select schema_name, table_name from duckdb_tables() "
                "union all select schema_name, view_name from duckdb_views() where not internal"
            ).fetchall()
        )
    finally:
        con.close()
    return wanted <= present


def run_dbt_parse(project_dir: Path = DBT_PROJECT_DIR, build_dir: Path | None = None) -> None:
    """Parse the project without touching any database; raises :class:`DbtBuildError` on any error.

    Warnings are errors here, and dbt's JSON-schema check of the YAML files is switched on (dbt
    1.11 runs it only for a few adapters, not duckdb), so a misspelled property such as
    ``descripton`` or a deprecated syntax fails the parse instead of being silently ignored.
    """
    build_dir = build_dir or Path(tempfile.mkdtemp(prefix="pressfacts-dbt-parse-"))
    args = ["--warn-error", "parse", "--no-partial-parse", *_common_args(project_dir, build_dir)]
    with _yaml_schema_checks_for_duckdb():
        outcome = _invoke(args, Path(build_dir) / "parse-only.duckdb")
    if not outcome.success:
        raise DbtBuildError(_describe_failure(outcome, []))


@contextmanager
def _yaml_schema_checks_for_duckdb() -> Iterator[None]:
    """Let dbt validate YAML against its bundled JSON schemas for duckdb too, for one invocation."""
    from dbt.jsonschemas import jsonschemas

    supported = getattr(jsonschemas, "_JSONSCHEMA_SUPPORTED_ADAPTERS", None)
    if not isinstance(supported, set):  # a later dbt may check every adapter, or work differently
        yield
        return
    jsonschemas._JSONSCHEMA_SUPPORTED_ADAPTERS = supported | {"duckdb"}
    try:
        yield
    finally:
        jsonschemas._JSONSCHEMA_SUPPORTED_ADAPTERS = supported


def run_dbt_docs(
    warehouse: Path,
    out_dir: Path,
    *,
    project_dir: Path = DBT_PROJECT_DIR,
    build_dir: Path | None = None,
    compile: bool = True,
) -> Path:
    """Generate the dbt docs site for ``warehouse`` into ``out_dir``; returns the page to open.

    The page is dbt's ``static_index.html`` (manifest and catalog inlined, so it opens from disk
    without a server); ``index.html``, ``manifest.json`` and ``catalog.json`` are copied beside it.
    ``compile=False`` reuses the compiled SQL of the manifest a full ``dbt build`` just left in
    ``build_dir`` (~2 s saved); only the catalog is read from the warehouse.
    """
    build_dir = build_dir or default_build_dir(warehouse, project_dir)
    args = ["docs", "generate", "--static", *([] if compile else ["--no-compile"])]
    args += _common_args(project_dir, build_dir)
    outcome = _invoke(args, warehouse)
    if not outcome.success:
        raise DbtBuildError(_describe_failure(outcome, []))
    out_dir.mkdir(parents=True, exist_ok=True)
    target = build_dir / "target"
    for name in ("static_index.html", "index.html", "manifest.json", "catalog.json"):
        if (target / name).exists():
            shutil.copy2(target / name, out_dir / name)
    return out_dir / "static_index.html"


def _common_args(project_dir: Path, build_dir: Path) -> list[str]:
    """The flags every invocation shares: project, profile, writable target/log folders, no network."""
    return [
        "--project-dir",
        str(project_dir),
        "--profiles-dir",
        str(project_dir),
        "--target-path",
        str(build_dir / "target"),
        "--log-path",
        str(build_dir / "logs"),
        "--no-send-anonymous-usage-stats",
        "--no-use-colors",
        "--log-level",
        "warn",
    ]


# DuckDB names the database after the file; dbt-duckdb writes that name into SQL string literals
# unescaped ("where lower(catalog_name) = '"o'brien"'"), so a name outside these characters fails
_SAFE_DATABASE_NAME = re.compile(r"[A-Za-z0-9_.-]+")


@contextmanager
def _warehouse_env(warehouse: Path) -> Iterator[None]:
    """Point profiles.yml at ``warehouse`` for the duration of one invocation, then restore the env.

    A file whose name dbt-duckdb cannot quote (an apostrophe, a space...) is reached through a
    hard link with a plain name beside it (dbt-duckdb resolves symbolic links; the folder's path
    may hold anything: it is never written into SQL). DuckDB closes, and so checkpoints, the file
    before the link goes.
    """
    previous = os.environ.get(WAREHOUSE_ENV_VAR)
    real = Path(warehouse).resolve()
    path = real
    if not _SAFE_DATABASE_NAME.fullmatch(real.name) and real.exists():
        path = real.with_name(f".pressfacts.duckdb.dbt-{os.getpid()}-{threading.get_ident()}")
        path.unlink(missing_ok=True)
        os.link(real, path)
    os.environ[WAREHOUSE_ENV_VAR] = str(path)
    try:
        yield
    finally:
        if previous is None:
            os.environ.pop(WAREHOUSE_ENV_VAR, None)
        else:
            os.environ[WAREHOUSE_ENV_VAR] = previous
        if path != real:
            link_wal = path.with_name(path.name + ".wal")
            if link_wal.exists():  # not checkpointed (DuckDB was not closed): the log goes with the file
                os.replace(link_wal, real.with_name(real.name + ".wal"))
            path.unlink(missing_ok=True)


def _invoke(args: list[str], warehouse: Path) -> dbtRunnerResult:
    """One dbt invocation, serialised, with the warehouse file released afterwards."""
    with _DBT_LOCK, _warehouse_env(warehouse):
        try:
            return dbtRunner().invoke(args)
        finally:
            _release_duckdb()


def _release_duckdb() -> None:
    """Close dbt-duckdb's process-wide DuckDB handle so the caller can reopen the file at once."""
    from dbt.adapters.duckdb.connections import DuckDBConnectionManager

    env = DuckDBConnectionManager._ENV  # private, but the only handle on the open database
    if env is not None:
        env.close()
    DuckDBConnectionManager.close_all_connections()


def _node_results(outcome: dbtRunnerResult) -> list[Any]:
    """The per-node results of a build, or [] when dbt stopped before running nodes."""
    return list(getattr(outcome.result, "results", None) or [])


def _describe_failure(outcome: dbtRunnerResult, failures: list[Any]) -> str:
    """A message naming each failed node with dbt's own message, or dbt's exception."""
    lines = [f"dbt {'failed' if failures else 'did not complete'}:"]
    for r in failures:
        lines.append(f"  [{r.status}] {r.node.unique_id}: {(r.message or '').strip()}")
    if outcome.exception is not None:
        lines.append(f"  {type(outcome.exception).__name__}: {outcome.exception}")
    if len(lines) == 1:
        lines.append("  no node failed but dbt reported failure; see the dbt log")
    return "\n".join(lines)
