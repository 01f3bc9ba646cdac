"""`osm session` (core spec Part 4, tests of 4.8) plus the fixed defects: looking creates no
files, `-dry-run` never prompts, odd file names do not break listing."""

from __future__ import annotations

import io
import json
import os
import re
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from one_shot_man.command import FlagSet
from one_shot_man.command.builtins.session import SessionCommand
from one_shot_man.config import Config
from one_shot_man.errors import CommandError, OsmError, SessionError, UsageError
from one_shot_man.storage import (
    acquire_lock_handle,
    lock_file_path,
    release_lock_handle,
    session_file_path,
)


class Result:
    def __init__(self, code: int, out: str, err: str) -> None:
        self.code, self.out, self.err = code, out, err


@pytest.fixture
def sdir(sessions_dir: Path) -> Path:
    sessions_dir.mkdir(parents=True)
    return sessions_dir


@pytest.fixture
def held() -> Iterator[list[object]]:
    handles: list[object] = []
    yield handles
    for h in handles:
        release_lock_handle(h)  # type: ignore[arg-type]


def make_session(sdir: Path, sid: str, age_s: float = 0.0, lock: bool = False) -> Path:
    path = sdir / f"{sid}.session.json"
    path.write_text(json.dumps({"id": sid}))
    if lock:
        (sdir / f"{sid}.session.lock").write_text("")
    when = time.time() - age_s
    os.utime(path, (when, when))
    return path


def hold_lock(sdir: Path, sid: str, handles: list[object]) -> None:
    handle = acquire_lock_handle(sdir / f"{sid}.session.lock")
    assert handle is not None
    handles.append(handle)


def session(
    args: list[str],
    sdir: Path | None = None,
    *,
    config: Config | None = None,
    stdin: object = None,
    flags: list[str] | None = None,
) -> Result:
    cmd = SessionCommand(config or Config(), stdin=stdin, sessions_dir=sdir)  # type: ignore[arg-type]
    fs = FlagSet("session")
    cmd.setup_flags(fs)
    rest = fs.parse([*(flags or []), *args])
    out, err = io.StringIO(), io.StringIO()
    code = cmd.execute(rest, out, err)
    return Result(code, out.getvalue(), err.getvalue())


def listing(sdir: Path) -> list[str]:
    return sorted(os.listdir(sdir))


# -- list ---------------------------------------------------------------------------


def test_list_and_clean_by_age(sdir: Path) -> None:
    make_session(sdir, "old", age_s=48 * 3600)
    make_session(sdir, "new", age_s=3600, lock=True)
    config = Config()
    config.sessions.max_age_days = 1
    res = session(["list"], sdir, config=config)
    lines = res.out.splitlines()
    assert [line.split("\t")[0] for line in lines] == ["new", "old"]
    assert all(line.endswith("\tidle") for line in lines)
    res = session(["clean", "-y"], sdir, config=config)
    assert "removed: old" in res.out.splitlines()
    assert not (sdir / "old.session.json").exists()
    assert (sdir / "new.session.json").exists()


def test_list_text_line_format(sdir: Path, held: list[object]) -> None:
    make_session(sdir, "abc")
    hold_lock(sdir, "abc", held)
    line = session([], sdir).out
    sid, stamp, size, state = line.rstrip("\n").split("\t")
    assert sid == "abc" and state == "active"
    assert size == f"{(sdir / 'abc.session.json').stat().st_size} bytes"
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(Z|[+-]\d\d:\d\d)", stamp)


def test_list_empty(sdir: Path) -> None:
    assert session(["list"], sdir).out == "No sessions found\n"
    assert session(["list", "-format", "json"], sdir).out == "[]\n"


def test_list_missing_directory_creates_nothing(tmp_path: Path) -> None:
    missing = tmp_path / "no" / "sessions"
    assert session(["list"], missing).out == "No sessions found\n"
    assert not (tmp_path / "no").exists()


def test_list_json(sdir: Path) -> None:
    make_session(sdir, "one")
    make_session(sdir, "two", lock=True)
    data = json.loads(session(["list", "-format=json"], sdir).out)
    assert [d["id"] for d in data] == ["one", "two"]
    assert set(data[0]) == {"id", "path", "lockPath", "size", "updateTime", "createTime", "active"}
    assert data[1]["active"] is False


def test_list_sort_active(sdir: Path, held: list[object]) -> None:
    make_session(sdir, "a-active", age_s=1800)
    make_session(sdir, "b-idle-recent", age_s=600)
    make_session(sdir, "c-idle-old", age_s=3 * 3600)
    hold_lock(sdir, "a-active", held)
    out = session(["list", "-sort", "active"], sdir).out
    assert [line.split("\t")[0] for line in out.splitlines()] == [
        "a-active",
        "b-idle-recent",
        "c-idle-old",
    ]
    default = session(["list"], sdir).out
    assert [line.split("\t")[0] for line in default.splitlines()] == [
        "a-active",
        "b-idle-recent",
        "c-idle-old",
    ]


def test_list_invalid_format_and_sort(sdir: Path) -> None:
    with pytest.raises(UsageError, match=r'^invalid format: "xml"$'):
        session(["list", "-format", "xml"], sdir)
    with pytest.raises(UsageError, match=r'^invalid sort: "Active"$'):
        session(["list", "-sort", "Active"], sdir)


def test_list_creates_no_files(sdir: Path, held: list[object]) -> None:
    make_session(sdir, "s1")
    make_session(sdir, "s2")
    make_session(sdir, "s3")
    hold_lock(sdir, "s3", held)
    before = listing(sdir)
    session(["list"], sdir)
    session(["list", "-format", "json", "-sort", "active"], sdir)
    session([], sdir)
    assert listing(sdir) == before
    assert "s1.session.lock" not in before


@pytest.mark.parametrize(
    "name", ["a.json", "x.json", "notes.json", "config.json", "x.session.lock"]
)
def test_short_and_foreign_file_names_do_not_break_listing(sdir: Path, name: str) -> None:
    (sdir / name).write_text("{}")
    make_session(sdir, "real")
    out = session(["list"], sdir).out
    assert [line.split("\t")[0] for line in out.splitlines()] == ["real"]


# -- id / path / info -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "pattern"),
    [
        ("env-session", r"ex--env-session_[0-9a-f]{2}"),
        ("ex--from-env", r"ex--from-env_[0-9a-f]{2}"),
        ("ssh--a1b2c3d4e5f67890", r"ssh--a1b2c3d4e5f67890"),
        ("screen--a1b2c3d4e5f67890", r"screen--a1b2c3d4e5f67890"),
        ("terminal--a1b2c3d4e5f67890", r"terminal--a1b2c3d4e5f67890"),
        ("anchor--a1b2c3d4e5f67890", r"anchor--a1b2c3d4e5f67890"),
        ("tmux--5_12345", r"tmux--5_12345"),
        ("custom--user/name", r"custom--user_name_[0-9a-f]{16}"),
    ],
)
def test_id_from_env_and_flag(value: str, pattern: str, monkeypatch: pytest.MonkeyPatch) -> None:
    assert re.fullmatch(pattern + "\n", session(["id", "--session", value]).out)
    assert re.fullmatch(pattern + "\n", session(["id", f"-session={value}"]).out)
    monkeypatch.setenv("OSM_SESSION", value)
    assert re.fullmatch(pattern + "\n", session(["id"]).out)


def test_id_help_mentions_session_flag() -> None:
    res = session(["id", "-h"])
    assert res.code == 0 and res.err == ""
    assert res.out.startswith("Usage: session id\n\nResolve and print the session id")
    assert "-session string" in res.out
    assert "Session ID for state persistence (overrides auto-discovery)" in res.out


def test_path(sdir: Path) -> None:
    assert session(["path"], sdir).out == f"{sdir}\n"
    assert session(["path", "abc"], sdir).out == f"{session_file_path('abc', sessions_dir=sdir)}\n"


def test_path_default_location(sessions_dir: Path) -> None:
    assert session(["path"]).out == f"{sessions_dir}\n"
    assert session(["path", "x"]).out == f"{session_file_path('x')}\n"
    assert not sessions_dir.exists()


def test_info_prints_raw_bytes(sdir: Path) -> None:
    path = make_session(sdir, "abc")
    assert session(["info", "abc"], sdir).out == path.read_text() + "\n"


def test_info_errors(sdir: Path) -> None:
    with pytest.raises(UsageError, match=r"^info requires a session id$"):
        session(["info"], sdir)
    with pytest.raises(CommandError, match=r"^session not found: missing "):
        session(["info", "missing"], sdir)
    with pytest.raises(OsmError, match="path separator"):
        session(["info", "../x"], sdir)
    with pytest.raises(UsageError, match=r"unexpected arguments after session id: \[b\]"):
        session(["info", "a", "b"], sdir)


def test_unknown_subcommand_and_extra_args(sdir: Path) -> None:
    with pytest.raises(UsageError, match=r"^unknown subcommand: Frobnicate$"):
        session(["Frobnicate"], sdir)
    with pytest.raises(UsageError, match=r"session list: unexpected arguments: \[a b\]"):
        session(["list", "a", "b"], sdir)
    assert session(["LIST"], sdir).out == "No sessions found\n"


# -- delete ---------------------------------------------------------------------------


def test_delete_removes_file_and_lock(sdir: Path) -> None:
    make_session(sdir, "gone", lock=True)
    res = session(["delete", "gone", "-y"], sdir)
    assert res.out == "deleted gone\n"
    assert listing(sdir) == []


@pytest.mark.parametrize(
    "args",
    [["delete", "-y", "x"], ["delete", "x", "-y"], ["delete", "x", "--yes"], ["delete", "x"]],
)
def test_delete_yes_before_or_after_id(sdir: Path, args: list[str]) -> None:
    make_session(sdir, "x")
    flags = ["-y"] if args == ["delete", "x"] else []
    session(args, sdir, flags=flags)
    assert listing(sdir) == []


def test_delete_multiple(sdir: Path) -> None:
    for sid in ("a", "b", "c"):
        make_session(sdir, sid, lock=sid == "b")
    assert session(["delete", "-y", "a", "b", "c"], sdir).out == "deleted a\ndeleted b\ndeleted c\n"
    assert listing(sdir) == []


def test_delete_dry_run_keeps_file(sdir: Path) -> None:
    make_session(sdir, "keep")
    before = listing(sdir)
    res = session(["delete", "keep", "-dry-run", "-y"], sdir)
    assert res.out == "Dry-run: would delete session keep\n"
    assert listing(sdir) == before


@pytest.mark.parametrize("stdin", [None, io.StringIO("")])
def test_delete_dry_run_never_prompts(
    sdir: Path, stdin: io.StringIO | None, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sys, "stdin", None)  # stdin closed: reading would be a bug
    make_session(sdir, "keep")
    for args, flags in ((["delete", "keep", "--dry-run"], []), (["delete", "keep"], ["-dry-run"])):
        res = session(args, sdir, stdin=stdin, flags=flags)
        assert res.out == "Dry-run: would delete session keep\n"
        assert "(y/N)" not in res.out
    assert listing(sdir) == ["keep.session.json"]


def test_clean_and_purge_dry_run_never_prompt(sdir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "stdin", None)
    make_session(sdir, "old", age_s=400 * 86400)
    before = listing(sdir)
    res = session(["clean", "-dry-run"], sdir)
    assert res.out == "Dry-run: the following would be removed:\nold\n"
    res = session(["purge"], sdir, flags=["-dry-run"])
    assert res.out == "Dry-run: the following would be purged:\nold\n"
    assert listing(sdir) == before


def test_delete_session_named_dash_y_after_double_dash(sdir: Path) -> None:
    make_session(sdir, "-y", lock=True)
    res = session(["delete", "-y", "--", "-y"], sdir)
    assert res.out == "deleted -y\n"
    assert listing(sdir) == []


def test_delete_confirmation_eof_aborts(sdir: Path) -> None:
    make_session(sdir, "x")
    res = session(["delete", "x"], sdir, stdin=io.StringIO(""))
    assert res.code == 0
    assert res.out == (
        "Are you sure you want to delete session 'x'? This is irreversible. (y/N): aborted\n"
    )
    assert listing(sdir) == ["x.session.json"]


def test_delete_confirmation_yes_and_plural_prompt(sdir: Path) -> None:
    make_session(sdir, "a")
    make_session(sdir, "b")
    res = session(["delete", "a", "b"], sdir, stdin=io.StringIO(" YES \n"))
    assert res.out.startswith("Are you sure you want to delete 2 sessions? This is irreversible.")
    assert listing(sdir) == []


def test_delete_confirmation_read_error(sdir: Path) -> None:
    class Broken(io.StringIO):
        def readline(self, *a: object) -> str:  # type: ignore[override]
            raise OSError(5, "Input/output error")

    make_session(sdir, "x")
    with pytest.raises(CommandError, match=r"^failed to read confirmation: "):
        session(["delete", "x"], sdir, stdin=Broken())
    assert listing(sdir) == ["x.session.json"]


def test_delete_unknown_flag(sdir: Path) -> None:
    cmd = SessionCommand(Config(), sessions_dir=sdir)
    cmd.setup_flags(FlagSet("session"))
    err = io.StringIO()
    with pytest.raises(UsageError, match="flag provided but not defined: -unknownflag"):
        cmd.execute(["delete", "-unknownflag", "id"], io.StringIO(), err)
    assert err.getvalue().startswith("Usage: session delete <session-id>...")


def test_delete_requires_id(sdir: Path) -> None:
    with pytest.raises(UsageError, match=r"^delete requires a session id$"):
        session(["delete", "-y"], sdir)


def test_delete_missing_session_creates_nothing(sdir: Path) -> None:
    with pytest.raises(CommandError, match=r"^failed to delete: ghost: session not found"):
        session(["delete", "-y", "ghost"], sdir)
    assert listing(sdir) == []


def test_delete_continues_after_failure(sdir: Path) -> None:
    make_session(sdir, "ok")
    with pytest.raises(CommandError) as info:
        session(["delete", "-y", "ghost", "ok", "ghost2"], sdir)
    message = str(info.value)
    assert message.startswith("failed to delete: ghost: ")
    assert "; ghost2: " in message
    assert listing(sdir) == []


def test_delete_with_an_invalid_id_deletes_nothing(sdir: Path) -> None:
    make_session(sdir, "ok")
    with pytest.raises(SessionError, match=r'invalid session ID "\.\./x"'):
        session(["delete", "-y", "ok", "../x"], sdir)
    assert (sdir / "ok.session.json").exists()


def test_delete_active_session_refused(sdir: Path, held: list[object]) -> None:
    make_session(sdir, "busy")
    hold_lock(sdir, "busy", held)
    with pytest.raises(CommandError, match="session busy appears active or locked"):
        session(["delete", "-y", "busy"], sdir)
    assert (sdir / "busy.session.json").exists()


def test_delete_directory_in_place_of_session_keeps_existing_lock(sdir: Path) -> None:
    (sdir / "d.session.json").mkdir()
    (sdir / "d.session.lock").write_text("")
    with pytest.raises(CommandError, match="failed to delete: d: remove"):
        session(["delete", "-y", "d"], sdir)
    assert (sdir / "d.session.lock").exists()


def test_delete_failure_removes_lock_it_created(sdir: Path) -> None:
    (sdir / "d.session.json").mkdir()
    with pytest.raises(CommandError):
        session(["delete", "-y", "d"], sdir)
    assert listing(sdir) == ["d.session.json"]


# -- clean / purge ---------------------------------------------------------------------


def test_purge_removes_every_inactive_session(sdir: Path, held: list[object]) -> None:
    for sid in ("p1", "p2", "p3"):
        make_session(sdir, sid, age_s=60)
    make_session(sdir, "live")
    hold_lock(sdir, "live", held)
    config = Config()
    config.sessions.max_age_days = 365
    res = session(["purge", "-y"], sdir, config=config)
    assert res.err == ""
    purged = [line for line in res.out.splitlines() if line.startswith("purged: ")]
    assert purged == ["purged: p1", "purged: p2", "purged: p3"]
    assert "skipped: live (in use by a running osm)" in res.out.splitlines()
    assert (sdir / "live.session.json").exists()
    assert not (sdir / "p1.session.json").exists()


def test_clean_uses_sessions_config_policy(sdir: Path) -> None:
    for i in range(4):
        make_session(sdir, f"s{i}", age_s=100 * (i + 1))
    config = Config()
    config.sessions.max_count = 1
    res = session(["clean"], sdir, config=config, flags=["-y"])
    assert sorted(res.out.splitlines()) == ["removed: s1", "removed: s2", "removed: s3"]
    assert [n for n in listing(sdir) if n.endswith(".json")] == ["s0.session.json"]


def test_clean_says_why_each_session_was_skipped(sdir: Path, held: list[object]) -> None:
    """Issue 15: `skipped: <id>` alone did not say why."""
    make_session(sdir, "old", age_s=100 * 86400, lock=True)
    make_session(sdir, "busy", age_s=100 * 86400)
    hold_lock(sdir, "busy", held)
    make_session(sdir, "recent", age_s=60, lock=True)
    config = Config()
    config.sessions.max_age_days = 1
    res = session(["clean", "-y"], sdir, config=config)
    assert sorted(res.out.splitlines()) == [
        "removed: old",
        "skipped: busy (in use by a running osm)",
        "skipped: recent (kept by the retention policy)",
    ]


def test_info_explains_the_real_id_of_a_named_session(sdir: Path) -> None:
    """`OSM_SESSION=readme1` is stored as `ex--readme1_<hash>`: `info readme1` finds it."""
    from one_shot_man.session.formatting import format_explicit_id

    real = format_explicit_id("readme1")
    make_session(sdir, real)
    res = session(["info", "readme1"], sdir)
    assert res.code == 0
    assert f'"id": "{real}"' in res.out.replace('"id":"', '"id": "')
    assert res.err == f'Note: the session named "readme1" is stored as "{real}"\n'


def test_info_of_a_missing_session_names_both_ids(sdir: Path) -> None:
    from one_shot_man.errors import CommandError
    from one_shot_man.session.formatting import format_explicit_id

    real = format_explicit_id("nope")
    with pytest.raises(CommandError) as info:
        session(["info", "nope"], sdir)
    text = str(info.value)
    assert text.startswith("session not found: nope")
    assert real in text and "osm session list" in text
    assert "No such file" not in text


def test_clean_confirmation_declined(sdir: Path) -> None:
    make_session(sdir, "old", age_s=400 * 86400)
    res = session(["clean"], sdir, stdin=io.StringIO("n\n"))
    assert res.out == (
        "This will permanently remove sessions according to your configured policies. "
        "Proceed? (y/N): aborted\n"
    )
    assert (sdir / "old.session.json").exists()
    res = session(["purge"], sdir, stdin=io.StringIO(""))
    assert res.out.startswith("This will permanently purge sessions (ignoring retention).")


@pytest.mark.parametrize("sub", ["clean", "purge", "delete"])
def test_subcommand_help_mentions_flags(sub: str, sdir: Path) -> None:
    res = session([sub, "-h"], sdir)
    assert res.code == 0 and res.err == ""
    assert res.out.startswith(f"Usage: session {sub}")
    assert "-dry-run" in res.out and "-y\tAssume yes" in res.out


def test_list_help() -> None:
    res = session(["list", "--help"])
    assert res.code == 0
    for text in ("Usage:", "-format", "-sort", '(default "text")'):
        assert text in res.out


@pytest.mark.parametrize(
    ("sub", "text"),
    [
        ("info", "Usage: session info <session-id>\n\nShow the raw data for a specific session.\n"),
        (
            "path",
            "Usage: session path [session-id]\n\n"
            "Show the sessions directory or a specific session file path.\n",
        ),
    ],
)
def test_help_without_options_block(sub: str, text: str) -> None:
    assert session([sub, "-h"]).out == text


def test_lock_path_helpers_agree(sdir: Path) -> None:
    assert lock_file_path("a", sessions_dir=sdir) == sdir / "a.session.lock"


def test_delete_rejects_an_invalid_id_before_asking(isolated_home, capsys) -> None:
    """No confirmation question for an ID that could never name a session file."""
    import io

    from one_shot_man.command.builtins.session import SessionCommand
    from one_shot_man.config import Config
    from one_shot_man.errors import SessionError

    out = io.StringIO()
    with pytest.raises(SessionError, match=r'invalid session ID "\.\./etc"'):
        SessionCommand(Config()).execute(["delete", "../etc"], out, io.StringIO())
    assert "Are you sure" not in out.getvalue()
