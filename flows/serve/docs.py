"""The docs site a run leaves beside the warehouse: dbt's docs, GX's Data Docs, and a landing page."""

from __future__ import annotations

import logging
from html import escape
from pathlib import Path


def build_docs(
    build: Path,
    published: Path,
    docs_dir: Path,
    logger: logging.Logger | logging.LoggerAdapter,
    *,
    compiled: bool = False,
) -> None:
    """dbt's docs site beside the GX Data Docs, from the build (never the published file, which
    readers may hold); a docs failure is logged, not fatal: the docs are a by-product. ``compiled``:
    the run's dbt build was a full one, so its manifest already holds every node's compiled SQL."""
    from flows.store.dbt_runner import run_dbt_docs

    try:
        run_dbt_docs(build, docs_dir / "dbt", build_dir=published.parent / ".dbt", compile=not compiled)
        write_docs_index(docs_dir)
    except Exception as exc:  # noqa: BLE001 - reported, and the run goes on
        logger.warning("could not build the docs in %s: %s", docs_dir, exc)


def write_docs_index(docs_dir: Path) -> Path:
    """A landing page linking the dbt docs and each suite's latest GX validation page.

    GX's own index lists validations with JavaScript loaded from CDNs, which stays
    empty offline; the validation pages themselves render without it, so link them directly.
    """
    latest: dict[str, Path] = {}
    for page in sorted((docs_dir / "gx" / "validations").glob("*/**/*.html")):
        suite = page.relative_to(docs_dir / "gx" / "validations").parts[0]
        if suite not in latest or page.stat().st_mtime >= latest[suite].stat().st_mtime:
            latest[suite] = page
    items = "".join(
        f'<li><a href="{escape(str(page.relative_to(docs_dir)))}">{escape(suite)}</a></li>'
        for suite, page in sorted(latest.items())
    )
    index = docs_dir / "index.html"
    index.write_text(
        "<!DOCTYPE html><html lang=en><head><meta charset=utf-8><title>pressfacts docs</title></head>"
        "<body><h1>pressfacts documentation</h1>"
        '<h2>Models, columns and tests</h2><p><a href="dbt/static_index.html">dbt docs</a></p>'
        f"<h2>Latest validation, by suite (Great Expectations)</h2><ul>{items}</ul>"
        '<p><a href="gx/index.html">All Data Docs</a> (its lists need a network connection)</p>'
        "</body></html>\n",
        encoding="utf-8",
    )
    return index
