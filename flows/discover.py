"""Find the raw files under a source folder, in a stable order, without leaving it.

Symbolic links are followed only when they point inside the source folder;
hidden files and links that lead outside are recorded, never silently skipped.
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class FoundFile:
    """A file seen under the source folder.

    ``source_file`` is its path relative to the folder, "/"-separated; ``skip_reason``
    is set when the file is seen but must not be read (then its status is ``ignored``).
    """

    path: Path
    source_file: str
    skip_reason: str | None = None


def discover_files(source_dir: Path) -> list[FoundFile]:
    """Every file below ``source_dir`` (recursively), sorted by relative path."""
    root = source_dir.resolve()
    if not root.is_dir():
        raise NotADirectoryError(f"source folder {source_dir} does not exist or is not a folder")
    found: list[FoundFile] = []
    visited_dirs: set[tuple[int, int]] = set()
    for dirpath, dirnames, filenames in os.walk(root, followlinks=True):
        here = Path(dirpath)
        st = here.stat()
        if (st.st_dev, st.st_ino) in visited_dirs:
            dirnames[:] = []  # a link loop: this folder was walked already
            continue
        visited_dirs.add((st.st_dev, st.st_ino))
        kept = []
        for d in sorted(dirnames):
            full = here / d
            if full.is_symlink() and not _inside(full.resolve(), root):
                found.append(FoundFile(full, _relative(full, root), "symbolic link to a folder outside the source folder"))
            elif d.startswith("."):
                continue  # hidden folders (.git, .cache) are not landing content
            else:
                kept.append(d)
        dirnames[:] = kept
        for name in sorted(filenames):
            full = here / name
            rel = _relative(full, root)
            if full.is_symlink():
                target = full.resolve()
                if not target.exists():
                    found.append(FoundFile(full, rel, "broken symbolic link"))
                    continue
                if not _inside(target, root):
                    found.append(FoundFile(full, rel, "symbolic link to a file outside the source folder"))
                    continue
            if name.startswith("."):
                found.append(FoundFile(full, rel, "hidden file"))
                continue
            if not full.is_file():
                found.append(FoundFile(full, rel, "not a regular file"))
                continue
            found.append(FoundFile(full, rel))
    found.sort(key=lambda f: f.source_file)
    return found


def _inside(path: Path, root: Path) -> bool:
    return path == root or root in path.parents


def _relative(path: Path, root: Path) -> str:
    # relative to the folder as walked (links keep their own name), "/"-separated
    return Path(os.path.relpath(path, root)).as_posix()


def sha256_hex(data: bytes) -> str:
    """The content digest recorded for every file."""
    return hashlib.sha256(data).hexdigest()
