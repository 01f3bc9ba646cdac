"""`osm tokenize`: the copy summary's figures for files and standard input, through the CLI."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tests.copysummary_support import BAR, expected_summary, whitespace_tokens, write_tokenizer

TEXT = "def f(x):\n    return x + 1\n"


def osm(*args: str, stdin: str = "", cwd: Path | None = None, **env: str):
    import os

    return subprocess.run(
        [sys.executable, "-m", "one_shot_man", "tokenize", *args],
        input=stdin,
        capture_output=True,
        text=True,
        cwd=cwd,
        env={**os.environ, **env},
        timeout=60,
    )


def figures_of(text: str, tokenizer: Path | None = None) -> str:
    """`N tokens (counter) · L lines · size`: the copy summary without verb or destination."""
    line = expected_summary(text, "", verb="", tokenizer=tokenizer)
    return line.strip().strip(BAR).strip()


def test_a_file(tmp_path: Path) -> None:
    path = tmp_path / "f.py"
    path.write_text(TEXT)
    done = osm(str(path))
    assert done.returncode == 0, done.stderr
    assert done.stdout == f"{path} {BAR} 12 tokens (estimate) · 2 lines · 27 B {BAR}\n"
    assert done.stdout == f"{path} {BAR} {figures_of(TEXT)} {BAR}\n"


def test_standard_input_when_no_file_is_named() -> None:
    done = osm(stdin=TEXT)
    assert done.returncode == 0, done.stderr
    assert done.stdout == f"(stdin) {BAR} {figures_of(TEXT)} {BAR}\n"


def test_several_files_get_a_total(tmp_path: Path) -> None:
    a, b = tmp_path / "a.txt", tmp_path / "b.txt"
    a.write_text("hello world\n")
    b.write_text("x" * 2000)
    done = osm(str(a), str(b))
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == [
        f"{a} {BAR} 3 tokens (estimate) · 1 line · 12 B {BAR}",
        f"{b} {BAR} 334 tokens (estimate) · 1 line · 2.0 kB {BAR}",
        f"total {BAR} 337 tokens (estimate) · 2 lines · 2.0 kB {BAR}",
    ]


def test_quiet_prints_only_the_token_count(tmp_path: Path) -> None:
    assert osm("-quiet", stdin=TEXT).stdout == "12\n"


def test_a_tokenizer_file_from_the_flag_the_environment_or_the_config(tmp_path: Path) -> None:
    pytest.importorskip("tokenizers")
    tok = write_tokenizer(tmp_path / "tok.json")
    text = "the quick, brown fox.\n"
    expected = f"(stdin) {BAR} {figures_of(text, tok)} {BAR}\n"
    assert f"{whitespace_tokens(text)} tokens (tok.json)" in expected
    assert osm("-tokenizer", str(tok), stdin=text).stdout == expected
    assert osm(stdin=text, OSM_TOKENIZER=str(tok)).stdout == expected
    config = tmp_path / "config"
    config.write_text(f"tokenizer {tok}\n")
    assert osm(stdin=text, OSM_CONFIG=str(config)).stdout == expected


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["missing.txt"], "Error: tokenize missing.txt: no such file or directory"),
        (["."], "Error: tokenize .: is a directory"),
        (["-tokenizer", "nope.json", "x"], "Error: tokenizer nope.json: no such file or directory"),
    ],
)
def test_errors_are_one_line(tmp_path: Path, args: list[str], message: str) -> None:
    done = osm(*args, cwd=tmp_path)
    assert done.returncode != 0
    assert done.stderr.strip().splitlines() == [message]
    assert "Traceback" not in done.stderr


def test_listed_in_help() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "one_shot_man", "help"], capture_output=True, text=True, timeout=60
    )
    assert "tokenize" in done.stdout
    assert "Count the tokens, lines and bytes of files (or standard input)" in done.stdout
