"""`osm:exec`, `osm:os`, `osm:time`, `osm:unicodetext` from JavaScript (spec §5.3.3-5.3.7)."""

from __future__ import annotations

import json
import shutil
import stat
import sys
import tempfile
import time
from pathlib import Path

import pytest

from one_shot_man.errors import ScriptError
from one_shot_man.scripting import Engine
from one_shot_man.scripting.modules import os_ as os_module
from one_shot_man.scripting.modules.os_ import sanitize_filename
from tests.scripting.support import js, js_engine


@pytest.fixture
def engine(request):
    setup = (
        "var X = require('osm:exec'), O = require('osm:os'), T = require('osm:time'),"
        " U = require('osm:unicodetext');"
    )
    with js_engine(f"sys-{request.node.name}", setup) as eng:
        yield eng


def test_exec_success_failure_and_start_error(engine):
    ok = js(engine, "X.exec('sh', '-c', 'echo out; echo err >&2')")
    assert ok == {"stdout": "out\n", "stderr": "err\n", "code": 0, "error": False, "message": ""}
    bad = js(engine, "X.execv(['sh', '-c', 'exit 3'])")
    assert (bad["code"], bad["error"], bad["message"]) == (3, True, "exit status 3")
    missing = js(engine, "X.exec('definitely-not-a-command-xyz')")
    assert missing["code"] == -1 and missing["error"] is True
    assert "executable file not found" in missing["message"]
    coerced = js(engine, "X.exec('echo', 1, true)")
    assert coerced["stdout"] == "1 true\n"


@pytest.mark.parametrize(
    ("expression", "message"),
    [
        ("X.exec()", "exec: missing command"),
        ("X.exec('')", "exec: command must be a non-empty string"),
        ("X.exec(5)", "exec: command must be a non-empty string"),
        ("X.execv([])", "execv: no argv"),
        ("X.execv(['ls', 5])", "execv: expects array of strings"),
    ],
)
def test_exec_bad_input_is_returned_not_thrown(engine, expression, message):
    assert js(engine, expression) == {
        "stdout": "",
        "stderr": "",
        "code": -1,
        "error": True,
        "message": message,
    }


def test_read_file_and_file_exists(engine, tmp_path):
    f = tmp_path / "a.txt"
    f.write_text("content ✓")
    assert js(engine, f"O.readFile({json.dumps(str(f))})") == {
        "content": "content ✓",
        "error": False,
        "message": "",
    }
    assert js(engine, "O.readFile('')") == {"error": True, "message": "empty path", "content": ""}
    missing = js(engine, f"O.readFile({json.dumps(str(tmp_path / 'nope'))})")
    assert missing["error"] is True and "no such file or directory" in missing["message"]
    assert js(
        engine, f"[O.fileExists({json.dumps(str(f))}), O.fileExists(''), O.fileExists('/no/such')]"
    ) == [
        True,
        False,
        False,
    ]


def test_getenv(engine, monkeypatch):
    monkeypatch.setenv("OSM_TEST_VALUE", "v1")
    assert js(engine, "[O.getenv('OSM_TEST_VALUE'), O.getenv('OSM_UNSET_X'), O.getenv()]") == [
        "v1",
        "",
        "",
    ]


@pytest.mark.parametrize(
    ("hint", "expected"),
    [("sp ace", "sp-ace"), ("ümlaut", "mlaut"), ("***invalid***", "invalid"), ("", "untitled")],
)
def test_sanitize_filename(hint, expected):
    assert sanitize_filename(hint) == expected


@pytest.mark.skipif(sys.platform == "win32", reason="shell-script editor")
def test_open_editor_uses_visual_and_returns_edited_text(engine, tmp_path, monkeypatch):
    editor = tmp_path / "fake-editor"
    seen = tmp_path / "seen"
    editor.write_text(f'#!/bin/sh\nbasename "$1" > {seen}\nprintf "edited" >> "$1"\n')
    editor.chmod(editor.stat().st_mode | stat.S_IEXEC)
    monkeypatch.setenv("VISUAL", str(editor))
    assert js(engine, "O.openEditor('sp ace', 'initial ')") == "initial edited"
    assert seen.read_text().strip() == "sp-ace"


def editor_error(engine: Engine, call: str) -> str:
    """The message `call` throws in JS (the test fails if it returns normally)."""
    engine.stdout.seek(0)
    engine.stdout.truncate()
    engine.execute_script(
        "t", f"try {{ {call}; output.print('NO ERROR'); }} catch (e) {{ output.print(e.message); }}"
    )
    return engine.stdout.getvalue().rstrip("\n")


def script(path, body: str):
    path.write_text("#!/bin/sh\n" + body)
    path.chmod(path.stat().st_mode | stat.S_IEXEC)
    return path


@pytest.mark.skipif(sys.platform == "win32", reason="shell-script editor")
def test_a_failing_editor_is_an_error_and_typed_text_is_kept(engine, tmp_path, monkeypatch):
    failing = script(tmp_path / "failing-editor", "exit 3\n")
    monkeypatch.setenv("VISUAL", str(failing))
    assert editor_error(engine, "O.openEditor('x', 'kept')") == (
        f"editor '{failing}' exited with status 3"
    )
    # The user typed something, then the editor failed: the file stays and is named.
    typed = script(tmp_path / "typed-editor", 'printf "my words" > "$1"\nexit 1\n')
    monkeypatch.setenv("VISUAL", str(typed))
    message = editor_error(engine, "O.openEditor('note', '')")
    prefix = f"editor '{typed}' exited with status 1; your text is kept in "
    assert message.startswith(prefix)
    kept = Path(message[len(prefix) :])
    assert kept.name == "note" and kept.read_text() == "my words"
    shutil.rmtree(kept.parent)


def test_a_missing_editor_program_is_named(engine, tmp_path, monkeypatch):
    monkeypatch.setenv("EDITOR", "nosuch-editor-xyz")
    monkeypatch.delenv("VISUAL", raising=False)
    assert editor_error(engine, "O.openEditor('x', 'text')") == (
        "cannot start editor 'nosuch-editor-xyz': No such file or directory "
        "(set $VISUAL or $EDITOR)"
    )


@pytest.mark.skipif(sys.platform == "win32", reason="shell-script editor")
def test_editor_value_is_split_into_program_and_arguments(engine, tmp_path, monkeypatch):
    args_seen = tmp_path / "args"
    fake = script(tmp_path / "code", f'echo "$1 $(basename "$2")" > {args_seen}\n')
    monkeypatch.setenv("VISUAL", f"{fake} -w")
    assert js(engine, "O.openEditor('paths', 'same')") == "same"
    assert args_seen.read_text() == "-w paths\n"
    # A path with a space that exists is still one program (as Go ran it).
    spaced = tmp_path / "my editor"
    spaced.mkdir()
    one = script(spaced / "ed it", 'printf "!" >> "$1"\n')
    monkeypatch.setenv("VISUAL", str(one))
    assert js(engine, "O.openEditor('x', 'hi')") == "hi!"


@pytest.mark.skipif(sys.platform == "win32", reason="shell-script editor")
def test_a_chosen_editor_never_reads_piped_input(engine, tmp_path, monkeypatch):
    got = tmp_path / "stdin-bytes"
    reader = script(tmp_path / "reader", f'cat > {got}\nprintf "done" > "$1"\n')
    monkeypatch.setenv("VISUAL", str(reader))
    monkeypatch.setattr(os_module, "_stdin_is_terminal", lambda: False)
    assert js(engine, "O.openEditor('x', '')") == "done"
    assert got.read_bytes() == b""  # /dev/null, not the shell's pipe


def test_without_a_chosen_editor_piped_input_is_refused(engine, monkeypatch):
    monkeypatch.delenv("VISUAL", raising=False)
    monkeypatch.delenv("EDITOR", raising=False)
    monkeypatch.setattr(os_module, "_stdin_is_terminal", lambda: False)
    assert editor_error(engine, "O.openEditor('x', '')") == (
        "cannot open an editor: standard input is not a terminal"
    )


def test_without_any_editor_on_a_terminal_the_error_says_what_to_set(engine, tmp_path, monkeypatch):
    monkeypatch.delenv("VISUAL", raising=False)
    monkeypatch.delenv("EDITOR", raising=False)
    monkeypatch.setenv("PATH", str(tmp_path))
    monkeypatch.setattr(os_module, "_stdin_is_terminal", lambda: True)
    if sys.platform == "win32":
        pytest.skip("notepad is always there")
    assert editor_error(engine, "O.openEditor('x', '')") == (
        "no editor available: set $VISUAL or $EDITOR"
    )


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX shell")
def test_clipboard_copy_via_osm_clipboard(engine, tmp_path, monkeypatch):
    target = tmp_path / "clip.txt"
    monkeypatch.setenv("OSM_CLIPBOARD", f"cat > {target}")
    engine.execute_script("t", "O.clipboardCopy('exact\\nbytes ✓')")
    assert target.read_bytes() == "exact\nbytes ✓".encode()
    result = js(engine, "O.clipboardCopy('again')")
    assert result == {
        "copied": True,
        "method": "$OSM_CLIPBOARD",
        "where": "clipboard via $OSM_CLIPBOARD",
        "savedTo": "",
        "message": "",
    }


def test_clipboard_without_tools_prints_through_output(engine, tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path))
    monkeypatch.delenv("WAYLAND_DISPLAY", raising=False)
    monkeypatch.delenv("DISPLAY", raising=False)
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path / "tmp"))
    result = js(engine, "O.clipboardCopy('the prompt')")
    assert engine.stdout.getvalue().startswith(
        "[clipboard] No system clipboard available; printing content below\nthe prompt\n"
    )
    saved = Path(result["savedTo"])
    assert saved.parent == tmp_path / "tmp" and saved.read_text() == "the prompt"
    assert result["copied"] is False and result["method"] == "stdout"
    assert result["message"] == (
        f"No clipboard available: the prompt is printed above and saved to {saved}"
    )


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX shell")
@pytest.mark.parametrize(
    ("command", "why"),
    [
        ("echo oops >&2; exit 3", "exit status 3: oops"),
        ("sleep 30", "hung: no exit within 0.3 s, so it was stopped"),
    ],
)
def test_a_failing_clipboard_command_is_named_with_why(engine, tmp_path, monkeypatch, command, why):
    """Issue 15 item 6: the user learns their command failed and how, not 'no clipboard'."""
    monkeypatch.setenv("OSM_CLIPBOARD", command)
    monkeypatch.setattr(os_module, "CLIPBOARD_TIMEOUT", 0.3)
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    result = js(engine, "O.clipboardCopy('the prompt')")
    header = engine.stdout.getvalue().splitlines()[0]
    assert header.startswith(
        f"[clipboard] The clipboard command failed: $OSM_CLIPBOARD ({command}): {why}"
    )
    assert header.endswith("; printing content below")
    assert "No system clipboard" not in header
    assert result["copied"] is False
    assert result["reason"].startswith(f"the clipboard command failed: $OSM_CLIPBOARD ({command})")
    assert result["where"] == f"printed above and saved to {result['savedTo']}"


def test_clipboard_without_sink_raises(tmp_path, monkeypatch):
    from one_shot_man.scripting.bridge import HostError
    from one_shot_man.scripting.modules.os_ import clipboard_copy

    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(HostError, match="no system clipboard available"):
        clipboard_copy("x", None)


def test_sleep_blocks_the_script(engine):
    start = time.perf_counter()
    engine.execute_script("t", "T.sleep(50); T.sleep(-1); T.sleep('x');")
    assert time.perf_counter() - start >= 0.045


@pytest.mark.parametrize(
    ("text", "width"),
    [
        ("hello", 5),
        ("日本語", 6),
        ("e\u0301", 1),
        ("👍", 2),
        ("👨\u200d👩\u200d👧", 2),
        ("🇯🇵", 2),
        ("", 0),
    ],
)
def test_unicode_width(engine, text, width):
    assert js(engine, f"U.width({json.dumps(text)})") == width


def test_unicode_truncate(engine):
    assert js(engine, "U.truncate('hello world', 20)") == "hello world"
    assert js(engine, "U.truncate('hello world', 8)") == "hello..."
    assert js(engine, "U.truncate('日本語テキスト', 7, '…')") == "日本語…"
    assert js(engine, "U.truncate('abcdef', 2, '...')") == "..."
    with pytest.raises(ScriptError, match="truncate requires at least 2 arguments"):
        engine.execute_script("t", "U.truncate('x')")


@pytest.mark.skipif(sys.platform != "linux", reason="Linux clipboard tool chain")
def test_clipboard_uses_fake_wl_copy_on_path(engine, tmp_path, monkeypatch):
    target = tmp_path / "wl.txt"
    tool = tmp_path / "wl-copy"
    tool.write_text(f"#!/bin/sh\ncat > {target}\n")
    tool.chmod(tool.stat().st_mode | stat.S_IEXEC)
    monkeypatch.setenv("PATH", f"{tmp_path}:/usr/bin:/bin")
    monkeypatch.setenv("WAYLAND_DISPLAY", "wayland-0")
    engine.execute_script("t", "O.clipboardCopy('to wayland')")
    assert target.read_text() == "to wayland"
    assert "No system clipboard" not in engine.stdout.getvalue()
