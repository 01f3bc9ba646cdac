"""The `osm` entry point: global flags, dispatch, usage on -h, exit codes (spec 1.2-1.5)."""

from __future__ import annotations

import io
import os
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

from one_shot_man import __version__
from one_shot_man.cli import main, run
from one_shot_man.command import BaseCommand, Registry
from one_shot_man.config import Config
from one_shot_man.errors import CommandError

REPO = Path(__file__).resolve().parents[2]


def osm(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = run(list(argv), out, err)
    return code, out.getvalue(), err.getvalue()


# -- tests the Go project has (cmd/osm/main_test.go) ------------------------------------


def test_no_args_prints_help() -> None:
    code, out, err = osm()
    assert code == 0 and err == ""
    assert "Available commands" in out


@pytest.mark.parametrize("argv", [["--help"], ["-h", "session"], ["-h", "version"], ["-h", "-h"]])
def test_global_help(argv: list[str]) -> None:
    code, out, err = osm(*argv)
    assert code == 0 and err == ""
    assert "Available commands" in out


@pytest.mark.parametrize("name", ["nope", "version ", "OSM", "osm-test", "osm_test", "x" * 500])
def test_unknown_command(name: str) -> None:
    code, out, err = osm(name)
    assert code == 1 and out == ""
    assert err == (
        f"Unknown command: {name}\n"
        "Use 'osm help' to see available commands; use 'osm help <command>' for details "
        "(includes flags).\n"
    )


def test_version() -> None:
    assert osm("version") == (0, f"one-shot-man version {__version__}\n", "")


@pytest.mark.parametrize("flag", ["-h", "--help", "-help"])
def test_command_help_goes_to_stdout_and_exits_zero(flag: str) -> None:
    """Asked-for help is output, as `osm help <command>` (issue 15; Go wrote stderr)."""
    code, out, err = osm("version", flag)
    assert code == 0 and err == ""
    assert out == "Usage: version\n\nDisplay version information\n\nOptions:\n"


def test_workflow_help_goes_to_stdout_like_osm_help() -> None:
    code, out, err = osm("code-review", "--help")
    assert (code, err) == (0, "")
    assert out.startswith("Usage: code-review [options]\n") and "-session string" in out


def test_session_delete_help() -> None:
    code, out, err = osm("session", "delete", "-h")
    assert code == 0 and err == ""
    assert "Usage:" in out


def test_help_config_lists_flags() -> None:
    code, out, _ = osm("help", "config")
    assert code == 0
    assert "Flags:" in out and "-global" in out and "-all" in out


@pytest.mark.parametrize(("flag", "shown"), [("-z", "-z"), ("--unknown", "-unknown")])
def test_unknown_global_flag(flag: str, shown: str) -> None:
    assert osm(flag) == (1, "", f"Error: flag provided but not defined: {shown}\n")


def test_main_with_no_args_prints_help(capsys: pytest.CaptureFixture[str]) -> None:
    assert main([]) == 0
    assert "Available commands" in capsys.readouterr().out


# -- per-command flags ------------------------------------------------------------------


class Flagged(BaseCommand):
    def __init__(self) -> None:
        super().__init__("flagged", "A command with flags", "flagged [options] [file]")
        self.seen: tuple[str, bool, list[str]] | None = None

    def setup_flags(self, flags):  # type: ignore[no-untyped-def]
        self._e = flags.string("e", "", "code (short form)")
        self._i = flags.bool("i", False, "interactive")

    def execute(self, args, stdout, stderr):  # type: ignore[no-untyped-def]
        self.seen = (self._e.value, self._i.value, args)
        if args and args[0] == "fail":
            raise CommandError("it failed")
        return 0


def flagged_run(*argv: str) -> tuple[int, str, str, Flagged]:
    registry = Registry(Config())
    cmd = Flagged()
    registry.register(cmd)
    out, err = io.StringIO(), io.StringIO()
    code = run(["flagged", *argv], out, err, registry=registry)
    return code, out.getvalue(), err.getvalue(), cmd


def test_flag_value_bound_and_rest_positional() -> None:
    code, _, _, cmd = flagged_run("-e", "console.log('x')", "extra")
    assert code == 0
    assert cmd.seen == ("console.log('x')", False, ["extra"])


def test_flag_value_takes_dash_h() -> None:
    code, _, err, cmd = flagged_run("-e", "-h")
    assert code == 0 and err == ""
    assert cmd.seen == ("-h", False, [])


def test_flags_after_first_positional_are_arguments() -> None:
    _, _, _, cmd = flagged_run("file", "-i")
    assert cmd.seen == ("", False, ["file", "-i"])


def test_unknown_command_flag_prints_usage_and_error() -> None:
    code, out, err, cmd = flagged_run("-x")
    assert code == 1 and out == "" and cmd.seen is None
    assert err == (
        "Usage: flagged [options] [file]\n\nA command with flags\n\nOptions:\n"
        "  -e string\n    \tcode (short form)\n  -i\tinteractive\n"
        "Error: flag provided but not defined: -x\n"
    )


def test_missing_flag_value() -> None:
    code, _, err, _ = flagged_run("-e")
    assert code == 1
    assert err.endswith("Error: flag needs an argument: -e\n")


def test_command_error_is_one_line() -> None:
    code, out, err, _ = flagged_run("fail")
    assert (code, out, err) == (1, "", "Error: it failed\n")


def test_exit_status_of_command_is_returned() -> None:
    class Three(BaseCommand):
        def execute(self, args, stdout, stderr):  # type: ignore[no-untyped-def]
            return 3

    registry = Registry(Config(), builtins=False)
    registry.register(Three("three", "d", "three"))
    assert run(["three"], io.StringIO(), io.StringIO(), registry=registry) == 3


def test_keyboard_interrupt_exits_130(monkeypatch: pytest.MonkeyPatch) -> None:
    import one_shot_man.cli as cli

    def interrupted(*a: object, **k: object) -> int:
        raise KeyboardInterrupt

    monkeypatch.setattr(cli, "run", interrupted)
    assert main(["version"]) == 130


@pytest.mark.skipif(os.name == "nt", reason="POSIX scripts")
def test_script_command_exit_code_propagates(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    scripts = tmp_path / "scripts"
    scripts.mkdir()
    tool = scripts / "tool"
    tool.write_text("#!/bin/sh\nexit 7\n")
    tool.chmod(0o755)
    monkeypatch.chdir(tmp_path)
    assert osm("trust")[0] == 0  # ./scripts is a project's: it needs consent (issue 14)
    code, out, err = osm("tool", "a")
    assert (code, out, err) == (7, "", "")
    code, out, _ = osm("tool", "-h")
    assert code == 0 and out.startswith("Usage: tool [options] [args...]\n\nScript command: tool\n")


def test_config_load_error_warns_and_continues(
    isolated_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    bad = isolated_home / "cfgdir"
    bad.mkdir()
    monkeypatch.setenv("OSM_CONFIG", str(bad))
    code, out, err = osm("version")
    assert code == 0 and out.startswith("one-shot-man version")
    assert err.startswith("Warning: failed to load config: ")
    assert err.count("\n") == 1


# -- through a real process -------------------------------------------------------------


def proc(
    *argv: str, home: Path, stdin: str | None = "", **env: str
) -> subprocess.CompletedProcess[str]:
    environ = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("OSM_", "TMUX", "STY", "SSH_", "TERM_SESSION"))
    }
    environ.update(HOME=str(home), XDG_CONFIG_HOME=str(home / ".config"), **env)
    return subprocess.run(
        [sys.executable, "-m", "one_shot_man", *argv],
        input=stdin,
        capture_output=True,
        text=True,
        env=environ,
        cwd=home,
        timeout=60,
        check=False,
    )


def test_proc_version(isolated_home: Path) -> None:
    r = proc("version", home=isolated_home)
    assert (r.returncode, r.stdout, r.stderr) == (0, f"one-shot-man version {__version__}\n", "")


def test_proc_help(isolated_home: Path) -> None:
    r = proc("help", home=isolated_home)
    assert r.returncode == 0 and r.stderr == ""
    assert "Built-in commands:" in r.stdout and "  session" in r.stdout


def test_proc_session_id(isolated_home: Path) -> None:
    r = proc("session", "id", home=isolated_home, OSM_SESSION="abc")
    assert r.returncode == 0 and r.stderr == ""
    assert r.stdout.startswith("ex--abc_") and r.stdout.endswith("\n")
    r = proc("session", "id", "--session", "tmux--5_12345", home=isolated_home)
    assert r.stdout == "tmux--5_12345\n"


def test_proc_session_list_creates_nothing(isolated_home: Path) -> None:
    sdir = isolated_home / ".config" / "osm" / "sessions"
    sdir.mkdir(parents=True)
    (sdir / "s.session.json").write_text("{}")
    (sdir / "a.json").write_text("{}")
    r = proc("session", "list", home=isolated_home)
    assert r.returncode == 0 and r.stderr == ""
    assert r.stdout.startswith("s\t") and r.stdout.endswith("\tidle\n")
    assert sorted(os.listdir(sdir)) == ["a.json", "s.session.json"]


def test_proc_session_delete_dry_run_with_closed_stdin(isolated_home: Path) -> None:
    sdir = isolated_home / ".config" / "osm" / "sessions"
    sdir.mkdir(parents=True)
    (sdir / "s.session.json").write_text("{}")
    r = subprocess.run(
        [
            sys.executable,
            "-c",
            "import os,sys; os.close(0); from one_shot_man.cli import main; "
            "sys.exit(main(['session','delete','--dry-run','s']))",
        ],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
        env={
            **os.environ,
            "HOME": str(isolated_home),
            "XDG_CONFIG_HOME": str(isolated_home / ".config"),
        },
    )
    assert (r.returncode, r.stdout, r.stderr) == (0, "Dry-run: would delete session s\n", "")
    assert os.listdir(sdir) == ["s.session.json"]


def test_proc_config_and_init(isolated_home: Path) -> None:
    r = proc("init", home=isolated_home)
    assert r.returncode == 0 and r.stderr == ""
    assert f"Initialized one-shot-man configuration at: {isolated_home}/.osm/config" in r.stdout
    r = proc("config", "color", "never", home=isolated_home)
    assert (r.returncode, r.stdout) == (0, "Set configuration: color = never\n")
    r = proc("config", "color", home=isolated_home)
    assert r.stdout == "color: never\n"
    r = proc("config", "--all", home=isolated_home)
    assert "Global configuration:\n  color: never\n  verbose: false\n" in r.stdout
    assert "  [help]\n    pager: less\n" in r.stdout
    assert "# Global options" in (isolated_home / ".osm" / "config").read_text()


def test_proc_unknown_command(isolated_home: Path) -> None:
    r = proc("frobnicate", home=isolated_home)
    assert r.returncode == 1 and r.stdout == ""
    assert r.stderr.splitlines() == [
        "Unknown command: frobnicate",
        "Use 'osm help' to see available commands; use 'osm help <command>' for details "
        "(includes flags).",
    ]


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["-z"], "Error: flag provided but not defined: -z"),
        (["session", "list", "-format", "xml"], 'Error: invalid format: "xml"'),
        (["session", "info", "../etc"], "Error: invalid session ID"),
        (["completion", "tcsh"], "Error: unsupported shell: tcsh"),
    ],
)
def test_proc_errors_are_one_line_without_traceback(
    isolated_home: Path, argv: list[str], message: str
) -> None:
    r = proc(*argv, home=isolated_home)
    assert r.returncode == 1
    assert "Traceback" not in r.stderr
    assert r.stderr.splitlines()[-1].startswith(message)


def test_proc_bad_command_flag(isolated_home: Path) -> None:
    r = proc("version", "-bogus", home=isolated_home)
    assert r.returncode == 1 and "Traceback" not in r.stderr
    assert r.stderr.startswith("Usage: version\n")
    assert r.stderr.endswith("Error: flag provided but not defined: -bogus\n")


def test_proc_broken_pipe_is_quiet(isolated_home: Path) -> None:
    # The reader (`true`) exits before osm writes, so every write hits a closed pipe.
    code = (
        "import sys, time; time.sleep(0.3); from one_shot_man.cli import main; "
        "print('status', main(['help']), file=sys.stderr)"
    )
    r = subprocess.run(
        ["sh", "-c", f"{shlex.quote(sys.executable)} -c {shlex.quote(code)} | true"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
        env={**os.environ, "HOME": str(isolated_home)},
    )
    assert r.stderr == "status 141\n"


_IMPORT_PROBE = """
import sys
sys.path.insert(0, {repo!r})
before = set(sys.modules)
from one_shot_man.cli import main
code = main(['version'])
sys.stdout.flush()
print(' '.join(sorted(set(sys.modules) - before)), file=sys.stderr)
sys.exit(code)
"""

FORBIDDEN = {
    "argparse",
    "json",
    "subprocess",
    "datetime",
    "typing",
    "msgspec",
    "quickjs",
    "_quickjs",
    "one_shot_man.storage",
    "one_shot_man.scripting",
    "one_shot_man.session",
    "dataclasses",
    "tokenizers",
    "one_shot_man.tokencount",
}


def test_version_imports_nothing_heavy(isolated_home: Path) -> None:
    """`-S` skips site (whose editable-install hook imports re and pathlib by itself)."""
    r = subprocess.run(
        [sys.executable, "-S", "-c", _IMPORT_PROBE.format(repo=str(REPO))],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
        env={**os.environ, "HOME": str(isolated_home)},
    )
    assert r.returncode == 0, r.stderr
    assert r.stdout == f"one-shot-man version {__version__}\n"
    imported = set(r.stderr.split())
    assert "one_shot_man.command.builtins.version" in imported
    assert not imported & FORBIDDEN, sorted(imported & FORBIDDEN)
    assert not {m for m in imported if m.startswith(("msgspec", "quickjs", "one_shot_man.storage"))}
    others = {m for m in imported if m.startswith("one_shot_man.command.")}
    assert others <= {
        "one_shot_man.command.builtins",
        "one_shot_man.command.flags",
        "one_shot_man.command.registry",
        "one_shot_man.command.builtins.version",
    }


def _probe(code: str, home: Path) -> set[str]:
    r = subprocess.run(
        [sys.executable, "-S", "-c", code],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
        env={**os.environ, "HOME": str(home)},
    )
    assert r.returncode == 0, r.stderr
    return set(r.stderr.split())


def test_version_does_not_import_re_or_argparse(isolated_home: Path) -> None:
    imported = _probe(_IMPORT_PROBE.format(repo=str(REPO)), isolated_home)
    assert "argparse" not in imported
    assert "re" not in imported, sorted(imported)


def test_os_error_from_command_is_one_line() -> None:
    class Disk(BaseCommand):
        def execute(self, args, stdout, stderr):  # type: ignore[no-untyped-def]
            raise PermissionError(13, "Permission denied", "/x/y")

    registry = Registry(Config(), builtins=False)
    registry.register(Disk("disk", "d", "disk"))
    out, err = io.StringIO(), io.StringIO()
    assert run(["disk"], out, err, registry=registry) == 1
    assert err.getvalue() == "Error: Permission denied: /x/y\n"


def test_general_help_imports_no_command_module(isolated_home: Path) -> None:
    """`osm help` lists every built-in from the registry's table, importing none of them."""
    code = (
        "import sys\n"
        f"sys.path.insert(0, {str(REPO)!r})\n"
        "from one_shot_man.cli import main\n"
        "main(['help'])\n"
        "print(' '.join(m for m in sys.modules if m.startswith('one_shot_man.command.')),"
        " file=sys.stderr)\n"
    )
    imported = set(_probe(code, isolated_home))
    builtin_modules = {
        "one_shot_man.command.builtins." + m
        for m in ("version", "config", "init", "session", "completion", "script")
    }
    assert "one_shot_man.command.builtins.help" in imported
    assert not imported & builtin_modules, sorted(imported & builtin_modules)


_SCRIPT_PROBE = """
import sys
sys.path.insert(0, {repo!r})
before = set(sys.modules)
from one_shot_man.cli import main
code = main(['script', '-e', 'output.print(1)'])
sys.stdout.flush()
print(' '.join(sorted(set(sys.modules) - before)), file=sys.stderr)
sys.exit(code)
"""


def test_osm_script_loads_the_engine_but_not_storage_or_typing(isolated_home: Path) -> None:
    """`osm script -e` has a start-up budget (3x python -c pass): a script that never
    touches state must not pay for the session store (msgspec) or for `typing`."""
    tokenizer = isolated_home / "tokenizer.json"  # configured, but nothing is counted
    r = subprocess.run(
        [sys.executable, "-c", _SCRIPT_PROBE.format(repo=str(REPO))],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
        env={**os.environ, "HOME": str(isolated_home), "OSM_TOKENIZER": str(tokenizer)},
    )
    assert r.returncode == 0, r.stderr
    assert r.stdout == "1\n"
    imported = set(r.stderr.split())
    assert "_quickjs" in imported and "one_shot_man.scripting.engine" in imported
    heavy = {"typing", "msgspec", "quickjs", "argparse", "one_shot_man.storage.schema"}
    heavy |= {"tokenizers", "one_shot_man.tokencount", "one_shot_man.scripting.modules.tokenizer"}
    assert not imported & heavy, sorted(imported & heavy)


def test_version_without_a_config_file_loads_no_config_parser(isolated_home: Path) -> None:
    """The parser and value parsers are for a config file; with none, start-up skips them."""
    imported = _probe(_IMPORT_PROBE.format(repo=str(REPO)), isolated_home)
    assert "one_shot_man.config.location" in imported
    assert not imported & {"one_shot_man.config.parser", "one_shot_man.config.values"}
