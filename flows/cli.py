"""The ``pressfacts`` command line.

    pressfacts run [--source DIR] [--warehouse FILE]

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
    parser = argparse.ArgumentParser(
        prog="pressfacts", description="Humanitarian press releases -> a DuckDB warehouse"
    )
    sub = parser.add_subparsers(dest="command", required=True)
    run = sub.add_parser("run", help="run the whole flow on a folder of raw pages and publish the warehouse")
    run.add_argument(
        "--source", type=Path, default=DEFAULT_SOURCE, help="folder of raw pages (default: bundled sample)"
    )
    run.add_argument("--warehouse", type=Path, default=DEFAULT_WAREHOUSE, help="DuckDB file to publish")
    run.add_argument(
        "--docs", type=Path, default=None, help="where to write Data Docs (default: <warehouse dir>/docs)"
    )
    return parser


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    if args.command == "run":
        return _run(args)
    return 2


def _run(args: argparse.Namespace) -> int:
    if not args.source.is_dir():
        print(f"pressfacts: source folder {args.source} does not exist or is not a folder", file=sys.stderr)
        return 2
    configure_prefect()
    from flows.pipeline import pressfacts_flow

    warehouse = args.warehouse.resolve()
    docs = (args.docs or warehouse.parent / "docs").resolve()
    began = time.perf_counter()
    try:
        summary = pressfacts_flow(args.source.resolve(), warehouse, docs)
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
