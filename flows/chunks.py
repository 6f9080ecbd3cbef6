"""One chunk's work: decode, segment and extract a batch of raw files into raw-table frames.

A plain function (:func:`process_chunk`), run wherever the task runner puts it (:mod:`flows.runners`);
the flow appends each chunk's frames to the build in file order.
"""

from __future__ import annotations

import os
import socket
import time
from collections.abc import Collection
from dataclasses import dataclass, field

import polars as pl

from flows.articles.model import Article
from flows.articles.pages import segment_files
from flows.facts.countries import resolve_place
from flows.facts.extract import extract_facts
from flows.sources.discover import FoundFile
from flows.sources.ledger import FileRecord, mark_extraction_failures, mark_repeated_text, share_fate
from flows.sources.scan import RawFile, prescan
from flows.store.frames import facts_to_frames

MAX_CHUNK_FILES = 2_000  # bounds a chunk's memory (its bytes, articles and facts)
MIN_CHUNK_FILES = 25
_CHUNKS_PER_WORKER = 4  # a few chunks per worker even out uneven chunk costs


@dataclass
class ChunkResult:
    """What one chunk gave: raw-table frames of its facts, a record per file, the text key of each
    loaded file (for de-duplication across chunks) and seconds spent, by step."""

    frames: dict[str, pl.DataFrame]
    records: list[FileRecord]
    text_keys: dict[str, str]
    seconds: dict[str, float] = field(default_factory=dict)
    process: str = ""  # host:pid of the process that extracted the chunk


def process_chunk(raw_files: list[RawFile]) -> ChunkResult:
    """Decode, segment and extract one chunk of files; an extractor failure on one article
    marks its file ``failed`` (with the error) and keeps none of that file's facts."""
    began = time.perf_counter()
    articles, records, text_keys = segment_files(raw_files, resolve_place)
    segmented = time.perf_counter()
    facts = extract_facts(articles)
    failed = {f.article.content_sha256: f.error for f in facts if f.error is not None}
    mark_extraction_failures(records, failed)
    for r in records:
        if r.status != "loaded":
            text_keys.pop(r.source_file, None)  # its text is not recorded, so a later copy may load
    extracted = time.perf_counter()
    frames = facts_to_frames([f for f in facts if f.article.content_sha256 not in failed])
    done = time.perf_counter()
    seconds = {"segment": segmented - began, "extract": extracted - segmented, "frames": done - extracted}
    return ChunkResult(frames, records, text_keys, seconds, f"{socket.gethostname()}:{os.getpid()}")


def chunked(items: list[RawFile], workers: int) -> list[list[RawFile]]:
    """Contiguous chunks, a few per worker, each between MIN_ and MAX_CHUNK_FILES files."""
    if not items:
        return []
    size = -(-len(items) // (max(1, workers) * _CHUNKS_PER_WORKER))
    size = min(MAX_CHUNK_FILES, max(MIN_CHUNK_FILES, size))
    return [items[i : i + size] for i in range(0, len(items), size)]


def drop_repeated_texts(result: ChunkResult, seen_text: dict[str, str]) -> dict[str, pl.DataFrame]:
    """The chunk's frames without the files whose decoded text an earlier chunk held (marked ``ignored``)."""
    dropped = []
    for r in result.records:
        key = result.text_keys.get(r.source_file)
        if r.status != "loaded" or key is None:
            continue
        if key in seen_text:
            mark_repeated_text(r, seen_text[key])
            dropped.append(r.content_sha256)
        else:
            seen_text[key] = r.source_file
    if not dropped:
        return result.frames
    gone = result.frames["articles"].filter(pl.col("content_sha256").is_in(dropped))["article_id"]
    return {name: frame.filter(~pl.col("article_id").is_in(gone.implode())) for name, frame in result.frames.items()}


def read_and_segment(
    files: list[FoundFile], skip_content: Collection[str] = frozenset()
) -> tuple[list[Article], list[FileRecord]]:
    """Articles of every readable file, and one record per file seen (in file order): :func:`prescan`
    then :func:`segment_files` over one batch."""
    scan = prescan(files, skip_content)
    articles, segmented, _ = segment_files(scan.pending, resolve_place)
    share_fate(scan, segmented)
    order = {f.source_file: n for n, f in enumerate(files)}
    records = sorted(scan.records + segmented, key=lambda r: order[r.source_file])
    return articles, records
