"""The kept deep-anchor answer (`anchor_watch`) is the walk's answer, every time.

A reporter process asks for its anchor through the watch and walks again by itself,
printing both; the tests change its ancestry under it (an ancestor ends and its
children are reparented, one renames itself, a forked subshell execs, the reporter
forks) and check the watch saw it. Each test first checks the watch was in use, so
a watch that never engages cannot pass for a correct one.
"""

from __future__ import annotations

import errno
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from one_shot_man.session.linux import WATCH_FROM

pytestmark = pytest.mark.skipif(
    not sys.platform.startswith("linux") or not hasattr(os, "pidfd_open"),
    reason="needs Linux /proc and pidfds",
)

REPO = Path(__file__).resolve().parents[2]
# Prints "<watched pid> <watched start> <walked pid> <walked start> <watching 0/1> <ppid>"
# for every line read from the FIFO given as its argument.
REPORTER = """\
import os, sys
from one_shot_man.session import linux

def report():
    got = linux._anchor_of_this_process()
    plain = linux.find_stable_anchor_linux(os.getpid())
    watch = sys.modules.get("one_shot_man.session.anchor_watch")
    watching = int(watch is not None and watch._WATCH is not None)
    print(*got, *plain, watching, os.getppid(), flush=True)

with open(sys.argv[1]) as commands:
    for _ in commands:
        report()
"""
# A skipped Python process between the shell and the reporter; on SIGUSR1 it renames
# itself to a name the walk does not skip.
WRAPPER = """\
import signal, subprocess, sys

def rename(*_):
    with open("/proc/self/comm", "w") as f:
        f.write("keeper")

signal.signal(signal.SIGUSR1, rename)
subprocess.run(sys.argv[1:])
"""


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = str(REPO) + os.pathsep + env.get("PYTHONPATH", "")
    return env


class Reporter:
    """A process tree with the reporter at its bottom, driven through a FIFO."""

    def __init__(self, tmp_path: Path, argv: list[str]) -> None:
        (tmp_path / "reporter.py").write_text(REPORTER)
        (tmp_path / "wrapper.py").write_text(WRAPPER)
        self.fifo = tmp_path / "commands"
        os.mkfifo(self.fifo)
        self.proc = subprocess.Popen(
            argv,
            cwd=tmp_path,
            env=_env(),
            stdout=subprocess.PIPE,
            text=True,
            start_new_session=True,  # one process group, ended as a whole
        )
        self.commands = open(self.fifo, "w")  # noqa: SIM115 - closed in close()

    def ask(self) -> tuple[tuple[int, int], tuple[int, int], bool, int]:
        self.commands.write("id\n")
        self.commands.flush()
        assert self.proc.stdout is not None
        line = self.proc.stdout.readline().split()
        assert len(line) == 6, f"reporter said {line!r}"
        got_pid, got_start, pid, start, watching, ppid = map(int, line)
        return (got_pid, got_start), (pid, start), bool(watching), ppid

    def watched(self) -> tuple[tuple[int, int], int]:
        """Ask until the watch is in use; its answer must be the walk's all along."""
        for _ in range(WATCH_FROM):
            got, plain, watching, ppid = self.ask()
            assert got == plain
        assert watching, "the watch never engaged"
        return got, ppid

    def close(self) -> None:
        self.commands.close()
        try:
            os.killpg(self.proc.pid, signal.SIGKILL)
        except OSError:
            pass
        self.proc.wait(timeout=10)


def _wait_for(predicate, what: str) -> None:
    deadline = time.monotonic() + 10
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.01)


def _ppid_of(pid: int) -> int:
    data = Path(f"/proc/{pid}/stat").read_bytes()
    return int(data[data.rfind(b")") + 2 :].split()[1])


@pytest.fixture
def reporter(tmp_path: Path):
    made: list[Reporter] = []

    def start(script: str) -> Reporter:
        r = Reporter(tmp_path, ["sh", "-c", script])
        made.append(r)
        return r

    yield start
    for r in made:
        r.close()


PY = f'"{sys.executable}"'


@pytest.fixture(autouse=True)
def own_watch(monkeypatch: pytest.MonkeyPatch):
    """Each test starts without a watch in this process and closes the one it leaves."""
    from one_shot_man.session import anchor_watch

    monkeypatch.setattr(anchor_watch, "_WATCH", None)
    monkeypatch.setattr(anchor_watch, "_UNWATCHED", None)
    monkeypatch.setattr(anchor_watch, "_BUILDS", (0, 0))
    yield
    if anchor_watch._WATCH is not None:
        anchor_watch._WATCH.close()


def test_an_ancestor_that_ends_moves_the_anchor(reporter) -> None:
    # sh (the anchor) -> python wrapper (skipped) -> reporter. sh ends and stays a zombie
    # (not waited for), whose name still reads; the wrapper is reparented and the
    # reporter's own parent stays the same: only the pidfds can tell.
    r = reporter(f"{PY} wrapper.py {PY} reporter.py commands; true")
    (anchor, _), wrapper = r.watched()
    assert anchor == r.proc.pid
    os.kill(r.proc.pid, signal.SIGKILL)
    _wait_for(lambda: _ppid_of(wrapper) != anchor, "the wrapper to be reparented")
    got, plain, _, ppid = r.ask()
    assert Path(f"/proc/{anchor}/comm").read_text() == "sh\n"  # still there, as a zombie
    assert ppid == wrapper
    assert got == plain and got[0] != anchor


def test_an_ancestor_renamed_out_of_the_skip_list_becomes_the_anchor(reporter) -> None:
    r = reporter(f"{PY} wrapper.py {PY} reporter.py commands; true")
    (anchor, _), wrapper = r.watched()
    assert anchor == r.proc.pid
    os.kill(wrapper, signal.SIGUSR1)
    _wait_for(lambda: Path(f"/proc/{wrapper}/comm").read_text() == "keeper\n", "the rename")
    got, plain, _, _ = r.ask()
    assert got == plain and got[0] == wrapper


@pytest.mark.skipif(shutil.which("bash") is None, reason="needs bash")
def test_a_forked_subshell_that_execs_is_no_longer_passed_over(
    reporter,
    tmp_path: Path,
) -> None:
    # bash -> its subshell (a fork: passed over) -> reporter. The subshell then execs
    # another bash: the same name, but no longer a copy, so it is the anchor now.
    go = tmp_path / "go"
    os.mkfifo(go)
    r = reporter(
        f"exec bash -c '( {PY} reporter.py commands & read -r _ < go; "
        'exec bash -c "sleep 30; true" ); true\''
    )
    (anchor, _), subshell = r.watched()
    assert anchor == r.proc.pid and subshell != anchor
    with open(go, "w") as f:
        f.write("exec\n")
    exec_d = b"bash\0-c\0sleep 30; true\0"  # before the exec it has the whole script
    _wait_for(lambda: Path(f"/proc/{subshell}/cmdline").read_bytes() == exec_d, "the exec")
    got, plain, _, _ = r.ask()
    assert got == plain and got[0] == subshell


FORKER = """\
import ctypes, os, sys
from one_shot_man.session import linux

for _ in range(linux.WATCH_FROM):
    linux._anchor_of_this_process()
watch = sys.modules["one_shot_man.session.anchor_watch"]
assert watch._WATCH is not None, "the watch never engaged"
with open("/proc/self/comm", "w") as f:
    f.write("keeper")
fork = os.fork if sys.argv[1] == "os" else ctypes.CDLL(None, use_errno=True).fork
child = fork()
if child == 0:
    try:
        got = linux._anchor_of_this_process()
        plain = linux.find_stable_anchor_linux(os.getpid())
        ok = got == plain and got[0] == os.getppid()
        print(got, plain, os.getppid(), flush=True)
    finally:
        os._exit(0 if ok else 1)
_, status = os.waitpid(child, 0)
sys.exit(os.waitstatus_to_exitcode(status))
"""


@pytest.mark.parametrize("how", ["os", "libc"])
def test_a_forked_child_walks_for_itself(tmp_path: Path, how: str) -> None:
    # os.fork runs the at-fork hook; libc's fork does not, and the pid check must do.
    (tmp_path / "forker.py").write_text(FORKER)
    done = subprocess.run(
        [sys.executable, "forker.py", how],
        cwd=tmp_path,
        env=_env(),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stdout + done.stderr


def test_the_watch_answers_without_reading_a_stat(monkeypatch: pytest.MonkeyPatch) -> None:
    from one_shot_man.session import anchor_watch, linux

    answer = linux.find_stable_anchor_linux(os.getpid())
    assert anchor_watch.stable_anchor() == answer
    if anchor_watch._WATCH is None:
        pytest.skip("this process's ancestry cannot be watched here")

    def no_stat(pid: int) -> bytes:
        raise AssertionError(f"read /proc/{pid}/stat")

    monkeypatch.setattr(linux, "_read_stat", no_stat)
    assert anchor_watch.stable_anchor() == answer


def test_no_pidfds_walks_every_time(monkeypatch: pytest.MonkeyPatch) -> None:
    from one_shot_man.session import anchor_watch, linux

    def refused(pid: int, flags: int = 0) -> int:
        raise OSError(errno.ENOSYS, "Function not implemented")

    monkeypatch.setattr(anchor_watch, "_PIDFDS", True)
    monkeypatch.setattr(os, "pidfd_open", refused)
    answer = linux.find_stable_anchor_linux(os.getpid())
    assert anchor_watch.stable_anchor() == answer
    assert anchor_watch._PIDFDS is False and anchor_watch._WATCH is None
    assert anchor_watch.stable_anchor() == answer


def test_a_watch_whose_descriptors_were_closed_closes_no_other_file(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Code that closes every descriptor (`os.closerange`) and opens files that get the same
    # numbers: the watch then fails its check, and must not close those files.
    from one_shot_man.session import anchor_watch, linux

    answer = anchor_watch.stable_anchor()
    watch = anchor_watch._WATCH
    if watch is None:
        pytest.skip("this process's ancestry cannot be watched here")
    numbers = [fd for fd, _ in watch.fds]
    for fd in numbers:
        os.close(fd)
    others = []
    try:
        while len(others) < len(numbers) + 8 and not set(numbers) <= set(others):
            others.append(os.open(os.devnull, os.O_RDONLY))
        assert set(numbers) <= set(others)
        assert anchor_watch.stable_anchor() == answer == linux.find_stable_anchor_linux(os.getpid())
        for fd in others:
            os.fstat(fd)  # still open
    finally:
        for fd in others:
            os.close(fd)


def test_a_tree_that_keeps_changing_is_walked(monkeypatch: pytest.MonkeyPatch) -> None:
    # Every check failing (as under a parent that rewrites its name all the time): after
    # MAX_BUILDS watches the process walks, with the walk's answer.
    from one_shot_man.session import anchor_watch, linux

    monkeypatch.setattr(anchor_watch._Watch, "holds", lambda self: False)
    built = []
    real = anchor_watch._walk_and_watch

    def counting(pid: int):
        built.append(pid)
        return real(pid)

    monkeypatch.setattr(anchor_watch, "_walk_and_watch", counting)
    answer = linux.find_stable_anchor_linux(os.getpid())
    for _ in range(anchor_watch.MAX_BUILDS + 5):
        assert anchor_watch.stable_anchor() == answer
    if anchor_watch._UNWATCHED is not None:
        pytest.skip("this process's ancestry cannot be watched here")
    assert len(built) == anchor_watch.MAX_BUILDS
