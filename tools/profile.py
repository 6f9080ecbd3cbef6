"""Profile reading, segmenting and extracting in one process: ``python -m tools.profile --pages 1000``.

Generates (or reuses) a benchmark corpus, times each step per article, and writes a
pyinstrument profile of the whole pass to ``--out`` (HTML) so the hot functions can be
read before anything is optimised. Extraction runs on one core here: the numbers are
per core.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections import Counter
from pathlib import Path

from tools.bench import DEFAULT_CACHE, ensure_corpus


def step_times(source: Path) -> dict[str, float]:
    """Seconds per step over every article of ``source`` (one process), and the article count."""
    from flows.chunks import read_and_segment
    from flows.facts.countries import extract_countries, primary_country
    from flows.facts.counts import extract_counts
    from flows.facts.events import extract_events
    from flows.facts.funders import extract_funders
    from flows.sources.discover import discover_files

    spent: Counter[str] = Counter()
    began = time.perf_counter()
    articles, _ = read_and_segment(discover_files(source))
    spent["read+segment"] = time.perf_counter() - began
    for article in articles:
        t0 = time.perf_counter()
        countries = extract_countries(article)
        article.primary_country_iso3 = primary_country(article, countries)
        t1 = time.perf_counter()
        counts = extract_counts(article, countries)
        t2 = time.perf_counter()
        funders = extract_funders(article, countries)
        t3 = time.perf_counter()
        extract_events(article, countries, counts, funders)
        t4 = time.perf_counter()
        spent["countries"] += t1 - t0
        spent["counts"] += t2 - t1
        spent["funders"] += t3 - t2
        spent["events"] += t4 - t3
    return {**spent, "articles": float(len(articles))}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tools.profile", description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--cache", type=Path, default=DEFAULT_CACHE)
    parser.add_argument("--out", type=Path, default=Path("warehouse") / "profile.html")
    args = parser.parse_args(argv)
    from pyinstrument import Profiler

    source, _ = ensure_corpus(args.cache, args.pages, args.seed)
    step_times(source)  # warm-up: lexicons built, caches filled, as in a long run
    profiler = Profiler(interval=0.0005)
    profiler.start()
    spent = step_times(source)
    profiler.stop()
    n = int(spent.pop("articles"))
    extract = sum(v for k, v in spent.items() if k != "read+segment")
    print(f"{args.pages:,} pages, {n:,} articles, one core")
    for step, seconds in spent.items():
        print(f"  {step:<13} {seconds:7.2f} s  {1000 * seconds / n:6.2f} ms/article  {n / seconds:8,.0f} articles/s")
    print(f"  {'extract':<13} {extract:7.2f} s  {1000 * extract / n:6.2f} ms/article  {n / extract:8,.0f} articles/s")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(profiler.output_html(), encoding="utf-8")
    print(args.out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
