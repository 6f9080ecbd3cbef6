"""Digests that say when stored results are stale.

``extractor_version``: the extraction code and reference data; when it changes,
every file is extracted again. ``build_version``: that plus the dbt project and
the expectation suites; when it changes, validation and dbt run even if no file did.
"""

from __future__ import annotations

import hashlib
from functools import lru_cache
from pathlib import Path

from flows import __version__
from flows.reference import reference_version

_FLOWS = Path(__file__).resolve().parent
_PROJECT = _FLOWS.parent


def _digest(paths: list[Path]) -> str:
    h = hashlib.sha256()
    for path in sorted(paths):
        h.update(str(path.relative_to(_PROJECT)).encode())
        h.update(path.read_bytes())
    return h.hexdigest()[:12]


# Everything that decides what a file's facts are: whole stage folders (so a new module cannot be
# forgotten), the chunk's work (de-duplication, article cap) and the frames written to raw.*.
EXTRACTION_CODE = ("sources", "articles", "language", "facts", "chunks.py", "store/frames.py", "reference.py")


def extraction_files() -> list[Path]:
    """The Python files :data:`EXTRACTION_CODE` names, folders walked whole."""
    files: list[Path] = []
    for name in EXTRACTION_CODE:
        path = _FLOWS / name
        files += sorted(path.rglob("*.py")) if path.is_dir() else [path]
    return files


@lru_cache(maxsize=1)
def extractor_version() -> str:
    """Package version + digest of the extraction code + digest of the reference seeds."""
    return f"{__version__}+{_digest(extraction_files())}.{reference_version()}"


@lru_cache(maxsize=1)
def build_version() -> str:
    """Extractor version + digest of the dbt project's models, macros, tests and the GX suites."""
    dbt = _PROJECT / "dbt_project"
    files = [
        p
        for p in dbt.rglob("*")
        if p.suffix in (".sql", ".yml", ".csv") and p.is_file() and "target" not in p.parts and "logs" not in p.parts
    ]
    files += sorted((_PROJECT / "expectations").glob("*.json"))
    return f"{extractor_version()}|{_digest(files)}"
