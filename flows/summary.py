"""What a run did: :class:`RunSummary`, and its text for the terminal and markdown for Prefect's UI."""

from __future__ import annotations

import re
import secrets
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from flows.sources.ledger import FileRecord

SHOWN = 10  # lines of a list printed on the terminal (the Prefect artifact lists all)

# control characters (newline, carriage return, escape sequences...) and the Unicode line and
# paragraph separators: a file name holding one would start a forged line of the summary
_UNPRINTABLE = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")


def plain(value: object) -> str:
    """``value`` on one line, every control character written as an escape (``\\n``, ``\\x1b``)."""
    return _UNPRINTABLE.sub(lambda m: m.group().encode("unicode_escape").decode("ascii"), str(value))


def cell(value: object) -> str:
    """``value`` as one markdown table cell: on one line, its pipes escaped (no forged column or row)."""
    return plain(value).replace("|", "\\|")


@dataclass
class RunSummary:
    """What a run did, printed by the CLI, kept in ``audit.runs`` and published as an artifact."""

    run_id: str
    status: str
    warehouse: Path
    files_seen: int = 0
    files_loaded: int = 0
    files_unchanged: int = 0
    files_not_read: int = 0  # of the unchanged: settled by their stat, without reading them (the stat cache)
    files_failed: int = 0
    files_ignored: int = 0
    files_removed: int = 0
    articles: int = 0
    articles_withdrawn: int = 0
    facts: dict[str, int] = field(default_factory=dict)  # facts in the published marts
    validation: str = "not run"
    quarantined: int = 0
    docs_dir: Path | None = None
    refused: list[tuple[str, str, str]] = field(default_factory=list)  # (file, status, reason)
    # facts this run's validation held back (marts.quarantined_facts): (file, fact table, reason)
    held_back: list[tuple[str, str, str]] = field(default_factory=list)
    timings: dict[str, float] = field(default_factory=dict)  # wall seconds per stage (consecutive laps)
    # seconds spent in chunks, summed over the processes that extracted them (segment, extract, frames)
    # and the flow's own time appending them to the build (load), which overlaps the "extract" lap
    extract_seconds: dict[str, float] = field(default_factory=dict)
    top_countries: list[tuple[str, int]] = field(default_factory=list)
    extract_processes: list[str] = field(default_factory=list)  # host:pid of each process that extracted
    message: str | None = None
    started_at: datetime | None = None
    _clock: float = field(default_factory=time.perf_counter, repr=False)

    @classmethod
    def start(cls, warehouse: Path, docs_dir: Path | None) -> RunSummary:
        """A new run: its id (sortable, unique: UTC timestamp plus random suffix) and start time."""
        now = datetime.now(UTC)
        run_id = now.strftime("%Y%m%dT%H%M%SZ") + "-" + secrets.token_hex(3)
        return cls(run_id=run_id, status="running", warehouse=warehouse, docs_dir=docs_dir, started_at=now)

    def lap(self, stage: str) -> None:
        """Record the wall seconds since the previous lap (or the start) as ``stage``'s."""
        now = time.perf_counter()
        self.timings[stage] = round(now - self._clock, 3)
        self._clock = now

    def count_files(self, records: list[FileRecord], removed: list[FileRecord]) -> None:
        """Files by status, and the ones refused (failed or ignored) with their reasons."""
        by_status = Counter(r.status for r in records)
        self.files_seen = len(records)
        self.files_loaded, self.files_unchanged = by_status["loaded"], by_status["unchanged"]
        self.files_failed, self.files_ignored = by_status["failed"], by_status["ignored"]
        self.files_removed = len(removed)
        self.refused = [
            (r.source_file, r.status, r.reason or "") for r in records + removed if r.status in ("failed", "ignored")
        ]

    def count_articles(self, inserted: set[str], withdrawn: set[str]) -> None:
        """Articles read this run, and those withdrawn for good (not re-inserted by this run)."""
        self.articles = len(inserted)
        self.articles_withdrawn = len(withdrawn - inserted)


def format_summary(summary: RunSummary, seconds: float) -> str:
    """The few lines a person wants after a run."""
    f = summary.facts
    not_read = (
        f" ({summary.files_not_read} not read again: same size, times and inode)" if summary.files_not_read else ""
    )
    lines = [
        f"pressfacts run {summary.run_id}: {summary.status} in {seconds:.1f} s",
        f"  files     {summary.files_seen} seen: {summary.files_loaded} loaded, {summary.files_unchanged} unchanged"
        f"{not_read}, "
        f"{summary.files_ignored} ignored, {summary.files_failed} failed; {summary.files_removed} removed",
        f"  articles  {summary.articles} read this run, {f.get('dim_articles', 0)} in the warehouse",
        f"  facts     {f.get('fct_counts', 0)} counts, {f.get('fct_country_mentions', 0)} country mentions, "
        f"{f.get('fct_funding_mentions', 0)} funding mentions, {f.get('fct_events', 0)} events",
        f"  checks    {summary.validation}",
        "  stages    " + ", ".join(f"{stage} {seconds:.1f} s" for stage, seconds in summary.timings.items()),
        f"  warehouse {plain(summary.warehouse)}",
    ]
    if summary.docs_dir is not None:
        lines.append(f"  docs      {summary.docs_dir / 'index.html'}")
    if summary.held_back:
        lines.append(f"  held back by the checks (marts.quarantined_facts): {len(summary.held_back)}")
        lines.extend(
            f"    {plain(name)}: {table}: {plain(reason)}" for name, table, reason in summary.held_back[:SHOWN]
        )
        if len(summary.held_back) > SHOWN:
            lines.append(f"    ... and {len(summary.held_back) - SHOWN} more")
    if summary.refused:
        lines.append("  not loaded:")
        lines.extend(f"    {plain(name)}: {status}: {plain(reason)}" for name, status, reason in summary.refused)
    return "\n".join(lines)


def format_markdown(summary: RunSummary) -> str:
    """The run summary as markdown, for the Prefect UI."""
    f = summary.facts
    rows = [
        ("status", summary.status),
        ("files seen", summary.files_seen),
        (
            "loaded / unchanged / ignored / failed / removed",
            f"{summary.files_loaded} / {summary.files_unchanged} / {summary.files_ignored} / "
            f"{summary.files_failed} / {summary.files_removed}",
        ),
        ("unchanged files not read again (same size, times and inode)", summary.files_not_read),
        ("articles read this run", summary.articles),
        ("articles in the warehouse", f.get("dim_articles", 0)),
        ("counts", f.get("fct_counts", 0)),
        ("country mentions", f.get("fct_country_mentions", 0)),
        ("funding mentions", f.get("fct_funding_mentions", 0)),
        ("events", f.get("fct_events", 0)),
        ("validation", summary.validation),
        ("warehouse", summary.warehouse),
        ("docs", summary.docs_dir / "index.html" if summary.docs_dir else "not built"),
    ]
    out = [f"# pressfacts run {summary.run_id}", "", "| measure | value |", "| --- | --- |"]
    out += [f"| {k} | {cell(v)} |" for k, v in rows]
    if summary.top_countries:
        out += [
            "",
            "## Top countries (articles mentioning them)",
            "",
            "| country | articles |",
            "| --- | --- |",
        ]
        out += [f"| {c} | {n} |" for c, n in summary.top_countries]
    if summary.held_back:
        out += [
            "",
            "## Facts held back by the checks (`marts.quarantined_facts`)",
            "",
            "| file | fact | reason |",
            "| --- | --- | --- |",
        ]
        out += [f"| {cell(name)} | {cell(table)} | {cell(reason)} |" for name, table, reason in summary.held_back]
    if summary.refused:
        out += ["", "## Files not loaded", "", "| file | status | reason |", "| --- | --- | --- |"]
        out += [f"| {cell(name)} | {status} | {cell(reason)} |" for name, status, reason in summary.refused]
    return "\n".join(out) + "\n"


class ChunkProgress:
    """Extraction's progress for a person watching: a log line per chunk (terminal and Prefect's UI)
    and, for runs of several chunks, a Prefect progress artifact updated as chunks land."""

    def __init__(self, logger, files: int, chunks: int):
        self.logger, self.files, self.chunks = logger, files, chunks
        self.files_done = self.chunks_done = 0
        self.artifact = None
        if chunks > 1:
            from prefect.artifacts import create_progress_artifact

            self.artifact = create_progress_artifact(
                progress=0.0, key="pressfacts-extraction", description=f"extracting {files:,} files in {chunks} chunks"
            )

    def chunk_done(self, files: int) -> None:
        self.files_done += files
        self.chunks_done += 1
        if self.chunks > 1:
            self.logger.info(
                "extracted chunk %d/%d (%s of %s files)",
                self.chunks_done, self.chunks, f"{self.files_done:,}", f"{self.files:,}",
            )  # fmt: skip
        if self.artifact is not None:
            from prefect.artifacts import update_progress_artifact

            update_progress_artifact(self.artifact, progress=100.0 * self.files_done / max(1, self.files))
