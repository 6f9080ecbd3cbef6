"""Score extraction on each labelled set apart: ``make eval``.

    python -m tools.eval [--sets dev,world,seeds,sample] [--details]

Each set is built into its own warehouse by the real flow (``pressfacts run --full-refresh``) and
scored by ``../shared/eval/score.py`` against its gold. The sets are kept apart on purpose: a change
is kept only when it raises one set without lowering another (generalisation, not fit). The
fictional sample is scored against ``tests/sample_expected.jsonl``, written before its scores were
looked at.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
SHARED = Path(os.environ.get("PRESSFACTS_SHARED", REPO.parent / "shared"))
SETS = {
    "dev": (SHARED / "corpus" / "dev", SHARED / "gold" / "dev.jsonl"),
    "world": (SHARED / "corpus" / "world", SHARED / "gold" / "world.jsonl"),
    "seeds": (SHARED / "seeds", SHARED / "gold" / "seeds.jsonl"),
    "sample": (REPO / "flows" / "sample_pages", REPO / "tests" / "sample_expected.jsonl"),
}
FACTS = ("articles", "countries", "counts", "funders", "events")


def build_and_score(name: str, out: Path, details: bool) -> dict:
    source, gold = SETS[name]
    warehouse = out / f"{name}.duckdb"
    run = subprocess.run(
        [
            sys.executable,
            "-m",
            "flows.cli",
            "run",
            "--source",
            str(source),
            "--warehouse",
            str(warehouse),
            "--docs",
            str(out / f"{name}-docs"),
            "--full-refresh",
        ],
        capture_output=True,
        text=True,
        cwd=REPO,
    )
    if run.returncode != 0:
        raise SystemExit(f"{name}: the run failed\n{run.stdout[-3000:]}\n{run.stderr[-3000:]}")
    report = out / f"{name}.json"
    args = [
        sys.executable,
        str(SHARED / "eval" / "score.py"),
        "--warehouse",
        str(warehouse),
        "--gold",
        str(gold),
        "--json",
        str(report),
    ]
    scored = subprocess.run(args + (["--details"] if details else []), capture_output=True, text=True, check=True)
    (out / f"{name}.txt").write_text(scored.stdout)
    if details:
        print(f"== {name}\n{scored.stdout}")
    return json.loads(report.read_text())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sets", default=",".join(SETS))
    parser.add_argument("--out", type=Path, default=Path(tempfile.gettempdir()) / "pressfacts-eval")
    parser.add_argument("--details", action="store_true", help="print score.py's per-article details")
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    names = [s for s in args.sets.split(",") if s]
    results = {name: build_and_score(name, args.out, args.details) for name in names}
    print(f"{'F1':<8}" + "".join(f"{f:>10}" for f in FACTS) + f"{'score':>10}")
    for name, r in results.items():
        f1 = [r["prf"].get(f, {}).get("f1", 0.0) for f in FACTS]
        print(f"{name:<8}" + "".join(f"{v:>10.3f}" for v in f1) + f"{r.get('extraction_score', 0.0):>10.4f}")
    print(f"(full reports: {args.out}/<set>.txt)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
