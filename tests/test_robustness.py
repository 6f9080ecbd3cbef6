"""Whatever lands in the folder, the run finishes, explains every file and loses nothing.

Three parts:

* fast tests of the reader, discovery and ingest on inputs written here;
* one real flow run (module fixture) over a landing folder holding every input class,
  then one assertion per file on ``audit.files`` and on the published marts;
* kill-and-recover: the CLI as a subprocess, SIGKILLed while it writes its build and
  while dbt runs; the published warehouse must be untouched and the next run succeed.

Every input is generated here; nothing binary is committed.
"""

from __future__ import annotations

import bz2
import gzip
import hashlib
import os
import random
import re
import shutil
import signal
import subprocess
import sys
import time
import tracemalloc
from pathlib import Path

import duckdb
import pytest

from flows.articles.decode import decode_bytes, read_page, repair_mojibake
from flows.articles.pages import MAX_ARTICLE_CHARS, cap_article
from flows.chunks import read_and_segment
from flows.sources.discover import discover_files
from flows.sources.scan import MAX_FILE_BYTES, UnreadableFile

REPO = Path(__file__).resolve().parent.parent
WORDS = ["Twelve", "Fifteen", "Eighteen", "Twenty", "Thirty", "Forty", "Fifty", "Sixty", "Seventy", "Eighty",
         "Ninety", "Eleven", "Thirteen", "Fourteen", "Sixteen", "Seventeen", "Nineteen", "Nine", "Eight",
         "Seven", "Six", "Five", "Four", "Three"]  # fmt: skip
PHONE, EMAIL = "+506 2212 5300", "ana.perez@example.org"
SECRET = "OUTSIDESECRETWORD"


def article(n: int, town: str = "San José", extra: str = "") -> str:
    """A small press release of our own; ``n`` makes its text unique."""
    word = WORDS[n % len(WORDS)]
    return (
        f"{word} officials trained in {town} on asylum law\n\n"
        f"{town} - {word} officials from Costa Rica took part in a three-day workshop on asylum law, "
        f"the ministry said on Tuesday. {extra}\n\n"
        f"The training was funded by the European Union.\n"
    )


# ---------------------------------------------------------------------------------------------
# The reader on its own
# ---------------------------------------------------------------------------------------------

ENCODED = {
    "utf-8": lambda t: t.encode("utf-8"),
    "utf-8 with BOM": lambda t: t.encode("utf-8-sig"),
    "utf-16 LE with BOM": lambda t: b"\xff\xfe" + t.encode("utf-16-le"),
    "utf-16 BE with BOM": lambda t: b"\xfe\xff" + t.encode("utf-16-be"),
    "utf-16 LE without BOM": lambda t: t.encode("utf-16-le"),
    "utf-16 BE without BOM": lambda t: t.encode("utf-16-be"),
    "utf-32 with BOM": lambda t: t.encode("utf-32"),
    "latin-1": lambda t: t.encode("latin-1"),
    "windows-1252": lambda t: (t + " “Quoted” – €5.").encode("cp1252"),
    "mojibake (utf-8 twice)": lambda t: t.encode("utf-8").decode("latin-1").encode("utf-8"),
    "mojibake via windows-1252": lambda t: (t + " ‘Quoted’.").encode("utf-8").decode("cp1252").encode("utf-8"),
    "truncated utf-8": lambda t: (t + " Año").encode("utf-8") + "é".encode()[:1],
    "invalid byte in utf-8": lambda t: t.encode("utf-8").replace(b"workshop", b"work\xffshop"),
    "NUL bytes inside": lambda t: t.encode("utf-8").replace(b"ministry", b"min\x00istry"),
    "gzip": lambda t: gzip.compress(t.encode("utf-8")),
    "bzip2": lambda t: bz2.compress(t.encode("utf-16")),
}


@pytest.mark.parametrize("kind", ENCODED)
def test_every_encoding_reads_accents_right(kind: str) -> None:
    page = read_page(ENCODED[kind](article(1)))
    assert "San José" in page.text and "Costa Rica" in page.text
    assert "Ã" not in page.text and "\x00" not in page.text
    if kind == "windows-1252":
        assert "“Quoted” – €5" in page.text
    if kind == "mojibake via windows-1252":
        assert "‘Quoted’" in page.text and "mojibake repaired" in page.encoding


def test_mojibake_repair_leaves_genuine_text_alone() -> None:
    for genuine in ["São Paulo", "Ñuñoa, Perú", "ÉL’S", "Â", "naïve café", "Zürich ½ °C", "Ã"]:
        assert repair_mojibake(genuine) == (genuine, 0)
    assert repair_mojibake("SÃ£o Paulo and â€œquotesâ€\x9d") == ("São Paulo and “quotes”", 3)


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"", "empty file"),
        (b" \n\t\r\n ", "empty file"),
        (b"\xef\xbb\xbf  \n", "no visible text"),
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj", "PDF"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "PNG"),
        (b"PK\x03\x04\x14\x00", "ZIP"),
        (random.Random(7).randbytes(4000), "binary content"),
        (b"\x00" * 5000, "NUL bytes"),
        (gzip.compress(b"\x00" * (MAX_FILE_BYTES + 10)), "limit"),
        (gzip.compress(article(1).encode())[:-12], "damaged gzip"),
        (gzip.compress(gzip.compress(article(1).encode())), "another compressed file"),
        (b"<html><head><script>var a = 1;</script></head><body><nav>Home</nav></body></html>", "no visible"),
    ],
)
def test_unreadable_inputs_are_refused_with_a_reason(data: bytes, reason: str) -> None:
    with pytest.raises(UnreadableFile, match=reason):
        read_page(data)


def test_odd_length_utf16_and_truncated_boms_never_crash() -> None:
    for data in [b"\xff\xfeabc", b"\xff\xfe\x00\xd8", b"\xfe\xff\x00", b"\xff\xfe\x00\x00a", b"\xef\xbb"]:
        try:
            read_page(data)
        except UnreadableFile:
            pass
    assert decode_bytes(b"\xff\xfeA\x00B")[0].startswith("A")


def test_html_never_yields_scripts_styles_navigation_or_footers() -> None:
    html = (
        "<!DOCTYPE html><html><head><title>T</title><style>p{color:red} STYLEWORD</style>"
        "<script>var SCRIPTWORD = 1;</script></head><body>"
        "<nav><ul><li>NAVWORD</li></ul></nav><header>HEADERWORD</header><div role='navigation'>ROLEWORD</div>"
        "<main><article><h1>Officials trained in San Jos&eacute; &amp; Lim&oacute;n</h1>"
        "<p>San Jos&eacute; &ndash; Forty officials from Costa Rica took part in a workshop&nbsp;on "
        "asylum law, the ministry said.</p><!-- COMMENTWORD --><aside>ASIDEWORD</aside></article></main>"
        "<footer>FOOTERWORD press@example.org</footer><noscript>NOSCRIPTWORD</noscript></body></html>"
    )
    page = read_page(html.encode("utf-16"))  # detection works on decoded text, whatever the encoding
    assert page.is_html
    assert page.text.startswith("Officials trained in San José & Limón\n")
    assert "San José – Forty officials" in page.text
    assert not re.search(r"[A-Z]+WORD|example\.org|<|&\w+;", page.text), page.text


def test_discovery_records_every_entry_and_never_leaves_the_folder(tmp_path: Path) -> None:
    src, outside = _landing_skeleton(tmp_path)
    found = {f.source_file: f.skip_reason for f in discover_files(src)}
    assert found[".hidden.txt"] == "hidden file"
    assert "hidden folder" in found[".cache/"]
    assert "outside" in found["link_outside.txt"] and "outside" in found["dir_outside/"]
    assert "loop" in found["self_loop.txt"] and "loop" in found["loop_a.txt"]
    assert "broken" in found["broken_link.txt"]
    assert "not a regular file" in found["pipe.txt"]
    assert found["link_inside.txt"] is None and found["folder.txt/inner.txt"] is None
    assert found["bad\\xffname.txt"] is None  # undecodable name bytes, shown escaped
    assert not any(n.startswith("loop/") or SECRET in n for n in found)
    assert list(found) == sorted(found)


def test_a_file_over_the_limit_is_never_read_into_memory(tmp_path: Path) -> None:
    big = tmp_path / "huge.txt"
    with big.open("wb") as fh:
        fh.truncate(MAX_FILE_BYTES * 3)  # sparse: no disk used
    from flows.facts.countries import resolve_place  # noqa: F401 - its gazetteer is not the file's memory

    tracemalloc.start()
    try:
        _, records = read_and_segment(discover_files(tmp_path))
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert records[0].status == "failed" and "limit" in records[0].reason
    assert peak < 2_000_000


def test_pathological_pages_finish_in_bounded_time(tmp_path: Path) -> None:
    from flows.facts.extract import extract_facts

    (tmp_path / "one_line.txt").write_text("word " * 600_000)
    (tmp_path / "numbers.txt").write_text(_numbers_page())
    started = time.perf_counter()
    articles, records = read_and_segment(discover_files(tmp_path))
    extract_facts(articles)
    elapsed = time.perf_counter() - started
    status = {r.source_file: r for r in records}
    assert status["one_line.txt"].status == "ignored" and "no article" in status["one_line.txt"].reason
    assert status["numbers.txt"].status == "loaded" and "cut from" in status["numbers.txt"].reason
    assert all(len(a.text) <= MAX_ARTICLE_CHARS for a in articles)
    assert elapsed < 30, f"{elapsed:.1f} s"


def test_cap_article_keeps_title_head_and_ids() -> None:
    from flows.articles.segment import segment_page

    [a] = segment_page(_numbers_page(), "n.txt", "0" * 64)
    capped = cap_article(a, 5000)
    assert len(capped.text) <= 5000 and capped.text == a.text[: len(capped.text)]
    assert capped.article_id == a.article_id and capped.title == capped.text[: capped.title_end]
    assert cap_article(capped, 5000) is capped


def _numbers_page() -> str:
    rng = random.Random(3)
    body = " ".join(f"Camp {i} hosted {rng.randrange(1, 99999):,} people." for i in range(30_000))
    return f"Camps across the region host thousands of people\n\nSan José - {body}\n"


# ---------------------------------------------------------------------------------------------
# One real flow run over a landing folder holding every input class
# ---------------------------------------------------------------------------------------------


def _landing_skeleton(tmp_path: Path) -> tuple[Path, Path]:
    """Names, folders and links of every kind (contents: small distinct articles)."""
    src = tmp_path / "landing"
    outside = tmp_path / "outside"
    (src / "a" / "b" / "c").mkdir(parents=True)
    (src / "folder.txt").mkdir()
    (src / ".cache").mkdir()
    outside.mkdir()
    (outside / "secret.txt").write_text(article(0, extra=SECRET))
    (src / "good.txt").write_text(
        article(0, extra=f"\n\nFor more information please contact:\nAna Pérez, Tel: {PHONE}, Email: {EMAIL}")
    )
    (src / "a" / "b" / "c" / "deep.txt").write_text(article(2))
    (src / "folder.txt" / "inner.txt").write_text(article(3))
    (src / ".hidden.txt").write_text(article(4))
    (src / ".cache" / "cached.txt").write_text(article(5))
    (src / "name with spaces.txt").write_text(article(6))
    (src / 'quote\'s "double".txt').write_text(article(7))
    (src / "semi;colon'); drop table raw.articles; --.txt").write_text(article(8, extra="'); drop table x; --"))
    (src / "São Tomé ação.txt").write_text(article(9))
    fd = os.open(os.fsencode(src) + b"/bad\xffname.txt", os.O_WRONLY | os.O_CREAT, 0o644)
    os.write(fd, article(10).encode())
    os.close(fd)
    os.symlink(src / "good.txt", src / "link_inside.txt")
    os.symlink(outside / "secret.txt", src / "link_outside.txt")
    os.symlink(outside, src / "dir_outside")
    os.symlink(src, src / "a" / "loop")  # a folder loop, inside the folder
    os.symlink(src / "self_loop.txt", src / "self_loop.txt")
    os.symlink(src / "loop_b.txt", src / "loop_a.txt")
    os.symlink(src / "loop_a.txt", src / "loop_b.txt")
    os.symlink(src / "missing.txt", src / "broken_link.txt")
    os.mkfifo(src / "pipe.txt")
    return src, outside


# file -> (status, words the reason must contain); "San José" must survive in every loaded one
LOADED = "loaded"
EXPECTED: dict[str, tuple[str, str]] = {
    "good.txt": (LOADED, ""),
    "a/b/c/deep.txt": (LOADED, ""),
    "folder.txt/inner.txt": (LOADED, ""),
    "name with spaces.txt": (LOADED, ""),
    'quote\'s "double".txt': (LOADED, ""),
    "semi;colon'); drop table raw.articles; --.txt": (LOADED, ""),
    "São Tomé ação.txt": (LOADED, ""),
    "bad\\xffname.txt": (LOADED, ""),
    ".hidden.txt": ("ignored", "hidden file"),
    ".cache/": ("ignored", "hidden folder"),
    "link_inside.txt": ("ignored", "same content as good.txt"),
    "link_outside.txt": ("ignored", "outside the source folder"),
    "dir_outside/": ("ignored", "outside the source folder"),
    "self_loop.txt": ("ignored", "loop"),
    "loop_a.txt": ("ignored", "loop"),
    "loop_b.txt": ("ignored", "loop"),
    "broken_link.txt": ("ignored", "broken symbolic link"),
    "pipe.txt": ("ignored", "not a regular file"),
    "good_copy.txt": ("ignored", "same content as good.txt"),
    "good_utf16.txt": ("ignored", "same text as good.txt"),
    "empty.txt": ("ignored", "empty file"),
    "blank.txt": ("ignored", "empty file"),
    "scan.pdf": ("failed", "PDF"),
    "scan.txt": ("failed", "PDF"),
    "photo.png": ("failed", "PNG"),
    "random bytes.txt": ("failed", "binary content"),
    "nuls.txt": ("failed", "NUL bytes"),
    "bomb.txt.gz": ("failed", "limit"),
    "broken.txt.gz": ("failed", "damaged gzip"),
    "huge.txt": ("failed", "over the 20,971,520-byte limit"),
    "one_line.txt": ("ignored", "no article found"),
    "numbers.txt": (LOADED, "cut from"),
    "page.html": (LOADED, ""),
}
ENCODING_FILES = {f"enc {kind}.txt": kind for kind in ENCODED}
EXPECTED.update({name: (LOADED, "") for name in ENCODING_FILES})


def _build_landing(tmp_path: Path) -> Path:
    src, _ = _landing_skeleton(tmp_path)
    good = (src / "good.txt").read_bytes()
    (src / "good_copy.txt").write_bytes(good)
    (src / "good_utf16.txt").write_bytes(good.decode().encode("utf-16"))
    for n, (name, kind) in enumerate(ENCODING_FILES.items()):
        (src / name).write_bytes(ENCODED[kind](article(11 + n, extra=f"Code {kind}.")))
    (src / "empty.txt").write_bytes(b"")
    (src / "blank.txt").write_bytes(b" \n\t\r\n  ")
    (src / "scan.pdf").write_bytes(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>")
    (src / "scan.txt").write_bytes(b"%PDF-1.4\n" + bytes(range(256)))
    (src / "photo.png").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(200))
    (src / "random bytes.txt").write_bytes(random.Random(5).randbytes(20_000))
    (src / "nuls.txt").write_bytes(b"\x00" * 10_000)
    (src / "bomb.txt.gz").write_bytes(gzip.compress(b"a" * (MAX_FILE_BYTES + 1000)))
    (src / "broken.txt.gz").write_bytes(gzip.compress(article(1).encode())[:-20])
    with (src / "huge.txt").open("wb") as fh:
        fh.truncate(25 * 1024 * 1024)
    (src / "one_line.txt").write_text("word " * 600_000)
    (src / "numbers.txt").write_text(_numbers_page())
    (src / "page.html").write_text(
        "<!DOCTYPE html><html><head><meta charset='utf-8'><title>x</title><style>STYLEWORD{}</style>"
        "<script>var SCRIPTWORD=1</script></head><body><nav>NAVWORD Home News</nav>"
        "<article><h1>Officials trained in San Jos&eacute; on asylum &amp; refugee law</h1>"
        "<p>San Jos&eacute; &ndash; Officials from Costa Rica took part in a workshop on asylum law, "
        "the ministry said on Tuesday.</p></article><footer>FOOTERWORD press@example.org Tel. +506 2212 "
        "5301</footer></body></html>"
    )
    return src


@pytest.fixture(scope="module")
def landing_run(tmp_path_factory, prefect_harness):
    """The real flow, once, over the landing folder: (summary, seconds, read-only connection)."""
    from flows.flow import pressfacts_flow

    tmp = tmp_path_factory.mktemp("robust")
    src = _build_landing(tmp)
    warehouse = tmp / "wh" / "pressfacts.duckdb"
    started = time.perf_counter()
    summary = pressfacts_flow(src, warehouse, tmp / "docs")
    seconds = time.perf_counter() - started
    con = duckdb.connect(str(warehouse), read_only=True)
    yield summary, seconds, con
    con.close()


@pytest.fixture(scope="module")
def audit_rows(landing_run) -> dict[str, tuple]:
    summary, _, con = landing_run
    rows = con.execute(
        "select source_file, status, reason, articles from audit.files where run_id = ?", [summary.run_id]
    ).fetchall()
    return {r[0]: r[1:] for r in rows}


@pytest.mark.e2e
def test_the_run_publishes_and_stays_bounded(landing_run) -> None:
    summary, seconds, _ = landing_run
    assert summary.status == "succeeded"
    assert summary.files_loaded == sum(s == LOADED for s, _ in EXPECTED.values())
    assert seconds < 240, f"the run took {seconds:.0f} s"


@pytest.mark.e2e
def test_every_entry_seen_has_exactly_one_row(audit_rows) -> None:
    assert sorted(audit_rows) == sorted(EXPECTED)


@pytest.mark.e2e
@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_each_file_status_and_reason(audit_rows, name: str) -> None:
    status, reason, articles = audit_rows[name]
    want_status, want_reason = EXPECTED[name]
    assert status == want_status, reason
    if status == LOADED:
        assert articles >= 1
        assert reason is None if not want_reason else want_reason in reason
    else:
        assert reason and want_reason in reason and articles == 0


@pytest.mark.e2e
@pytest.mark.parametrize("name", sorted(n for n, (s, _) in EXPECTED.items() if s == LOADED))
def test_loaded_text_keeps_its_accents(landing_run, name: str) -> None:
    _, _, con = landing_run
    texts = [
        r[0]
        for r in con.execute("select article_text from marts.dim_articles where source_file = ?", [name]).fetchall()
    ]
    assert texts and all("San José" in t for t in texts)
    assert not any(re.search("Ã|â€|\x00", t) for t in texts)


@pytest.mark.e2e
def test_duplicates_give_one_set_of_facts(landing_run) -> None:
    _, _, con = landing_run
    copies = ["good.txt", "good_copy.txt", "link_inside.txt", "good_utf16.txt"]  # the first in path order wins
    rows = con.execute(
        "select a.source_file, count(m.article_id) from marts.dim_articles a "
        "left join marts.fct_country_mentions m using (article_id) "
        "where a.source_file in (select unnest(?)) group by 1",
        [copies],
    ).fetchall()
    assert len(rows) == 1 and rows[0][0] == "good.txt" and rows[0][1] > 0


@pytest.mark.e2e
def test_no_personal_data_script_or_outside_text_reaches_the_marts(landing_run) -> None:
    _, _, con = landing_run
    columns = con.execute(
        "select table_name, column_name from information_schema.columns "
        "where table_schema = 'marts' and data_type = 'VARCHAR'"
    ).fetchall()
    assert len(columns) > 20
    leaks = []
    for table, column in columns:
        for (value,) in con.execute(f'select "{column}" from marts."{table}" where "{column}" is not null').fetchall():
            hit = re.search(r"[\w.+-]+@[\w-]+\.\w+|2212 530\d|[A-Z]+WORD|" + SECRET, value)
            if hit:
                leaks.append((table, column, hit.group(0)))
    assert not leaks
    good = con.execute("select article_text from marts.dim_articles where source_file = 'good.txt'").fetchone()[0]
    assert "x" * len(EMAIL) in good and "+### #### ####" in good  # masked, same length


# ---------------------------------------------------------------------------------------------
# Kill and recover: SIGKILL the CLI mid-run; the published warehouse must not notice
# ---------------------------------------------------------------------------------------------


class _Cli:
    """The ``pressfacts`` CLI as a subprocess in its own session (so one killpg ends it and its children)."""

    def __init__(self, tmp: Path, source: Path, warehouse: Path) -> None:
        self.env = {**os.environ, "PREFECT_HOME": str(tmp / "prefect-home"), "PYTHONUNBUFFERED": "1"}
        self.args = [
            str(REPO / ".venv" / "bin" / "pressfacts"),
            "run",
            "--source",
            str(source),
            "--warehouse",
            str(warehouse),
            "--docs",
            str(tmp / "docs"),
        ]
        self.log = tmp / "cli.log"

    def start(self) -> subprocess.Popen:
        with self.log.open("ab") as log:
            return subprocess.Popen(self.args, cwd=REPO, env=self.env, stdout=log, stderr=log, start_new_session=True)

    def run(self) -> int:
        proc = self.start()
        return proc.wait(timeout=600)


def _fingerprint(warehouse: Path) -> tuple[str, dict[str, int]]:
    """The published file's digest and its row counts (opening it proves it is a sound database)."""
    digest = hashlib.sha256(warehouse.read_bytes()).hexdigest()
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        tables = con.execute(
            "select table_schema || '.' || table_name from information_schema.tables "
            "where table_schema in ('marts', 'audit', 'raw') order by 1"
        ).fetchall()
        counts = {t: con.execute(f"select count(*) from {t}").fetchone()[0] for (t,) in tables}
    finally:
        con.close()
    return digest, counts


def _kill_when(proc: subprocess.Popen, ready, timeout: float = 300) -> object:
    """SIGKILL ``proc``'s session as soon as ``ready()`` returns something; returns that."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = ready()
        if found:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=60)
            return found
        if proc.poll() is not None:
            pytest.fail(f"the run ended (exit {proc.returncode}) before the moment to kill it")
        time.sleep(0.05)
    os.killpg(proc.pid, signal.SIGKILL)
    pytest.fail("the moment to kill the run never came")


def _mtime(path: Path) -> float:
    try:
        return path.stat().st_mtime if path.is_file() else 0.0
    except OSError:  # dbt replaced it meanwhile
        return 0.0


def _builds(warehouse: Path) -> set[Path]:
    return set(warehouse.parent.glob(f".{warehouse.name}.build-*"))


@pytest.fixture(scope="module")
def kill_scenario(tmp_path_factory):
    """Publish once, kill a run in its build/load step, kill one in dbt, then run again.

    A new page lands before each killed run: runs are incremental, and one with nothing new
    would skip validation and dbt.
    """
    from flows.store.dbt_runner import default_build_dir

    tmp = tmp_path_factory.mktemp("kill")
    source = tmp / "landing"
    shutil.copytree(REPO / "flows" / "sample_pages", source)
    warehouse = tmp / "wh" / "pressfacts.duckdb"
    cli = _Cli(tmp, source, warehouse)
    out: dict[str, object] = {"log": cli.log}
    out["first_exit"] = cli.run()
    out["before"] = _fingerprint(warehouse)

    (source / "new one.txt").write_text(article(1))
    before = _builds(warehouse)
    proc = cli.start()
    out["killed_in_load"] = _kill_when(proc, lambda: _builds(warehouse) - before)
    out["after_load_kill"] = _fingerprint(warehouse)

    (source / "new two.txt").write_text(article(2))
    before = _builds(warehouse)
    proc = cli.start()

    dbt_dirs = [warehouse.parent / ".dbt"]  # where the flow keeps dbt's target/ and logs/
    build_seen_at: list[float] = []

    def dbt_running() -> list[Path]:
        """Files dbt wrote after this run's build appeared (dbt parses, compiles and runs into target/)."""
        new = _builds(warehouse) - before
        if not new:
            return []
        if not build_seen_at:
            build_seen_at.append(time.time())
        dirs = dbt_dirs + [default_build_dir(b) for b in new]
        return [p for d in dirs for p in d.rglob("*") if _mtime(p) > build_seen_at[0]]

    out["killed_in_dbt"] = _kill_when(proc, dbt_running)
    out["after_dbt_kill"] = _fingerprint(warehouse)
    out["stale_after_kills"] = _builds(warehouse)
    out["next_exit"] = cli.run()
    out["after_next"] = _fingerprint(warehouse)
    out["stale_after_next"] = _builds(warehouse)
    return out


@pytest.mark.e2e
def test_killed_runs_leave_the_published_warehouse_untouched(kill_scenario) -> None:
    k = kill_scenario
    assert k["first_exit"] == 0, Path(k["log"]).read_text()[-3000:]
    assert k["killed_in_load"] and k["killed_in_dbt"]
    assert k["after_load_kill"] == k["before"]
    assert k["after_dbt_kill"] == k["before"]
    assert k["before"][1]["marts.dim_articles"] > 0


@pytest.mark.e2e
def test_the_next_run_recovers_by_itself(kill_scenario) -> None:
    k = kill_scenario
    assert k["next_exit"] == 0, Path(k["log"]).read_text()[-3000:]
    counts_before, counts_after = k["before"][1], k["after_next"][1]
    # the next run and, recorded by it, the two killed runs (status killed: they never reached a build)
    assert counts_after["audit.runs"] == counts_before["audit.runs"] + 3
    assert counts_after["marts.dim_articles"] == counts_before["marts.dim_articles"] + 2  # the two new pages


@pytest.mark.e2e
def test_stale_build_files_are_swept_by_the_next_run(kill_scenario) -> None:
    assert kill_scenario["stale_after_kills"], "the kills should have left build files behind"
    assert not kill_scenario["stale_after_next"]


if __name__ == "__main__":  # pragma: no cover - handy for a manual look at a landing folder
    sys.exit(pytest.main([__file__, "-q"]))
