"""The priority chain of `get_session_id`, SessionContext, UUID fallback and concurrency."""

from __future__ import annotations

import re
import sys
import threading
import uuid

import pytest

from one_shot_man.session import (
    SOURCES,
    SessionContext,
    format_explicit_id,
    get_session_id,
)

UUID_RE = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}")


@pytest.fixture
def all_env(monkeypatch: pytest.MonkeyPatch) -> pytest.MonkeyPatch:
    """Every detector's variable set at once."""
    monkeypatch.setenv("OSM_SESSION", "from-env")
    monkeypatch.setenv("TMUX_PANE", "%5")
    monkeypatch.setenv("TMUX", "/tmp/tmux-1000/default,12345,0")
    monkeypatch.setenv("STY", "12345.pts-0.host")
    monkeypatch.setenv("SSH_CONNECTION", "192.168.1.100 12345 192.168.1.1 22")
    monkeypatch.setenv("TERM_SESSION_ID", "terminal-session-12345")
    return monkeypatch


@pytest.fixture
def no_anchor(monkeypatch: pytest.MonkeyPatch) -> None:
    """Pretend to be on an OS without a deep-anchor resolver."""
    monkeypatch.setattr(sys, "platform", "freebsd14")


def test_sources_are_the_spec_labels() -> None:
    assert SOURCES == (
        "explicit-flag",
        "explicit-env",
        "tmux",
        "screen",
        "ssh-env",
        "macos-terminal",
        "deep-anchor",
        "uuid-fallback",
    )


def test_flag_beats_everything(all_env: pytest.MonkeyPatch) -> None:
    session_id, source = get_session_id("explicit-flag-value")
    assert source == "explicit-flag"
    assert session_id == "ex--explicit-flag-value_63"


def test_osm_session_beats_multiplexers(all_env: pytest.MonkeyPatch) -> None:
    assert get_session_id() == ("ex--from-env_43", "explicit-env")
    all_env.setenv("OSM_SESSION", "ex--from-env")
    assert get_session_id() == ("ex--from-env_43", "explicit-env")


def test_tmux_beats_screen(all_env: pytest.MonkeyPatch) -> None:
    all_env.delenv("OSM_SESSION")
    assert get_session_id() == ("tmux--5_12345", "tmux")


def test_screen_beats_ssh_when_tmux_unusable(all_env: pytest.MonkeyPatch) -> None:
    all_env.delenv("OSM_SESSION")
    all_env.setenv("TMUX", "garbage")  # stale tmux env falls through silently
    assert get_session_id() == ("screen--9aa7d78252d3f14c", "screen")
    all_env.delenv("TMUX")
    assert get_session_id()[1] == "screen"


def test_ssh_beats_anchor(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SSH_CONNECTION", "192.168.1.100 12345 192.168.1.1 22")
    assert get_session_id() == ("ssh--1cd58b06e1436e7e", "ssh-env")


def test_empty_values_mean_not_set(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OSM_SESSION", "")
    monkeypatch.setenv("STY", "")
    monkeypatch.setenv("SSH_CONNECTION", "192.168.1.100 12345 192.168.1.1 22")
    assert get_session_id("")[1] == "ssh-env"
    assert get_session_id(None)[1] == "ssh-env"


def test_no_env_gives_anchor_or_uuid() -> None:
    session_id, source = get_session_id()
    assert source in ("deep-anchor", "uuid-fallback")
    assert session_id
    if sys.platform.startswith("linux"):
        assert source == "deep-anchor"
        assert re.fullmatch(r"anchor--[0-9a-f]{16}", session_id)
        assert get_session_id()[0] == session_id  # deterministic


def test_explicit_trusted_ids_pass_with_flag_source() -> None:
    assert get_session_id("ssh--a1b2c3d4e5f67890") == ("ssh--a1b2c3d4e5f67890", "explicit-flag")
    assert get_session_id("tmux--5_12345") == ("tmux--5_12345", "explicit-flag")


def test_osm_session_is_read_on_every_call(monkeypatch: pytest.MonkeyPatch) -> None:
    """No caching: a changed environment is seen by the next call."""
    monkeypatch.setenv("OSM_SESSION", "one")
    first = get_session_id()
    monkeypatch.setenv("OSM_SESSION", "two")
    second = get_session_id()
    assert first[0] == format_explicit_id("one")
    assert second[0] == format_explicit_id("two")


def test_osm_session_hashes_undecodable_bytes(monkeypatch: pytest.MonkeyPatch) -> None:
    import hashlib

    monkeypatch.setenv("OSM_SESSION", "caf\udce9")  # b"caf\xe9", not valid UTF-8
    session_id, source = get_session_id()
    assert source == "explicit-env"
    assert session_id == "ex--caf__" + hashlib.sha256(b"caf\xe9").hexdigest()[:16]


# --- UUID fallback ------------------------------------------------------------------------------


def test_uuid_fallback_on_unsupported_os(no_anchor: None) -> None:
    from one_shot_man.session import AnchorUnsupportedError
    from one_shot_man.session.anchor import resolve_deep_anchor

    with pytest.raises(AnchorUnsupportedError, match="not supported on freebsd"):
        resolve_deep_anchor()
    session_id, source = get_session_id()
    assert source == "uuid-fallback"
    assert session_id.startswith("uuid--")
    assert UUID_RE.fullmatch(session_id[len("uuid--") :])


def test_uuid_fallback_values_are_unique(no_anchor: None) -> None:
    ids = [get_session_id()[0] for _ in range(100)]
    assert len(set(ids)) == 100
    for value in ids:
        parsed = uuid.UUID(value[len("uuid--") :])
        assert parsed.version == 4
        assert str(parsed) == value[len("uuid--") :]


def test_uuid_session_resumes_via_flag_and_env(
    no_anchor: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Defect fix: the UUID-fallback ID given back names the same session."""
    session_id, _ = get_session_id()
    assert get_session_id(session_id) == (session_id, "explicit-flag")
    monkeypatch.setenv("OSM_SESSION", session_id)
    assert get_session_id() == (session_id, "explicit-env")


def test_goos_names() -> None:
    from one_shot_man.session.anchor import goos

    assert goos("linux") == "linux"
    assert goos("darwin") == "darwin"
    assert goos("win32") == "windows"
    assert goos("freebsd14") == "freebsd"


# --- SessionContext -----------------------------------------------------------------------------


def _ctx(**kw: object) -> SessionContext:
    base = dict(
        boot_id="test-boot-id",
        container_id="pid:[1234]",
        anchor_pid=5678,
        start_time=123456789,
        tty_name="/dev/pts/0",
    )
    base.update(kw)
    return SessionContext(**base)  # type: ignore[arg-type]


def test_session_context_golden_vector() -> None:
    assert _ctx().format_session_id() == "anchor--7bcafa4f52fa52c6"


def test_session_context_hash_is_sha256_of_fields_in_order() -> None:
    import hashlib

    text = "test-boot-id:pid:[1234]:/dev/pts/0:5678:123456789"
    assert _ctx().generate_hash() == hashlib.sha256(text.encode()).hexdigest()
    assert re.fullmatch(r"[0-9a-f]{64}", _ctx().generate_hash())
    assert _ctx().generate_hash() == _ctx().generate_hash()


@pytest.mark.parametrize(
    "change",
    [
        {"boot_id": "other"},
        {"container_id": "pid:[9]"},
        {"anchor_pid": 5679},
        {"start_time": 123456790},
        {"tty_name": "/dev/pts/1"},
    ],
)
def test_every_field_changes_the_hash(change: dict[str, object]) -> None:
    assert _ctx(**change).generate_hash() != _ctx().generate_hash()


def test_delimiter_prevents_field_shift_collisions() -> None:
    a = SessionContext("AB", "C", 1, 1, "")
    b = SessionContext("A", "BC", 1, 1, "")
    assert a.generate_hash() != b.generate_hash()


@pytest.mark.parametrize(
    "fields",
    [
        ("", "", 0, 0, ""),
        ("b" * 10000, "c" * 10000, 2**32 - 1, 2**64 - 1, "/dev/pts/" + "9" * 1000),
        ("bööt", "容器", 1, 2, "/dev/pts/ü"),
        ("\udcff", "x", 1, 2, ""),
    ],
)
def test_session_context_odd_fields(fields: tuple) -> None:
    ctx = SessionContext(*fields)
    session_id = ctx.format_session_id()
    assert len(session_id) == 24 and session_id.startswith("anchor--")


def test_session_context_is_a_value() -> None:
    assert _ctx() == _ctx()
    assert _ctx() != _ctx(anchor_pid=1)
    assert "anchor_pid=5678" in repr(_ctx())
    assert SessionContext().anchor_pid == 0


# --- concurrency --------------------------------------------------------------------------------


def _hammer(workers: int, calls: int, mixed: bool) -> list[BaseException | tuple[str, str]]:
    results: list[BaseException | tuple[str, str]] = []
    lock = threading.Lock()
    barrier = threading.Barrier(workers)

    def work(n: int) -> None:
        barrier.wait()
        for i in range(calls):
            try:
                explicit = f"worker-{n}-{i}" if mixed and (n + i) % 2 else None
                out = get_session_id(explicit)
            except BaseException as exc:
                out = exc
            with lock:
                results.append(out)

    threads = [threading.Thread(target=work, args=(n,)) for n in range(workers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results


def test_concurrent_calls() -> None:
    results = _hammer(50, 20, mixed=False)
    assert len(results) == 1000
    for r in results:
        assert isinstance(r, tuple) and r[0], r
    assert len({r[0] for r in results}) == 1 or results[0][1] == "uuid-fallback"


def test_concurrent_mixed_calls() -> None:
    results = _hammer(30, 30, mixed=True)
    assert len(results) == 900
    for r in results:
        assert isinstance(r, tuple) and r[0], r
    sources = {r[1] for r in results}
    assert "explicit-flag" in sources and len(sources) == 2


def test_rapid_sequential_calls() -> None:
    ids = {get_session_id()[0] for _ in range(1000)}
    assert all(ids)
    if sys.platform.startswith("linux"):
        assert len(ids) == 1


def test_import_is_cheap() -> None:
    """Importing the package must not pull in uuid, hashlib or subprocess."""
    import subprocess

    code = (
        "import sys; import one_shot_man.session as s; "
        "print(sorted(m for m in ('uuid', 'hashlib', 'subprocess', 'dataclasses', "
        "'one_shot_man.session.linux') if m in sys.modules))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    assert out.strip() == "[]"
