"""The ``pressfacts`` command line.

    pressfacts [--version] [--quiet] COMMAND
    pressfacts run [--source DIR] [--warehouse FILE] [--docs DIR] [--full-refresh] [--allow-removals]
    pressfacts serve [--source DIR] [--warehouse FILE] [--cron EXPR] [--allow-removals]
    pressfacts status [--warehouse FILE]
    pressfacts restore [--warehouse FILE] [--list | --backup FILE]
    pressfacts export --format parquet|csv --out DIR [--warehouse FILE]
    pressfacts report [--out FILE] [--warehouse FILE]

Exit status 0 when the run published the warehouse, 1 when it failed (the
published warehouse is then unchanged), 2 on a usage error.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

from flows import __version__, interrupts
from flows.settings import DEFAULT_SOURCE, DEFAULT_WAREHOUSE, configure_prefect
from flows.summary import format_summary


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="pressfacts", description="Humanitarian press releases -> a DuckDB warehouse")
    parser.add_argument("--version", action="version", version=f"pressfacts {__version__}")
    parser.add_argument("--quiet", "-q", action="store_true", help="print only warnings, errors and one summary line")
    sub = parser.add_subparsers(dest="command", required=True)

    def warehouse_arg(p: argparse.ArgumentParser, help_text: str) -> None:
        p.add_argument("--warehouse", type=Path, default=DEFAULT_WAREHOUSE, help=help_text)

    def flow_args(p: argparse.ArgumentParser, source_help: str) -> None:
        p.add_argument("--source", type=Path, default=DEFAULT_SOURCE, help=source_help)
        warehouse_arg(p, "DuckDB file to publish")
        p.add_argument("--docs", type=Path, default=None, help="Data Docs folder (default: <warehouse dir>/docs)")

    run = sub.add_parser("run", help="run the whole flow on a folder of raw pages and publish the warehouse")
    flow_args(run, "folder of raw pages (default: the bundled sample)")
    run.add_argument("--full-refresh", action="store_true", help="re-extract every file, changed or not")
    removals_help = "withdraw the facts of removed files even when that empties most of the warehouse"
    run.add_argument("--allow-removals", action="store_true", help=removals_help)
    serve = sub.add_parser("serve", help="run the flow on a schedule over a landing folder (Prefect deployment)")
    flow_args(serve, "landing folder to watch (default: the bundled sample)")
    serve.add_argument("--cron", default=None, help="cron schedule (default: $PRESSFACTS_CRON, else hourly)")
    serve.add_argument("--allow-removals", action="store_true", help=removals_help)
    status = sub.add_parser("status", help="the last run, its outcome, what the marts hold, where the docs are")
    warehouse_arg(status, "DuckDB file to read (opened read-only)")
    restore = sub.add_parser("restore", help="publish a kept earlier version of the warehouse (default: the newest)")
    warehouse_arg(restore, "the published DuckDB file")
    which = restore.add_mutually_exclusive_group()
    which.add_argument("--list", action="store_true", help="list the kept versions, oldest first")
    which.add_argument("--backup", type=Path, default=None, help="the kept version to publish")
    export = sub.add_parser("export", help="write every mart as Parquet or CSV (with an HXL hashtag row)")
    export.add_argument("--format", choices=("parquet", "csv"), default="parquet")
    export.add_argument("--out", type=Path, required=True, help="folder to write the files into")
    warehouse_arg(export, "DuckDB file to read (opened read-only)")
    report = sub.add_parser("report", help="write a static HTML overview with charts")
    report.add_argument("--out", type=Path, default=None, help="HTML file (default: <warehouse dir>/report.html)")
    warehouse_arg(report, "DuckDB file to read (opened read-only)")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    if args.quiet:
        os.environ["PREFECT_LOGGING_LEVEL"] = "WARNING"
    commands = {
        "run": _run,
        "serve": _serve,
        "export": _export,
        "report": _report,
        "status": _status,
        "restore": _restore,
    }
    return commands[args.command](args)


def _status(args: argparse.Namespace) -> int:
    from flows.store.runs import read_status

    try:
        print(read_status(args.warehouse.resolve()))
    except FileNotFoundError as exc:
        print(f"pressfacts: {exc}", file=sys.stderr)
        return 1
    return 0


def _restore(args: argparse.Namespace) -> int:
    from flows.store.build import list_backups, restore_backup

    warehouse = args.warehouse.resolve()
    kept = list_backups(warehouse)
    if args.list:
        print("\n".join(str(p) for p in kept) if kept else f"no kept versions of {warehouse}")
        return 0
    backup = args.backup.resolve() if args.backup else (kept[-1] if kept else None)
    if backup is None or not backup.is_file():
        print(
            f"pressfacts: no kept version to restore ({backup or 'none in ' + str(warehouse.parent / 'backups')})",
            file=sys.stderr,
        )
        return 1
    try:
        restore_backup(warehouse, backup)
    except RuntimeError as exc:  # another run holds the writer lock
        print(f"pressfacts: {exc}", file=sys.stderr)
        return 1
    print(f"pressfacts: published {backup} as {warehouse}")
    return 0


def _serve(args: argparse.Namespace) -> int:
    if not args.source.is_dir():
        print(f"pressfacts: landing folder {args.source} does not exist or is not a folder", file=sys.stderr)
        return 2
    configure_prefect()
    from flows.runners import start_local_server
    from flows.schedule import DEFAULT_CRON, cancel_orphaned_runs, serve

    if not os.environ.get("PREFECT_API_URL"):  # scheduled runs need a server that outlives each run
        try:
            os.environ["PREFECT_API_URL"] = start_local_server(Path(os.environ["PREFECT_HOME"]))
        except RuntimeError as exc:
            print(f"pressfacts: {exc}", file=sys.stderr)
            return 1
    api = os.environ["PREFECT_API_URL"]
    docs = args.docs or args.warehouse.parent / "docs"
    cron = args.cron or DEFAULT_CRON
    print(f"pressfacts: serving {args.source} -> {args.warehouse} on cron '{cron}' (Ctrl-C to stop)")
    print(f"pressfacts: Prefect API {api}; UI {api.removesuffix('/api')} (runs, logs and summaries)")
    for run_id in cancel_orphaned_runs(args.warehouse):
        print(f"pressfacts: cancelled run {run_id}, left unfinished by an interrupted serve")
    try:
        serve(args.source, args.warehouse, docs, cron, allow_removals=args.allow_removals)
    except KeyboardInterrupt:
        pass
    finally:  # the run Prefect's runner was executing when interrupted would otherwise stay Running
        cancel_orphaned_runs(args.warehouse)
    print("pressfacts: stopped serving; the published warehouse is as the last finished run left it")
    return 0


def _export(args: argparse.Namespace) -> int:
    from flows.serve.export import export_marts

    try:
        paths = export_marts(args.warehouse, args.out, args.format)
    except Exception as exc:  # noqa: BLE001 - say what went wrong, exit non-zero
        print(f"pressfacts: export failed: {exc}", file=sys.stderr)
        return 1
    for path in paths:
        print(path)
    return 0


def _report(args: argparse.Namespace) -> int:
    from flows.serve.report import write_report

    out = args.out or args.warehouse.parent / "report.html"
    try:
        path = write_report(args.warehouse, out)
    except Exception as exc:  # noqa: BLE001 - say what went wrong, exit non-zero
        print(f"pressfacts: report failed: {exc}", file=sys.stderr)
        return 1
    print(path)
    return 0


def _run(args: argparse.Namespace) -> int:
    if not args.source.is_dir():
        print(f"pressfacts: source folder {args.source} does not exist or is not a folder", file=sys.stderr)
        return 2
    configure_prefect()
    try:
        from flows.runners import start_api_server, task_runner_kind, worker_count

        if task_runner_kind() == "dask":
            worker_count()  # a bad setting fails here, before any server starts
    except ValueError as exc:
        print(f"pressfacts: {exc}", file=sys.stderr)
        return 2
    # a temporary Prefect server takes seconds to start: the imports the run needs happen meanwhile
    api = start_api_server()
    from flows import flow

    if api.starting is not None:
        flow.import_later_stages()

    warehouse = args.warehouse.resolve()
    docs = (args.docs or warehouse.parent / "docs").resolve()
    began = time.perf_counter()
    try:
        from prefect.settings import PREFECT_API_URL, temporary_settings

        # a server that a Ctrl-C in the terminal does not kill mid-run; Prefect read its settings when
        # imported, so it is told here too, not only through the environment (which workers inherit)
        with interrupts.handled(), temporary_settings(updates={PREFECT_API_URL: api.wait()}):
            summary = flow.pressfacts_flow(
                args.source.resolve(),
                warehouse,
                docs,
                full_refresh=args.full_refresh,
                allow_removals=args.allow_removals,
            )
    except Exception as exc:
        if interrupts.received() is None:  # the flow logged the details; say it plainly and fail
            print(f"pressfacts: run failed: {exc}", file=sys.stderr)
            print(f"pressfacts: the published warehouse {warehouse} is unchanged", file=sys.stderr)
            return 1
        return _interrupted(flow.CURRENT_FLOW_RUN_ID, warehouse)  # the signal reached us as a query's error
    except KeyboardInterrupt:
        return _interrupted(flow.CURRENT_FLOW_RUN_ID, warehouse)
    text = format_summary(summary, time.perf_counter() - began)
    print(text.splitlines()[0] if args.quiet else text)
    return 0


def _interrupted(flow_run_id: str | None, warehouse: Path) -> int:
    _mark_cancelled(flow_run_id)
    print(f"pressfacts: interrupted; the published warehouse {warehouse} is unchanged", file=sys.stderr)
    return 130


def _mark_cancelled(flow_run_id: str | None) -> None:
    """An interrupted run is Cancelled on the server, not left Running (which would hold the
    deployment's concurrency slot); best effort: the server may be gone too."""
    if flow_run_id is None:
        return
    try:
        from prefect.client.orchestration import get_client
        from prefect.states import Cancelled

        with get_client(sync_client=True) as client:
            client.set_flow_run_state(flow_run_id, Cancelled(message="interrupted (Ctrl-C or SIGTERM)"), force=True)
    except Exception:  # noqa: BLE001 - the run is over either way
        pass


if __name__ == "__main__":
    sys.exit(main())
