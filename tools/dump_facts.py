"""Dump every fact extracted from a folder as sorted JSON lines: the gate for refactors and speed work.

    python -m tools.dump_facts DIR [DIR ...] > facts.jsonl

Reads, segments and extracts in this process (no Prefect, no DuckDB), so two dumps of the same
folders differ only when extraction output differs. ``extractor_version`` is left out on purpose:
it changes with every code edit, the facts must not.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path


def dump(folder: Path) -> list[str]:
    from flows.chunks import read_and_segment
    from flows.facts.extract import extract_facts
    from flows.sources.discover import discover_files
    from flows.store.frames import facts_to_frames

    files = discover_files(folder)
    articles, records = read_and_segment(files)
    lines = [json.dumps({"record": r.__dict__}, default=str, sort_keys=True) for r in records]
    facts = extract_facts(articles)
    lines += [json.dumps({"error": f.article.source_file, "reason": f.error}) for f in facts if f.error]
    for table, frame in facts_to_frames(facts).items():
        for row in frame.drop("extractor_version", strict=False).to_dicts():
            lines.append(json.dumps({"table": table, **row}, default=str, sort_keys=True, ensure_ascii=False))
    return sorted(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folders", nargs="+", type=Path)
    args = parser.parse_args(argv)
    for folder in args.folders:
        for line in dump(folder):
            sys.stdout.write(f"{folder.name}\t{line}\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
