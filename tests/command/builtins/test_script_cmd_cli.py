"""`osm script` through the real CLI in a child process (spec §3.5, §1.5)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[3]


def osm(*args: str, cwd: Path, home: Path, env: dict[str, str] | None = None):
    environment = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("OSM_", "TMUX", "STY", "SSH_")) and k != "TERM_SESSION_ID"
    }
    environment.update(
        HOME=str(home),
        XDG_CONFIG_HOME=str(home / ".config"),
        XDG_STATE_HOME=str(home / ".local" / "state"),
        PYTHONPATH=str(REPO),
    )
    environment.update(env or {})
    return subprocess.run(
        [sys.executable, "-m", "one_shot_man", *args],
        cwd=cwd,
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
    )


@pytest.fixture
def home(tmp_path):
    path = tmp_path / "home"
    path.mkdir()
    return path


def test_inline_print(tmp_path, home):
    result = osm("script", "-e", 'output.print("hello from osm")', cwd=tmp_path, home=home)
    assert (result.returncode, result.stdout, result.stderr) == (0, "hello from osm\n", "")


def test_context_stats_from_repo_root(home):
    result = osm(
        "script",
        "-e",
        'context.addPath("setup.cfg"); output.print(JSON.stringify(context.getStats()))',
        cwd=REPO,
        home=home,
    )
    assert result.returncode == 0, result.stderr
    stats = json.loads(result.stdout)
    assert stats == {
        "totalPaths": 1,
        "files": 1,
        "directories": 0,
        "totalSize": (REPO / "setup.cfg").stat().st_size,
    }


def test_session_is_persisted_on_disk(tmp_path, home):
    result = osm(
        "script",
        "-session",
        "cli-test",
        "-e",
        "tui.createState('demo', {[Symbol('n')]: {defaultValue: 0}}).set(Symbol('n'), 3)",
        cwd=tmp_path,
        home=home,
    )
    assert result.returncode == 0, result.stderr
    files = [p for p in home.rglob("*.session.json") if "archive" not in p.parts]
    assert len(files) == 1
    assert json.loads(files[0].read_text())["scriptState"] == {"demo": {"n": 3}}


def test_error_exit_code_and_message(tmp_path, home):
    result = osm("script", "-e", "throw new Error('kaboom')", cwd=tmp_path, home=home)
    assert result.returncode == 1
    assert result.stdout == ""
    assert result.stderr.startswith("Error: script execution failed: Error: kaboom")
    assert "command-line:1:" in result.stderr


def test_e_value_then_extra_positional(tmp_path, home):
    (tmp_path / "extra").write_text("output.print('extra file ran');")
    result = osm("script", "-e", "console.log('x')", "extra", cwd=tmp_path, home=home)
    assert result.returncode == 0, result.stderr
    assert result.stdout == "extra file ran\nx\n"


def test_dash_h_as_e_value_is_javascript(tmp_path, home):
    result = osm("script", "-e", "-h", cwd=tmp_path, home=home)
    assert result.returncode == 1
    assert "script execution failed" in result.stderr


def test_no_script_specified(tmp_path, home):
    result = osm("script", cwd=tmp_path, home=home)
    assert result.returncode == 1
    assert "No script file specified." in result.stderr
    assert "Error: no script specified" in result.stderr


def test_memory_store_flag_leaves_no_session_file(tmp_path, home):
    result = osm("script", "-store", "memory", "-e", "output.print(1)", cwd=tmp_path, home=home)
    assert result.returncode == 0, result.stderr
    assert list(home.rglob("*.session.json")) == []


def test_interactive_shell_reads_piped_lines(tmp_path, home):
    setup = (
        "tui.registerMode({name: 'm', commands: {hi: {handler: function (a) {"
        " output.print('hi ' + a.join(' ')); }}}}); tui.switchMode('m');"
    )
    result = subprocess.run(
        [sys.executable, "-m", "one_shot_man", "script", "-i", "-e", setup],
        input="hi there\noutput.print(6 * 7)\nexit\n",
        cwd=tmp_path,
        env={
            **os.environ,
            "HOME": str(home),
            "XDG_CONFIG_HOME": str(home / ".config"),
            "PYTHONPATH": str(REPO),
            "OSM_STORE": "memory",
        },
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert "Switched to mode: m\n" in result.stdout
    assert "hi there\n" in result.stdout
    assert "42\n" in result.stdout


# -- issue 15 item 8: arguments, and errors that say what happened, once ---------------------


def test_script_arguments_reach_the_script(tmp_path, home):
    (tmp_path / "a.js").write_text("output.print(JSON.stringify(args));")
    r = osm("script", "--store", "memory", "a.js", "x", "y z", cwd=tmp_path, home=home)
    assert (r.returncode, r.stdout, r.stderr) == (0, '["x","y z"]\n', "")


def test_a_timer_error_is_printed_once(tmp_path, home):
    r = osm(
        "script", "--store", "memory", "-e",
        "setTimeout(function () { throw new Error('boom'); }, 1)",
        cwd=tmp_path, home=home,
    )  # fmt: skip
    assert r.returncode == 1
    assert r.stderr.count("boom") == 1, r.stderr
    assert "command-line:1:" in r.stderr


def test_a_rejection_without_a_reason_says_what_happened(tmp_path, home):
    r = osm("script", "--store", "memory", "-e", "Promise.reject()", cwd=tmp_path, home=home)
    assert r.returncode == 1
    assert "Uncaught undefined" not in r.stderr
    assert "rejected with undefined" in r.stderr and "new Error" in r.stderr


def test_an_unknown_osm_module_is_named_at_the_callers_line(tmp_path, home):
    r = osm(
        "script", "--store", "memory", "-e", "var a = 1;\nrequire('osm:nosuch');",
        cwd=tmp_path, home=home,
    )  # fmt: skip
    assert r.returncode == 1
    assert "osm:nosuch" in r.stderr and "osm:ctxutil" in r.stderr
    assert r.stderr.rstrip().endswith("at command-line:2:1"), r.stderr
