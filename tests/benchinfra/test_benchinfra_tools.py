"""Tests for the benchmark infrastructure's tools (tools/asv_compare.py, tools/vendor_dashboard.py).

They pin the parts that break silently when asv changes: the compare table format, the results
file layout, the gate's decision rules (with the numbers measured on the dev box), and the
rewriting of the dashboard's CDN tags. No asv run, no network.
"""

from __future__ import annotations

import io
import json
import tarfile
from pathlib import Path

import pytest

from tools import asv_compare, vendor_dashboard

# Captured from `asv compare --factor 1.1 A B` (asv 0.6.6), trimmed; includes every row kind.
COMPARE_OUTPUT = """
All benchmarks:

| Change   | Before [1dba6ff0] <probe>   | After [95354d59] <inj>   | Ratio   | Benchmark (Parameter)                          |
|----------|-----------------------------|--------------------------|---------|------------------------------------------------|
|          | 3.98±0.2μs                  | 3.75±0.2μs               | 0.94    | config.ConfigGrowth.time_load_from_reader(10)  |
| +        | 348±20μs                    | 782±80μs                 | 2.25    | storage.FileSystemIO.time_atomic_write_file    |
|          | 727±2000μs                  | 5.87±6ms                 | ~8.08   | session.Growth.time_reads(16)                  |
| -        | 555±200μs                   | 299±20μs                 | 0.54    | storage.FileSystemIO.time_bare_fsync_write     |
| !        | 671±50ns                    | failed                   | n/a     | session.Ids.time_get_session_id('explicit')    |
|          | 28.5M                       | 28.4M                    | 1.00    | config.ConfigLoading.peakmem_new_config        |
"""


def test_parse_table_reads_every_row_kind() -> None:
    rows = {r.name: r for r in asv_compare.parse_table(COMPARE_OUTPUT)}
    assert len(rows) == 6
    slower = rows["storage.FileSystemIO.time_atomic_write_file"]
    assert (slower.mark, slower.before, slower.after, slower.ratio) == (
        "+",
        "348±20μs",
        "782±80μs",
        2.25,
    )
    assert slower.significant and slower.changed
    noisy = rows["session.Growth.time_reads(16)"]
    assert noisy.ratio == 8.08 and not noisy.significant and noisy.changed
    crashed = rows["session.Ids.time_get_session_id('explicit')"]
    assert crashed.after == "failed" and crashed.ratio is None and crashed.changed
    same = rows["config.ConfigGrowth.time_load_from_reader(10)"]
    assert same.mark == " " and not same.changed


def test_parse_table_strips_machine_env_suffix() -> None:
    text = "| + | 1.00ms | 2.00ms | 2.00 | mod.Cls.time_x(1) [vm/virtualenv-py3.11] |\n"
    (row,) = asv_compare.parse_table(text)
    assert row.name == "mod.Cls.time_x(1)"


def test_exact_regex_selects_only_the_named_parameter_combination() -> None:
    import re

    names = ["session.Ids.time_get_session_id('explicit')", "a.B.time_c"]
    rx = re.compile(asv_compare.exact_regex(names))
    assert rx.search("session.Ids.time_get_session_id('explicit')")
    assert rx.search("a.B.time_c")
    assert not rx.search("a.B.time_c_more")
    assert not rx.search("session.Ids.time_get_session_id('tmux')")


def _write_results(path: Path, results: dict[str, list[object]]) -> None:
    cols = [
        "result",
        "params",
        "version",
        "started_at",
        "duration",
        "stats_ci_99_a",
        "stats_ci_99_b",
        "stats_q_25",
        "stats_q_75",
        "stats_number",
        "stats_repeat",
        "samples",
        "profile",
    ]
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({"result_columns": cols, "results": results, "version": 2}))


def test_load_results_unrolls_parameters_and_samples(tmp_path: Path) -> None:
    sha = "95354d59aaaabbbbccccddddeeeeffff00001111"
    _write_results(
        tmp_path / "vm" / f"{sha[:8]}-virtualenv-py3.11.json",
        {
            "m.C.time_p": [[1.0, 2.0], [["1", "10"]], "1", 0, 0.1]
            + [None] * 6
            + [[[1.2, 1.0, 1.1], [2.5, 2.0]]],
            "m.C.peakmem_x": [[28e6], [], "1", 0],
            "m.C.time_failed": [None, [], "1", 0],
        },
    )
    got = asv_compare.load_results(tmp_path, "vm", sha)
    assert got["m.C.time_p(1)"].value == 1.0 and got["m.C.time_p(1)"].best == 1.0
    assert got["m.C.time_p(10)"].best == 2.0
    assert got["m.C.peakmem_x"].best == 28e6  # no samples: falls back to the value
    assert got["m.C.time_failed"].value is None
    assert asv_compare.load_results(tmp_path, "other-machine", sha) == {}


def _measured(value: float, *samples: float) -> asv_compare.Measured:
    return asv_compare.Measured(value, tuple(samples))


def test_needs_rerun_in_both_directions_on_either_statistic() -> None:
    base = _measured(100.0, 90.0, 100.0)
    assert asv_compare.needs_rerun(base, _measured(150.0, 140.0), 1.4)  # slower
    assert asv_compare.needs_rerun(base, _measured(53.0, 50.0), 1.4)  # the 0.53 "improvement"
    assert asv_compare.needs_rerun(base, _measured(110.0, 130.0), 1.4)  # best sample only
    assert not asv_compare.needs_rerun(base, _measured(120.0, 100.0), 1.4)
    assert not asv_compare.needs_rerun(base, None, 1.4)


@pytest.mark.parametrize(
    ("value_ratio", "best_ratio", "holds"),
    [
        (0.47, 2.32, False),  # identical code, bimodal I/O benchmark (measured)
        (0.99, 1.46, False),  # identical code, fsync benchmark (measured)
        (1.56, 1.62, True),  # get_session_id run twice (measured)
        (2.13, 2.49, True),  # atomic_write_file run twice (measured)
        (1.31, 1.25, False),  # a diluted slowdown below the factor
        (1.96, None, True),  # track_/peakmem_: value only
        (None, None, False),  # missing on one side
    ],
)
def test_a_rerun_needs_both_statistics(
    value_ratio: float | None, best_ratio: float | None, holds: bool
) -> None:
    assert asv_compare.rerun_holds(value_ratio, best_ratio, 1.4) is holds


def test_confirmation_needs_every_required_rerun() -> None:
    # Identical code, one re-run during an I/O burst (measured), then a quiet one.
    burst = asv_compare.Confirmation([(1.65, 1.59)])
    assert burst.holds(1.4) and not burst.confirmed(1.4, 2)
    burst.reruns.append((0.98, 1.01))
    assert not burst.holds(1.4) and not burst.confirmed(1.4, 2)
    real = asv_compare.Confirmation([(2.13, 2.49), (1.9, 2.0)])
    assert real.confirmed(1.4, 2)
    assert "re-run 2: ratio 1.90, best-of-runs 2.00" in real.describe()
    assert not asv_compare.Confirmation([]).confirmed(1.4, 0 + 1)


def test_markdown_lists_changes_with_verdicts() -> None:
    rows = asv_compare.parse_table(COMPARE_OUTPUT)
    confirm = {
        "storage.FileSystemIO.time_atomic_write_file": asv_compare.Confirmation(
            [(2.13, 2.49), (1.9, 2.0)]
        ),
        "storage.FileSystemIO.time_bare_fsync_write": asv_compare.Confirmation([(0.91, 1.03)]),
        "session.Growth.time_reads(16)": asv_compare.Confirmation([(1.65, 1.59), (0.98, 1.0)]),
    }
    text = asv_compare.markdown(
        rows, ("main", "HEAD"), ("a" * 40, "b" * 40), (1.1, 1.4), confirm, asv_compare.REGRESSION, 2
    )
    assert text.startswith("### Benchmarks: `main` (aaaaaaaa) vs `HEAD` (bbbbbbbb)")
    assert "**FAIL: confirmed regression" in text
    lines = [line for line in text.splitlines() if line.startswith("| ") and "`" in line]
    assert "fails on HEAD" in lines[0]  # failures first
    assert any("time_atomic_write_file" in ln and "regression, confirmed" in ln for ln in lines)
    assert any("time_bare_fsync_write" in ln and "faster (re-run" in ln for ln in lines)
    assert any("time_reads(16)" in ln and "not confirmed at 1.4x" in ln for ln in lines)
    assert not any("time_load_from_reader(10)" in ln for ln in lines)  # unchanged rows omitted


def _fake_npm_cache(cache: Path) -> None:
    """Tarballs shaped like `npm pack` output for the packages the test page uses."""
    files = {
        ("jquery", "3.3.1"): {"dist/jquery.min.js": b"/* jquery */"},
        ("bootstrap", "3.1.1"): {
            "dist/css/bootstrap.min.css": b"/* css */",
            **{f"dist/fonts/glyphicons-halflings-regular.{e}": b"f" for e in ("eot", "svg", "ttf", "woff")},
        },
    }  # fmt: skip
    cache.mkdir(parents=True)
    for (name, version), members in files.items():
        with tarfile.open(cache / f"{name}-{version}.tgz", "w:gz") as tar:
            for rel, data in members.items():
                info = tarfile.TarInfo(f"package/{rel}")
                info.size = len(data)
                tar.addfile(info, io.BytesIO(data))


PAGE = """<html><head>
<script src="https://code.jquery.com/jquery-3.3.1.min.js" integrity="sha256-FgpCb/KJQlLNfOu91ta32o/NMZxltwRo8QtmkMRdAu8=" crossorigin="anonymous" onerror="js_load_failure()"></script>
<link rel="stylesheet" href="https://cdn.jsdelivr.net/npm/bootstrap@3.1.1/dist/css/bootstrap.min.css" integrity="sha256-x" crossorigin="anonymous">
<script src="asv.js"></script>
</head><body><a href="https://github.com/airspeed-velocity/asv/">asv</a></body></html>
"""


def test_vendor_page_rewrites_cdn_tags_to_local_copies(tmp_path: Path) -> None:
    cache, html = tmp_path / "cache", tmp_path / "html"
    _fake_npm_cache(cache)
    html.mkdir()
    (html / "index.html").write_text(PAGE)
    rows = vendor_dashboard.vendor_page(html / "index.html", html, cache)
    page = (html / "index.html").read_text()
    assert 'src="vendor/jquery-3.3.1/dist/jquery.min.js" onerror="js_load_failure()"' in page
    assert 'href="vendor/bootstrap-3.1.1/dist/css/bootstrap.min.css"' in page
    assert "integrity=" not in page and "crossorigin=" not in page
    assert 'href="https://github.com/airspeed-velocity/asv/"' in page  # links stay
    assert (html / "vendor/jquery-3.3.1/dist/jquery.min.js").read_bytes() == b"/* jquery */"
    assert (html / "vendor/bootstrap-3.1.1/dist/fonts/glyphicons-halflings-regular.woff").is_file()
    assert [r["identical_to_cdn"] for r in rows] == [False, False]
    assert vendor_dashboard.vendor_page(html / "index.html", html, cache) == []  # idempotent


def test_vendor_page_refuses_unknown_cdn_files(tmp_path: Path) -> None:
    (tmp_path / "index.html").write_text('<script src="https://cdn.example/new-lib.js"></script>')
    with pytest.raises(vendor_dashboard.VendorError, match=r"new-lib\.js"):
        vendor_dashboard.vendor_page(tmp_path / "index.html", tmp_path, tmp_path / "cache")


def test_vendor_map_covers_the_installed_asv_page() -> None:
    """Every CDN file of the asv version in .venv is known (fails first when asv is upgraded)."""
    asv = pytest.importorskip("asv")
    page = (Path(asv.__file__).parent / "www" / "index.html").read_text(encoding="utf-8")
    urls = {m.group(3) for m in vendor_dashboard.TAG_RE.finditer(page)}
    assert urls and urls <= vendor_dashboard.CDN_FILES.keys()
