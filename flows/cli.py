"""The ``pressfacts`` command line.

    pressfacts run [--source DIR] [--warehouse FILE] [--docs DIR] [--full-refresh]
    pressfacts serve [--source DIR] [--warehouse FILE] [--cron EXPR]
    pressfacts export --format parquet|csv --out DIR [--warehouse FILE]
    pressfacts report [--out FILE] [--warehouse FILE]

Exit status 0 when the run published the warehouse, 1 when it failed (the
published warehouse is then unchanged), 2 on a usage error.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from flows.settings import DEFAULT_SOURCE, DEFAULT_WAREHOUSE, configure_prefect


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="pressfacts", description="Humanitarian press releases -> a DuckDB warehouse")
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
    serve = sub.add_parser("serve", help="run the flow on a schedule over a landing folder (Prefect deployment)")
    flow_args(serve, "landing folder to watch (default: the bundled sample)")
    serve.add_argument("--cron", default=None, help="cron schedule (default: $PRESSFACTS_CRON, else hourly)")
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
    commands = {"run": _run, "serve": _serve, "export": _export, "report": _report}
    return commands[args.command](args)


def _serve(args: argparse.Namespace) -> int:
    if not args.source.is_dir():
        print(f"pressfacts: landing folder {args.source} does not exist or is not a folder", file=sys.stderr)
        return 2
    configure_prefect()
    from flows.schedule import DEFAULT_CRON, serve

    docs = args.docs or args.warehouse.parent / "docs"
    cron = args.cron or DEFAULT_CRON
    print(f"pressfacts: serving {args.source} -> {args.warehouse} on cron '{cron}' (Ctrl-C to stop)")
    serve(args.source, args.warehouse, docs, cron)
    return 0


def _export(args: argparse.Namespace) -> int:
    from flows.export import export_marts

    try:
        paths = export_marts(args.warehouse, args.out, args.format)
    except Exception as exc:  # noqa: BLE001 - say what went wrong, exit non-zero
        print(f"pressfacts: export failed: {exc}", file=sys.stderr)
        return 1
    for path in paths:
        print(path)
    return 0


def _report(args: argparse.Namespace) -> int:
    from flows.report import write_report

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
        from flows.parallel import ensure_api_server, task_runner_kind, worker_count

        if task_runner_kind() == "dask":
            worker_count()  # a bad setting fails here, before any server starts
            ensure_api_server()
        from flows.pipeline import pressfacts_flow
    except ValueError as exc:
        print(f"pressfacts: {exc}", file=sys.stderr)
        return 2

    warehouse = args.warehouse.resolve()
    docs = (args.docs or warehouse.parent / "docs").resolve()
    began = time.perf_counter()
    try:
        summary = pressfacts_flow(args.source.resolve(), warehouse, docs, full_refresh=args.full_refresh)
    except Exception as exc:  # the flow logged the details; say it plainly and fail
        print(f"pressfacts: run failed: {exc}", file=sys.stderr)
        print(f"pressfacts: the published warehouse {warehouse} is unchanged", file=sys.stderr)
        return 1
    print(format_summary(summary, time.perf_counter() - began))
    return 0


def format_summary(summary, seconds: float) -> str:
    """The few lines a person wants after a run."""
    f = summary.facts
    lines = [
        f"pressfacts run {summary.run_id}: {summary.status} in {seconds:.1f} s",
        f"  files     {summary.files_seen} seen: {summary.files_loaded} loaded, {summary.files_unchanged} unchanged, "
        f"{summary.files_ignored} ignored, {summary.files_failed} failed; {summary.files_removed} removed",
        f"  articles  {summary.articles} read this run, {f.get('dim_articles', 0)} in the warehouse",
        f"  facts     {f.get('fct_counts', 0)} counts, {f.get('fct_country_mentions', 0)} country mentions, "
        f"{f.get('fct_funding_mentions', 0)} funding mentions, {f.get('fct_events', 0)} events",
        f"  checks    {summary.validation}",
        f"  warehouse {summary.warehouse}",
    ]
    if summary.docs_dir is not None:
        lines.append(f"  docs      {summary.docs_dir / 'index.html'}")
    if summary.refused:
        lines.append("  not loaded:")
        lines.extend(f"    {name}: {status}: {reason}" for name, status, reason in summary.refused)
    return "\n".join(lines)


def format_markdown(summary) -> str:
    """The run summary as markdown, for the Prefect UI."""
    f = summary.facts
    rows = [
        ("status", summary.status),
        ("files seen", summary.files_seen),
        ("loaded / unchanged / ignored / failed / removed",
         f"{summary.files_loaded} / {summary.files_unchanged} / {summary.files_ignored} / "
         f"{summary.files_failed} / {summary.files_removed}"),
        ("articles read this run", summary.articles),
        ("articles in the warehouse", f.get("dim_articles", 0)),
        ("counts", f.get("fct_counts", 0)),
        ("country mentions", f.get("fct_country_mentions", 0)),
        ("funding mentions", f.get("fct_funding_mentions", 0)),
        ("events", f.get("fct_events", 0)),
        ("validation", summary.validation),
        ("warehouse", summary.warehouse),
        ("docs", summary.docs_dir / "index.html" if summary.docs_dir else "not built"),
    ]  # fmt: skip
    out = [f"# pressfacts run {summary.run_id}", "", "| measure | value |", "| --- | --- |"]
    out += [f"| {k} | {v} |" for k, v in rows]
    if summary.top_countries:
        out += [
            "",
            "## Top countries (articles mentioning them)",
            "",
            "| country | articles |",
            "| --- | --- |",
        ]
        out += [f"| {c} | {n} |" for c, n in summary.top_countries]
    if summary.refused:
        out += ["", "## Files not loaded", "", "| file | status | reason |", "| --- | --- | --- |"]
        out += [f"| {name} | {status} | {reason} |" for name, status, reason in summary.refused]
    return "\n".join(out) + "\n"


if __name__ == "__main__":
    sys.exit(main())
