"""Benchmark the whole flow at archive scale: ``python -m tools.bench --sizes 1000,10000 --out FILE``.

For each size a synthetic corpus (``tools.generate``, cached by size, seed and
generator code) is run through the real flow in a fresh Python process, so
imports, Prefect's server start-up and memory are measured as a user meets
them. Then one new page is added to the largest corpus and the flow runs again
on the same warehouse ("incremental"; labelled "full re-run" when the pipeline
re-read every file).

Before the sizes, the bundled sample (``flows/sample_pages``, what ``make run``
processes) is run cold into a fresh warehouse ("sample"); after every size of
:data:`INCREMENTAL_FROM` pages or more (and after the largest) comes the
one-new-page run on that size's warehouse. A cold size's "marginal pages/s" is
what the pages beyond the previous cold size cost: fixed costs cancel out.

Stage times come from ``RunSummary.timings`` (seconds per stage, laps taken in
the flow); "prefect+other" is the flow's wall time minus those stages (Prefect
start-up, task orchestration, anything untimed). Writes JSON and prints two
markdown tables: every run, and the goals of issue 14 (:data:`GOALS`) against
what this report measured. Timings on a shared machine are noisy: the load
average is kept with each run.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import platform
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from flows.settings import PROJECT_DIR

DEFAULT_CACHE = Path(tempfile.gettempdir()) / "pressfacts-bench"
INCREMENTAL_FROM = 10_000  # sizes from this one up get a one-new-page run (so does the largest)
_TABLE_STAGES = ("discover", "read", "start_build", "extract", "load", "validate", "dbt", "docs", "publish")


# --- child: one run of the flow in this process -----------------------------------------------


def run_child(source: Path, warehouse: Path, result: Path) -> int:
    """Run the flow once as ``pressfacts run`` would, and write what it cost to ``result`` (JSON)."""
    began = time.perf_counter()
    from flows.settings import configure_prefect

    configure_prefect()
    from flows.runners import start_api_server

    docs = warehouse.parent / "docs"
    out: dict = {"status": "failed"}
    sampler = _MemorySampler()
    try:
        # as `pressfacts run` does it: a temporary server starts while the run's imports happen;
        # import_s is until the flow and (with a server starting) the later stages are imported,
        # prefect_server_s what was left to wait for the server after that
        api = start_api_server()
        from flows import flow

        if api.starting is not None:
            flow.import_later_stages()
        imported = time.perf_counter()
        out["import_s"] = round(imported - began, 3)
        api.wait()
        out["prefect_server_s"] = round(time.perf_counter() - imported, 3)
        imported = time.perf_counter()
        from prefect.settings import PREFECT_API_URL, temporary_settings

        with temporary_settings(updates={PREFECT_API_URL: api.url}):
            summary = flow.pressfacts_flow(source.resolve(), warehouse.resolve(), docs.resolve())
        out["status"] = summary.status
        out.update(_summary_fields(summary))
    except Exception as exc:  # the numbers up to the failure are still worth keeping
        out["message"] = f"{type(exc).__name__}: {exc}"
    finally:
        out["flow_s"] = round(time.perf_counter() - imported, 3)
        sampled = sampler.stop()
        out.update(_rusage())
        # samples 0.2 s apart can miss this process's own peak, which the kernel kept exactly
        out["peak_tree_rss_mb"] = max(sampled, out.get("peak_rss_mb") or 0.0)
        result.write_text(json.dumps(out, indent=2, default=str))
    return 0 if out["status"] == "succeeded" else 1


def _summary_fields(summary) -> dict:
    """What the benchmark keeps from a ``RunSummary`` (read defensively: fields come and go)."""
    keep = ("files_seen", "files_loaded", "files_unchanged", "files_failed", "files_ignored", "articles")
    fields = {k: getattr(summary, k) for k in keep if hasattr(summary, k)}
    fields["facts"] = dict(getattr(summary, "facts", {}) or {})
    fields["timings"] = {k: float(v) for k, v in (getattr(summary, "timings", None) or {}).items()}
    fields["extract_seconds"] = {k: float(v) for k, v in (getattr(summary, "extract_seconds", None) or {}).items()}
    fields["extract_processes"] = len(getattr(summary, "extract_processes", None) or [])
    return fields


class _MemorySampler:
    """Peak resident memory of this process and all its descendants together (the flow, its
    extraction workers, the Prefect server), sampled every 0.2 s in a background thread."""

    def __init__(self) -> None:
        import threading

        self.peak = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        import psutil

        me = psutil.Process()
        while not self._stop.is_set():
            total = 0
            for proc in [me, *me.children(recursive=True)]:
                try:
                    total += proc.memory_info().rss
                except psutil.Error:  # exited meanwhile
                    pass
            self.peak = max(self.peak, total)
            self._stop.wait(0.2)

    def stop(self) -> float:
        """Stop sampling; the peak in MiB."""
        self._stop.set()
        self._thread.join()
        return round(self.peak / 2**20, 1)


def _rusage() -> dict:
    """Peak memory and CPU time of this process and of the children it waited for (workers, servers)."""
    me = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    kb = 1 if sys.platform != "darwin" else 1024  # ru_maxrss is KiB on Linux, bytes on macOS
    return {
        "peak_rss_mb": round(me.ru_maxrss / kb / 1024, 1),
        "peak_rss_children_mb": round(kids.ru_maxrss / kb / 1024, 1),
        "cpu_s": round(me.ru_utime + me.ru_stime, 2),
        "cpu_children_s": round(kids.ru_utime + kids.ru_stime, 2),
    }


# --- parent: corpora, child processes, report --------------------------------------------------


def corpus_dir(cache: Path, pages: int, seed: int) -> Path:
    """The cached corpus of ``pages`` pages, generated once per generator code version."""
    from tools import generate

    code = hashlib.sha256(Path(generate.__file__).read_bytes()).hexdigest()[:10]
    return cache / f"corpus-{pages}-seed{seed}-{code}"


def ensure_corpus(cache: Path, pages: int, seed: int) -> tuple[Path, float | None]:
    """The corpus folder and, when it had to be generated now, how long that took."""
    from tools.generate import generate_corpus

    root = corpus_dir(cache, pages, seed)
    done = root.with_name(root.name + ".complete")  # beside the corpus, so the flow never sees it
    if done.exists():
        return root, None
    shutil.rmtree(root, ignore_errors=True)
    began = time.perf_counter()
    generate_corpus(root, pages, seed)
    done.write_text(f"{pages} pages, seed {seed}\n")
    return root, round(time.perf_counter() - began, 2)


def run_once(source: Path, warehouse: Path, work: Path, label: str) -> dict:
    """Run the flow in a fresh Python process and return its measurements plus the parent's wall time."""
    result = work / f"{label}.json"
    log = work / f"{label}.log"
    env = dict(os.environ)
    # one Prefect home for the benchmark: the user's runs and other checkouts do not share its database
    env.setdefault("PREFECT_HOME", str(work.parent / "prefect-home"))
    cmd = [
        sys.executable,
        "-m",
        "tools.bench",
        "--child",
        "--source",
        str(source),
        "--warehouse",
        str(warehouse),
    ]
    load_before = os.getloadavg()[0]
    began = time.perf_counter()
    with open(log, "w") as fh:
        proc = subprocess.run(
            [*cmd, "--result", str(result)], stdout=fh, stderr=subprocess.STDOUT, env=env, cwd=PROJECT_DIR, check=False
        )
    wall = time.perf_counter() - began
    out = json.loads(result.read_text()) if result.exists() else {"status": "crashed"}
    out.update(wall_s=round(wall, 3), exit_code=proc.returncode, log=str(log))
    out["loadavg_1m"] = [round(load_before, 2), round(os.getloadavg()[0], 2)]
    return out


def derive(run: dict, pages: int) -> dict:
    """Add stage totals, Prefect overhead and throughput to one run's measurements."""
    timings = run.get("timings") or {}
    flow_s = run.get("flow_s") or 0.0
    run["pages"] = pages
    if run.get("status") != "succeeded":  # no throughput for a run that did not finish
        run.update(stages_s=None, prefect_other_s=None, pages_per_s=None, articles_per_s=None)
        run["extract_articles_per_s"] = None
        return run
    run["stages_s"] = round(sum(timings.values()), 3)
    run["prefect_other_s"] = round(flow_s - run["stages_s"], 3) if timings else None
    run["pages_per_s"] = round(pages / run["wall_s"], 1) if run.get("wall_s") else None
    articles = run.get("articles")
    run["articles_per_s"] = round(articles / run["wall_s"], 1) if articles and run.get("wall_s") else None
    extract = timings.get("extract")
    run["extract_articles_per_s"] = round(articles / extract, 1) if articles and extract else None
    # the extract step alone, per core: articles over the seconds the workers spent extracting
    per_core = (run.get("extract_seconds") or {}).get("extract")
    run["extract_articles_per_core_s"] = round(articles / per_core, 1) if articles and per_core else None
    return run


def benchmark(
    sizes: list[int],
    out: Path,
    seed: int = 0,
    cache: Path = DEFAULT_CACHE,
    incremental: bool = True,
    sample: bool = True,
) -> dict:
    """Run the sample and every size (each followed by its one-new-page run when it is large
    enough), write ``out`` and return the report."""
    cache.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix="run-", dir=cache))
    report: dict = {
        "generated_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": {
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "platform": platform.platform(),
        },
        "seed": seed,
        "work_dir": str(work),
        "runs": [],
    }
    if sample:
        report["runs"].append(_sample(work))
    previous: dict | None = None
    for pages in sizes:
        source, gen_s = ensure_corpus(cache, pages, seed)
        warehouse = work / f"wh-{pages}" / "pressfacts.duckdb"
        warehouse.parent.mkdir(parents=True)
        run = derive(run_once(source, warehouse, work, f"full-{pages}"), pages)
        run["marginal_pages_per_s"] = marginal_rate(previous, run)
        report["runs"].append({"size": pages, "kind": "full", "corpus": str(source), "generate_s": gen_s, **run})
        previous = run
        if incremental and (pages >= INCREMENTAL_FROM or pages == sizes[-1]):
            report["runs"].append(_incremental(cache, pages, seed, warehouse, work))
    report["goals"] = goals(report)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(report, indent=2, default=str))
    return report


def _sample(work: Path) -> dict:
    """The bundled sample into a fresh warehouse: ``make run`` after set-up, every page new."""
    from flows.settings import SAMPLE_DIR

    pages = sum(1 for p in SAMPLE_DIR.rglob("*") if p.is_file() and not p.name.startswith("."))
    warehouse = work / "wh-sample" / "pressfacts.duckdb"
    warehouse.parent.mkdir(parents=True)
    run = derive(run_once(SAMPLE_DIR, warehouse, work, "sample"), pages)
    return {"size": pages, "kind": "sample", "corpus": str(SAMPLE_DIR), **run}


def marginal_rate(smaller: dict | None, larger: dict) -> float | None:
    """Pages per second of wall time that the pages beyond the smaller cold run cost."""
    if not smaller or smaller.get("status") != "succeeded" or larger.get("status") != "succeeded":
        return None
    extra_pages = larger["pages"] - smaller["pages"]
    extra_s = larger["wall_s"] - smaller["wall_s"]
    return round(extra_pages / extra_s, 1) if extra_pages > 0 and extra_s > 0 else None


# issue 14's table: (what, which run, its measure, the goal, True when lower is better)
GOALS = (
    ("`make run` on the sample, after set-up", ("sample", None), "wall_s", 10.0, True),
    ("one new page among 10,000 loaded", ("incremental", 10_001), "wall_s", 10.0, True),
    ("one new page among 100,000 loaded", ("incremental", 100_001), "wall_s", 15.0, True),
    ("1,000 pages, cold, end to end", ("full", 1_000), "wall_s", 15.0, True),
    ("20,000 pages, cold, end to end", ("full", 20_000), "wall_s", 45.0, True),
    ("20,000 pages, cold: marginal pages/s", ("full", 20_000), "marginal_pages_per_s", 1_000.0, False),
    (
        "extract step alone, articles/s/core (largest cold run)",
        ("full", "largest"),
        "extract_articles_per_core_s",
        2e3,
        False,
    ),
    ("peak memory, 100,000 pages, process tree (MiB)", ("full", 100_000), "peak_tree_rss_mb", 2_048.0, True),
)


def goals(report: dict) -> list[dict]:
    """Each goal with what this report measured for it (None when its run was not part of it)."""
    runs = [r for r in report["runs"] if r.get("status") == "succeeded"]
    cold = [r for r in runs if r["kind"] == "full"]
    rows = []
    for what, (kind, size), measure, goal, lower_is_better in GOALS:
        if size == "largest":
            found = [max(cold, key=lambda r: r["size"])] if cold else []
        else:
            found = [r for r in runs if r["kind"] == kind and (size is None or r["size"] == size)]
        value = found[0].get(measure) if found else None
        met = None if value is None else (value <= goal if lower_is_better else value >= goal)
        rows.append(
            {
                "goal": what,
                "measure": measure,
                "target": goal,
                "lower_is_better": lower_is_better,
                "measured": value,
                "met": met,
            }
        )
    return rows


def goals_table(report: dict) -> str:
    rows = ["| goal | measured | target | met |", "|---|---|---|---|"]
    for g in report.get("goals") or []:
        sign = "<=" if g["lower_is_better"] else ">="
        met = "-" if g["met"] is None else ("yes" if g["met"] else "no")
        rows.append(f"| {g['goal']} | {_num(g['measured'])} | {sign} {_num(g['target'])} | {met} |")
    return "\n".join(rows)


def _incremental(cache: Path, pages: int, seed: int, warehouse: Path, work: Path) -> dict:
    """Add one new page to the corpus, run again on the same warehouse, take the page away again."""
    from tools.generate import generate_page

    source = corpus_dir(cache, pages, seed)
    rel, data = generate_page(pages, seed)  # the page after the last one: new content
    added = source / "incremental" / Path(rel).name
    added.parent.mkdir(exist_ok=True)
    added.write_bytes(data)
    try:
        run = derive(run_once(source, warehouse, work, f"incremental-{pages}"), pages + 1)
    finally:
        added.unlink()
        added.parent.rmdir()
    # honest label: incremental only if the pipeline skipped files it had already read
    mode = "incremental" if run.get("files_unchanged") else "full re-run"
    if run.get("status") != "succeeded":
        mode = "failed"
    return {"size": pages + 1, "kind": "incremental", "mode": mode, "corpus": str(source), **run}


def markdown_table(report: dict) -> str:
    """One row per run: wall time, stage breakdown, Prefect overhead, throughput, memory."""
    head = ["pages", "run", "status", "wall s", "import s", "prefect server s", *(f"{s} s" for s in _TABLE_STAGES)]
    head += ["prefect+other s", "pages/s", "marginal pages/s", "articles/s", "extract art/s/core"]
    head += ["peak RSS MiB", "load 1m"]
    rows = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for r in report["runs"]:
        t = r.get("timings") or {}
        kind = r.get("mode", r["kind"])
        cells = [f"{r['size']:,}", kind, r.get("status", "?"), _num(r.get("wall_s")), _num(r.get("import_s"))]
        cells += [_num(r.get("prefect_server_s"))] + [_num(t.get(s)) for s in _TABLE_STAGES]
        rss = r.get("peak_tree_rss_mb") or max(r.get("peak_rss_mb") or 0, r.get("peak_rss_children_mb") or 0)
        cells += [_num(r.get("prefect_other_s")), _num(r.get("pages_per_s")), _num(r.get("marginal_pages_per_s"))]
        cells += [_num(r.get("articles_per_s"))]
        cells += [_num(r.get("extract_articles_per_core_s")), _num(rss), _num(max(r.get("loadavg_1m") or [0]))]
        rows.append("| " + " | ".join(cells) + " |")
    return "\n".join(rows)


def _num(value) -> str:
    if value is None:
        return "-"
    return f"{value:,.1f}" if isinstance(value, float) else f"{value:,}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tools.bench", description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,10000", help="comma-separated corpus sizes in pages")
    parser.add_argument("--out", type=Path, default=PROJECT_DIR / "warehouse" / "bench.json")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--cache", type=Path, default=DEFAULT_CACHE, help="where corpora and runs are kept")
    parser.add_argument("--no-incremental", action="store_true", help="skip the one-new-page runs")
    parser.add_argument("--no-sample", action="store_true", help="skip the run on the bundled sample")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--source", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--warehouse", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--result", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        return run_child(args.source, args.warehouse, args.result)
    sizes = [int(s) for s in args.sizes.split(",") if s.strip()]
    report = benchmark(
        sizes, args.out, args.seed, args.cache, incremental=not args.no_incremental, sample=not args.no_sample
    )
    print(markdown_table(report))
    print()
    print(goals_table(report))
    print(f"\n{args.out}")
    return 0 if all(r.get("status") == "succeeded" for r in report["runs"]) else 1


if __name__ == "__main__":
    sys.exit(main())
