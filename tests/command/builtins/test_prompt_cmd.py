"""`osm prompt PATH...`: the workflows' context section in one command, without the engine."""

from __future__ import annotations

import io
import os
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

from one_shot_man.cli import run
from one_shot_man.command.registry import Registry
from one_shot_man.config import Config
from one_shot_man.prompt.build import build_context
from one_shot_man.prompt.context import ContextManager
from tests.copysummary_support import expected_summary

REPO = Path(__file__).resolve().parents[3]
FENCE = "`````"


def osm(*args: str, config: Config | None = None) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    status = run(["prompt", *args], out, err, registry=Registry(config or Config()))
    return status, out.getvalue(), err.getvalue()


def txtar_prompt(*files: tuple[str, str]) -> str:
    body = "".join(f"-- {name} --\n{data}" for name, data in files)
    return f"{FENCE}txtar\n{body}\n{FENCE}\n"


@pytest.fixture
def tree(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    (tmp_path / "src" / "sub").mkdir(parents=True)
    (tmp_path / "src" / "a.py").write_text("print(1)\n")
    (tmp_path / "src" / "sub" / "b.md").write_text("# b\n")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_a_directory_prints_its_files_as_the_workflows_txtar(tree: Path) -> None:
    status, out, err = osm("src")
    assert (status, err) == (0, "")
    assert out == txtar_prompt(("src/a.py", "print(1)\n"), ("src/sub/b.md", "# b\n"))


def test_output_is_the_shared_build_context_text(tree: Path) -> None:
    """The same code as the workflows: ContextManager.to_txtar inside build_context."""
    manager = ContextManager(str(tree))
    manager.add_path("src/a.py")
    manager.add_path("src/sub/b.md")
    items = [{"type": "note", "label": "note", "payload": "look"}]
    expected = build_context(items, {"toTxtar": manager.to_txtar}) + "\n"
    assert osm("src", "-note", "look") == (0, expected, "")


def test_notes_and_diffs_come_first_in_flag_order(tree: Path) -> None:
    subprocess.run(["git", "init", "-q"], cwd=tree, check=True)
    subprocess.run(["git", "add", "-A"], cwd=tree, check=True)
    subprocess.run(
        ["git", "-c", "user.name=t", "-c", "user.email=t@e", "commit", "-qm", "i"],
        cwd=tree,
        check=True,
    )
    (tree / "src" / "a.py").write_text("print(2)\n")
    status, out, err = osm("-note", "first", "-diff=", "-note", "second", "src/a.py")
    assert (status, err) == (0, "")
    assert out.index("### Note: note\n\nfirst") < out.index("### Note: note\n\nsecond")
    assert "### Diff: git diff (default: HEAD)\n\n`````diff\n" in out
    assert "-print(1)\n+print(2)\n" in out
    assert out.endswith(txtar_prompt(("src/a.py", "print(2)\n")))
    status, out, _ = osm("-diff", "HEAD -- src/a.py")
    assert status == 0 and out.startswith("### Diff: git diff HEAD -- src/a.py\n")


def test_a_failing_diff_is_in_the_prompt_and_warned_about(tree: Path) -> None:
    status, out, err = osm("-diff", "--no-such-option", "src/a.py")
    assert status == 0
    assert "### Diff Error: git diff --no-such-option" in out
    assert err.startswith("Warning: Diff Error: git diff --no-such-option: ")


def test_hidden_entries_and_dot_git_are_skipped_unless_asked(tree: Path) -> None:
    (tree / "src" / ".env").write_text("SECRET=1\n")
    (tree / "src" / ".git").mkdir()
    (tree / "src" / ".git" / "HEAD").write_text("ref\n")
    assert ".env" not in osm("src")[1]
    out = osm("src", "-include-hidden")[1]
    assert "-- src/.env --\nSECRET=1\n" in out and ".git" not in out


def test_gitignore_files_are_honoured(tree: Path) -> None:
    (tree / ".gitignore").write_text("*.log\n!keep.log\nbuild/\n/src/sub/\n")
    (tree / "src" / "x.log").write_text("x\n")
    (tree / "src" / "keep.log").write_text("k\n")
    (tree / "build").mkdir()
    (tree / "build" / "out.py").write_text("o\n")
    (tree / "src" / "build").mkdir()
    (tree / "src" / "build" / "gen.py").write_text("g\n")
    (tree / "src" / ".gitignore").write_text("a.py\n")  # a deeper file's rules apply below it
    status, out, _ = osm(".")
    assert status == 0
    names = [line for line in out.splitlines() if line.startswith("-- ")]
    assert names == ["-- src/keep.log --"]
    everything = osm(".", "-ignore-gitignore")[1]
    for name in ("src/x.log", "build/out.py", "src/build/gen.py", "src/sub/b.md", "src/a.py"):
        assert f"-- {name} --" in everything


def test_a_named_file_is_taken_even_when_ignored(tree: Path) -> None:
    (tree / ".gitignore").write_text("*.py\n")
    assert "-- src/a.py --" in osm("src/a.py")[1]
    assert "-- src/a.py --" not in osm(".")[1]


def test_extensions_and_ignore_patterns(tree: Path) -> None:
    (tree / "src" / "c.txt").write_text("c\n")
    out = osm("src", "-e", "py", "--extension", ".md")[1]
    assert "src/a.py" in out and "src/sub/b.md" in out and "c.txt" not in out
    out = osm("src", "-ignore", "*.md", "-ignore", "c.txt")[1]
    assert "src/a.py" in out and "b.md" not in out and "c.txt" not in out


def test_binary_files_skipped_in_directories_refused_by_name(tree: Path) -> None:
    (tree / "src" / "img.png").write_bytes(b"\x89PNG\x00\x01")
    status, out, err = osm("src")
    assert status == 0 and "img.png" not in out and "-- src/a.py --" in out
    assert err == "Skipped 1 binary: src/img.png\n"
    assert osm("src/img.png") == (
        1,
        "",
        "Error: prompt src/img.png: binary file (not put into the prompt)\n",
    )


def test_missing_path_is_named_and_nothing_is_printed(tree: Path) -> None:
    assert osm("src", "nope.py") == (1, "", "Error: prompt nope.py: no such file or directory\n")


def test_nothing_to_do_is_a_usage_error(tree: Path) -> None:
    status, out, err = osm()
    assert status == 1 and out == ""
    assert err == "Error: prompt: give at least one path, -diff or -note (osm help prompt)\n"


def test_output_file_gets_the_prompt_and_stderr_the_summary(tree: Path) -> None:
    target = tree / "prompt.txt"
    status, out, err = osm("src", "-o", str(target))
    assert (status, out) == (0, "")
    text = target.read_text()
    assert text == txtar_prompt(("src/a.py", "print(1)\n"), ("src/sub/b.md", "# b\n"))
    assert err == expected_summary(text, f"to {target}", verb="Saved") + "\n"
    status, _, err = osm("src", "--output", str(tree / "missing" / "p.txt"))
    assert status == 1
    assert err == f"Error: prompt -o {tree / 'missing' / 'p.txt'}: no such file or directory\n"


def test_copy_goes_through_the_clipboard_command_with_the_copy_summary(
    tree: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    sink = tree / "clipboard.txt"
    monkeypatch.setenv("OSM_CLIPBOARD", f"cat > {shlex.quote(str(sink))}")
    status, out, err = osm("src/a.py", "-copy")
    assert (status, out) == (0, "")
    text = sink.read_text()
    assert text == build_context([], {"toTxtar": lambda: "-- src/a.py --\nprint(1)\n"}) + "\n"
    assert err == expected_summary(text, "clipboard via $OSM_CLIPBOARD") + "\n"


def test_copy_that_fails_saves_the_prompt_and_exits_1(
    tree: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("OSM_CLIPBOARD", "exit 3")
    monkeypatch.setenv("TMPDIR", str(tree))
    status, out, err = osm("src/a.py", "-copy")
    assert (status, out) == (1, "")
    first, second = err.splitlines()
    assert first.startswith("Error: the clipboard command failed: $OSM_CLIPBOARD (exit 3)")
    saved = second.rsplit("saved to ", 1)[1].split(" ")[0]
    assert "-- src/a.py --\nprint(1)\n" in Path(saved).read_text()


def test_help_names_the_peers_flags(tree: Path) -> None:
    status, out, _ = osm("-h")
    assert status == 0
    assert out.startswith("Usage: prompt [options] [path ...]\n")
    for flag in ("-e extension", "-include-hidden", "-ignore-gitignore", "-o file", "-copy"):
        assert f"  {flag}" in out


def _child(argv: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        argv,
        capture_output=True,
        text=True,
        cwd=cwd,
        timeout=60,
        check=False,
        env={**os.environ, "HOME": str(cwd)},
    )


def _proc(*args: str, cwd: Path, shell: str = "{}") -> subprocess.CompletedProcess[str]:
    argv = shlex.join([sys.executable, "-m", "one_shot_man", "prompt", *args])
    return _child(["bash", "-c", shell.format(argv)], cwd)


def test_proc_broken_pipe_is_quiet(tree: Path) -> None:
    # The reader (`true`) is gone before osm starts, so the first write hits a closed pipe.
    r = _proc("src", cwd=tree, shell="{{ sleep 0.3; exec {}; }} | true; echo ${{PIPESTATUS[0]}}")
    assert (r.stdout, r.stderr) == ("141\n", "")


def test_proc_error_is_one_line(tree: Path) -> None:
    r = _proc("missing", cwd=tree)
    assert (r.returncode, r.stdout) == (1, "")
    assert r.stderr == "Error: prompt missing: no such file or directory\n"


_PROBE = """
import sys
sys.path.insert(0, {repo!r})
before = set(sys.modules)
from one_shot_man.cli import main
code = main(['prompt', '.'])
sys.stdout.flush()
print(' '.join(sorted(set(sys.modules) - before)), file=sys.stderr)
sys.exit(code)
"""


def test_prompt_starts_no_engine_and_imports_nothing_heavy(tree: Path) -> None:
    r = _child([sys.executable, "-S", "-c", _PROBE.format(repo=str(REPO))], tree)
    assert r.returncode == 0, r.stderr
    assert "-- src/a.py --" in r.stdout
    imported = set(r.stderr.split())
    assert "one_shot_man.command.builtins.prompt" in imported
    heavy = {"_quickjs", "ctypes", "threading", "re", "typing", "json", "subprocess", "collections"}
    heavy |= {"one_shot_man.scripting.engine", "one_shot_man.scripting.runtime", "msgspec"}
    assert not imported & heavy, sorted(imported & heavy)


def test_a_left_out_dangling_symlink_is_no_error(tree: Path) -> None:
    """Editors leave `.#name` lock links pointing nowhere; a hidden one must not stop the build."""
    (tree / "src" / ".#a.py").symlink_to(tree / "nowhere")
    status, out, err = osm("src")
    assert (status, err) == (0, "") and "-- src/a.py --" in out
    (tree / "src" / "broken.py").symlink_to(tree / "nowhere")
    status, out, err = osm("src")
    assert (status, out) == (1, "")
    assert err == "Error: prompt src/broken.py: no such file or directory\n"
