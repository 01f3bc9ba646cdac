"""`osm script` command behaviour (spec §3.5), driven through ScriptCommand directly."""

from __future__ import annotations

import io
import json

import pytest

from one_shot_man.command.builtins.script import NO_SCRIPT_HINT, ScriptCommand, find_script
from one_shot_man.errors import CommandError, ScriptError, UsageError
from one_shot_man.storage import clear_all_in_memory_sessions


@pytest.fixture(autouse=True)
def _memory_sessions(monkeypatch, tmp_path):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("OSM_STORE", "memory")
    yield
    clear_all_in_memory_sessions()


def run(args: list[str], **options) -> tuple[int, str, str]:
    cmd = ScriptCommand()
    for key, value in options.items():
        setattr(cmd.options, key, value)
    out, err = io.StringIO(), io.StringIO()
    code = cmd.execute(args, out, err)
    return code, out.getvalue(), err.getvalue()


def test_inline_script_prints():
    assert run([], script='output.print("hello from osm")') == (0, "hello from osm\n", "")


def test_test_mode_logs_file_script_by_basename(tmp_path):
    (tmp_path / "simple.js").write_text("ctx.log('ran');")
    code, out, _ = run(["simple.js"], test=True)
    assert code == 0
    assert out == "[simple.js] ran\n"


def test_inline_script_logs_as_command_line():
    _, out, _ = run([], script="ctx.log('inline')", test=True)
    assert out == "[command-line] inline\n"


def test_script_found_under_scripts_directory(tmp_path):
    (tmp_path / "scripts").mkdir()
    (tmp_path / "scripts" / "nested.js").write_text("output.print('nested ran ' + args.join(','));")
    _, out, _ = run(["nested.js", "x", "y z"])
    assert out == "nested ran x,y z\n"


def test_arguments_after_the_script_file_are_the_scripts(tmp_path):
    """`osm script a.js x "y z"`: Go HEAD's convention (the baseline took x for a file)."""
    (tmp_path / "a.js").write_text("output.print(JSON.stringify(args));")
    _, out, _ = run(["a.js", "x", "y z", "--session", "q"])
    assert out == '["x","y z","--session","q"]\n'


def test_a_bad_script_file_is_refused_before_any_engine(tmp_path):
    (tmp_path / "dir.js").mkdir()
    (tmp_path / "latin1.js").write_bytes(b"// caf\xe9\n")
    made = []

    def factory(*args, **kwargs):
        made.append(1)
        raise AssertionError("no engine for a script that cannot run")

    for name, reason in (("dir.js", "it is a directory"), ("latin1.js", "it is not UTF-8 text")):
        cmd = ScriptCommand(engine_factory=factory)
        with pytest.raises(ScriptError) as info:
            cmd.execute([name], io.StringIO(), io.StringIO())
        assert str(info.value).startswith(f"failed to load script {name}: {reason}")
        assert "Errno" not in str(info.value)
    assert made == []


def test_missing_script_file():
    with pytest.raises(CommandError, match=r"script file not found: nope\.js"):
        run(["nope.js"])


def test_files_run_before_inline_and_share_globals(tmp_path):
    (tmp_path / "a.js").write_text("var shared = 'from a';")
    _, out, _ = run(["a.js"], script="output.print(shared)")
    assert out == "from a\n"


def test_thrown_error_is_script_execution_failed():
    with pytest.raises(ScriptError, match="script execution failed") as info:
        run([], script="throw new Error('kaboom')")
    assert "kaboom" in str(info.value)
    assert "command-line:1:" in str(info.value)


def test_file_error_names_the_file(tmp_path):
    (tmp_path / "bad.js").write_text("\nnull.x;")
    with pytest.raises(ScriptError, match=r"failed to evaluate script bad\.js: script execution"):
        run(["bad.js"])


def test_no_script_specified():
    cmd = ScriptCommand()
    err = io.StringIO()
    with pytest.raises(UsageError, match="no script specified"):
        cmd.execute([], io.StringIO(), err)
    assert err.getvalue() == NO_SCRIPT_HINT + "\n"


def test_invalid_log_level_before_engine():
    def factory(*a, **k):  # pragma: no cover - must not be called
        raise AssertionError("engine created")

    cmd = ScriptCommand(engine_factory=factory)
    cmd.options.log_level = "loud"
    cmd.options.script = "1"
    with pytest.raises(UsageError, match="invalid log level: loud"):
        cmd.execute([], io.StringIO(), io.StringIO())


def test_engine_factory_error_is_wrapped():
    def factory(*a, **k):
        raise RuntimeError("no engine for you")

    cmd = ScriptCommand(engine_factory=factory)
    cmd.options.script = "1"
    with pytest.raises(ScriptError, match="failed to create scripting engine: no engine for you"):
        cmd.execute([], io.StringIO(), io.StringIO())


def test_interactive_runs_the_shell_after_scripts():
    calls = []

    def runner(engine, config):
        calls.append(engine.get_global("ready"))
        engine.print_to_user("shell ran")

    cmd = ScriptCommand(terminal_runner=runner)
    cmd.options.interactive = True
    cmd.options.script = "var ready = 'yes';"
    out = io.StringIO()
    assert cmd.execute([], out, io.StringIO()) == 0
    assert calls == ["yes"]
    assert out.getvalue() == "shell ran\n"


def test_interactive_without_scripts_is_allowed():
    ran = []
    cmd = ScriptCommand(terminal_runner=lambda engine, config: ran.append(True))
    cmd.options.interactive = True
    err = io.StringIO()
    assert cmd.execute([], io.StringIO(), err) == 0
    assert ran == [True]
    assert err.getvalue() == ""


def test_log_file_receives_json_lines(tmp_path):
    log_path = tmp_path / "out.log"
    run([], script='log.info("test log entry", {foo: "bar"});', log_file=str(log_path))
    records = [json.loads(line) for line in log_path.read_text().splitlines()]
    assert records[0]["msg"] == "test log entry"
    assert records[0]["foo"] == "bar"


def test_log_file_that_cannot_be_opened(tmp_path):
    with pytest.raises(CommandError, match="failed to open log file"):
        run([], script="1", log_file=str(tmp_path / "no" / "such" / "dir.log"))


def test_pending_timers_run_before_exit():
    _, out, _ = run(
        [],
        script="setTimeout(function () { output.print('later'); }, 20);"
        "Promise.resolve().then(function () { output.print('micro'); });"
        "output.print('now');",
    )
    assert out == "now\nmicro\nlater\n"


def test_context_stats_from_inline_script(tmp_path):
    content = "[metadata]\nname = x\n"
    (tmp_path / "setup.cfg").write_text(content)
    _, out, _ = run(
        [], script='context.addPath("setup.cfg"); output.print(JSON.stringify(context.getStats()))'
    )
    assert json.loads(out) == {
        "totalPaths": 1,
        "files": 1,
        "directories": 0,
        "totalSize": len(content),
    }


def test_find_script_absolute_paths_are_not_checked(tmp_path):
    assert find_script("/definitely/not/here.js") == "/definitely/not/here.js"


def test_async_errors_fail_the_command_after_the_loop_ran():
    cmd = ScriptCommand()
    cmd.options.script = (
        "setTimeout(function () { throw new Error('late'); }, 1);"
        "setTimeout(function () { output.print('still ran'); }, 5);"
        "Promise.reject(new Error('nobody'));"
    )
    out, err = io.StringIO(), io.StringIO()
    with pytest.raises(
        ScriptError, match=r"^2 uncaught errors in timers or promises \(printed above\)$"
    ):
        cmd.execute([], out, err)
    assert out.getvalue() == "still ran\n"
    assert "unhandled promise rejection: Error: nobody" in err.getvalue()
    assert "uncaught exception in timer callback: Error: late" in err.getvalue()
