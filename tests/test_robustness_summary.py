"""File names and reasons cannot forge lines of the run summary or cells of the Prefect artifact."""

from __future__ import annotations

from pathlib import Path

from flows.summary import RunSummary, format_markdown, format_summary

FORGED = "evil.txt: failed: x\n  files     999 seen: 999 loaded\r\x1b[2J"
PIPES = "a | b | c |\n| forged | row | here |"


def _summary() -> RunSummary:
    s = RunSummary.start(Path("/tmp/w.duckdb"), None)
    s.status = "succeeded"
    s.refused = [(FORGED, "ignored", "hidden file"), (PIPES, "failed", "reason with | pipe\nand a line")]
    s.held_back = [(FORGED, "counts", "bad\nline")]
    return s


def test_names_with_newlines_do_not_forge_summary_lines() -> None:
    text = format_summary(_summary(), 1.0)
    assert sum(line.startswith("  files ") for line in text.splitlines()) == 1
    assert "\x1b" not in text and "\r" not in text
    assert "evil.txt: failed: x\\n  files     999 seen" in text  # shown, escaped, on one line


def test_names_with_pipes_do_not_forge_markdown_rows() -> None:
    md = format_markdown(_summary())
    rows = [line for line in md.splitlines() if line.startswith("|")]
    assert not any("forged" in r and r.count("|") - r.count("\\|") != 4 for r in rows)
    assert all(r.count("|") - r.count("\\|") in (3, 4) for r in rows)
    assert "\x1b" not in md
