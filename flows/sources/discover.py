"""Find the raw files under a source folder, in a stable order, without leaving it.

Every entry seen is returned, even the ones that must not be read (then with a
``skip_reason``): hidden files and folders, symbolic links that lead outside the
folder or nowhere (broken, or a loop), special files (pipes, sockets), folders
that cannot be listed and folders nested over :data:`MAX_DEPTH` deep. Links that
stay inside the folder are followed, and a folder reached twice (a link loop) is
walked once. Hard links are regular files inside the folder by path: they are
read, wherever their other names are.
"""

from __future__ import annotations

import hashlib
import os
import stat
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class FoundFile:
    """A file seen under the source folder.

    ``source_file`` is its path relative to the folder, "/"-separated, always valid UTF-8
    (undecodable bytes in a name are written as ``\\xNN``); ``skip_reason`` is set when the
    file is seen but must not be read (then its status is ``ignored``). ``identity`` is the
    regular file's ``(st_dev, st_ino)`` when it was found: reading checks the file it opened is
    that one (not a link or pipe put in its place since).
    """

    path: Path
    source_file: str
    skip_reason: str | None = None
    identity: tuple[int, int] | None = None
    via_link: bool = False  # found through a symbolic link (inside the folder): a real file is preferred
    stat_key: str | None = None  # the regular file's stat when found (:func:`stat_key`)


# deeper folders are recorded and not walked: no saved press release sits 100 folders down, and a
# folder nested thousands deep must not end every run (paths grow past what the system opens)
MAX_DEPTH = 100


def discover_files(source_dir: Path) -> list[FoundFile]:
    """Every file below ``source_dir`` (recursively, with a stack of its own: depth costs no
    recursion), sorted by relative path."""
    root = source_dir.resolve()
    if not root.is_dir():
        raise NotADirectoryError(f"source folder {source_dir} does not exist or is not a folder")
    found: list[FoundFile] = []
    visited_dirs: set[tuple[int, int]] = set()
    stack: list[tuple[Path, int]] = [(root, 0)]  # popped in sorted order: the walk os.walk would make
    while stack:
        here, depth = stack.pop()
        try:
            st = here.stat()
            with os.scandir(here) as it:
                entries = list(it)
        except OSError as err:
            found.append(FoundFile(here, _relative(here, root) + "/", f"folder cannot be listed: {err.strerror}"))
            continue
        if (st.st_dev, st.st_ino) in visited_dirs:
            continue  # a link loop, or two links to one folder: this folder was walked already
        visited_dirs.add((st.st_dev, st.st_ino))
        dirnames, filenames = [], []
        for entry in entries:
            try:
                is_dir = entry.is_dir()  # follows links, as os.walk(followlinks=True)
            except OSError:
                is_dir = False
            (dirnames if is_dir else filenames).append(entry.name)
        below = []
        for d in sorted(dirnames):
            full = here / d
            rel = _relative(full, root) + "/"
            if full.is_symlink() and not _inside(full.resolve(), root):
                found.append(FoundFile(full, rel, "symbolic link to a folder outside the source folder (not followed)"))
            elif d.startswith("."):
                found.append(FoundFile(full, rel, "hidden folder (its files are not read)"))
            elif depth + 1 > MAX_DEPTH:
                found.append(
                    FoundFile(full, rel, f"folder nested over {MAX_DEPTH} levels deep (its files are not read)")
                )
            else:
                below.append((full, depth + 1))
        stack.extend(reversed(below))
        for name in sorted(filenames):
            found.append(_classify_file(here / name, root))
    found.sort(key=lambda f: f.source_file)
    return found


def _classify_file(full: Path, root: Path) -> FoundFile:
    """The file's record: readable (no skip reason) or why it is not read."""
    rel = _relative(full, root)
    read_at = full
    if full.is_symlink():
        try:
            target = full.resolve(strict=True)
        except RuntimeError:  # Python 3.11 reports a symlink loop this way
            return FoundFile(full, rel, "symbolic link loop (points back to itself)")
        except OSError as exc:
            if exc.errno == 40:  # ELOOP
                return FoundFile(full, rel, "symbolic link loop (points back to itself)")
            return FoundFile(full, rel, "broken symbolic link (its target does not exist)")
        if not _inside(target, root):
            return FoundFile(full, rel, "symbolic link to a file outside the source folder (not followed)")
        read_at = target  # read where the link leads (inside the folder): reading follows no link
    if full.name.startswith("."):
        return FoundFile(full, rel, "hidden file")
    try:
        st = full.stat()
    except OSError as exc:
        return FoundFile(full, rel, f"cannot be examined: {exc.strerror}")
    if not stat.S_ISREG(st.st_mode):
        return FoundFile(full, rel, "not a regular file (pipe, socket or device)")
    return FoundFile(read_at, rel, identity=(st.st_dev, st.st_ino), via_link=read_at is not full, stat_key=stat_key(st))


def _inside(path: Path, root: Path) -> bool:
    return path == root or root in path.parents


def _relative(path: Path, root: Path) -> str:
    """Relative to the folder as walked (links keep their own name), "/"-separated, valid UTF-8."""
    text, prefix = str(path), str(root) + os.sep
    # os.walk yields paths under the root as written: slicing is exact there and 10x cheaper than
    # relpath, which costs ~45 us a file (4.5 s of a 100,000-page folder)
    rel = text[len(prefix) :] if text.startswith(prefix) else os.path.relpath(path, root)
    rel = rel.replace(os.sep, "/") if os.sep != "/" else rel
    # os.walk gives undecodable name bytes as lone surrogates, which no database column accepts
    return rel.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")


def stat_key(st: os.stat_result) -> str:
    """What says a file is the one read before, unchanged, as git's index does: size, modification
    and status-change times (nanoseconds; a write changes both, ``touch -d`` sets only the first)
    and the file's device and inode (a file replaced by another under its name, by a move or an
    editor's save, has another inode)."""
    return f"{st.st_size}:{st.st_mtime_ns}:{st.st_ctime_ns}:{st.st_dev}:{st.st_ino}"


def sha256_hex(data: bytes) -> str:
    """The content digest recorded for every file."""
    return hashlib.sha256(data).hexdigest()
