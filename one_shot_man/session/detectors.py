"""Environment-based detectors: tmux, GNU screen, SSH and the macOS terminal.

Each one turns an environment value that identifies "this terminal" into an ID.
They take the raw bytes when they have them, because the hash must cover what
the OS holds, not a lossy decoding of it.
"""

from __future__ import annotations

from one_shot_man.session.errors import TmuxError
from one_shot_man.session.formatting import (
    NAMESPACE_DELIMITER,
    NS_SCREEN,
    NS_SSH,
    NS_TERMINAL,
    NS_TMUX,
    SHORT_HASH_LENGTH,
    contains_any_non_digit,
    sha256_hex,
    to_bytes,
)

__all__ = [
    "extract_tmux_server_pid",
    "go_fields",
    "screen_session_id",
    "ssh_session_id",
    "terminal_session_id",
    "tmux_session_id",
]

# Unicode whitespace as Go's `unicode.IsSpace` sees it. Python's `str.split()` also
# splits on U+001C..U+001F, which Go does not, so those need the slow path.
_PY_ONLY_SPACE = ("\x1c", "\x1d", "\x1e", "\x1f")
_GO_SPACE = frozenset(
    "\t\n\v\f\r \x85\xa0\u1680\u2028\u2029\u202f\u205f\u3000"
    + "".join(chr(c) for c in range(0x2000, 0x200B))
)


def _as_str(value: str | bytes) -> str:
    return value if isinstance(value, str) else value.decode("utf-8", "surrogateescape")


def _as_bytes(value: str | bytes) -> bytes:
    return value if isinstance(value, bytes) else to_bytes(value)


def go_fields(s: str) -> list[str]:
    """Split on runs of whitespace exactly like Go's `strings.Fields`."""
    if not any(c in s for c in _PY_ONLY_SPACE):
        return s.split()
    fields: list[str] = []
    start = -1
    for i, ch in enumerate(s):
        if ch in _GO_SPACE:
            if start >= 0:
                fields.append(s[start:i])
                start = -1
        elif start < 0:
            start = i
    if start >= 0:
        fields.append(s[start:])
    return fields


def extract_tmux_server_pid(tmux: str | bytes) -> str:
    """The server PID from `TMUX=socket_path,PID,session_index`, or "" if malformed.

    The PID sits between the last two commas; the socket path may itself contain
    commas, so the search runs from the right.
    """
    s = _as_str(tmux)
    last = s.rfind(",")
    if last <= 0:
        return ""
    prev = s.rfind(",", 0, last)
    if prev < 0:
        return ""
    pid = s[prev + 1 : last]
    if not pid or contains_any_non_digit(pid):
        return ""
    return pid


def tmux_session_id(pane: str | bytes, tmux: str | bytes) -> str:
    """`tmux--<pane>_<serverPID>` from TMUX_PANE and TMUX; raises `TmuxError` if unusable.

    The server PID is included because pane numbers restart with every tmux server.
    No `tmux` process is ever run: a stale or malformed env simply fails here.
    """
    pane_s = _as_str(pane)
    if not pane_s:
        raise TmuxError("TMUX_PANE not set")
    num = pane_s[1:] if pane_s.startswith("%") else pane_s
    if not num or contains_any_non_digit(num):
        raise TmuxError(f"invalid TMUX_PANE format: {pane_s}")
    server = extract_tmux_server_pid(tmux)
    if not server:
        raise TmuxError("could not extract server PID from TMUX env")
    return NS_TMUX + NAMESPACE_DELIMITER + num + "_" + server


def screen_session_id(sty: str | bytes) -> str:
    """`screen--<16hex>` from STY (hashed, so socket names never reach the file system)."""
    # A 16-hex payload always passes the formatter verbatim, so it is built directly.
    return NS_SCREEN + NAMESPACE_DELIMITER + sha256_hex(b"screen:" + _as_bytes(sty))[:16]


def ssh_session_id(value: str | bytes) -> str:
    """`ssh--<16hex>` from SSH_CONNECTION (`client_ip client_port server_ip server_port`).

    The client port is part of the hash, so two SSH logins from one host are two
    sessions; a value that is not four fields is hashed as it stands.
    """
    raw = _as_bytes(value)
    if raw.isascii():
        fields = raw.split()
    else:
        fields = [to_bytes(f) for f in go_fields(raw.decode("utf-8", "surrogateescape"))]
    stable = b"ssh:" + (b":".join(fields) if len(fields) == 4 else raw)
    return NS_SSH + NAMESPACE_DELIMITER + sha256_hex(stable)[:SHORT_HASH_LENGTH]


def terminal_session_id(value: str | bytes) -> str:
    """`terminal--<16hex>` from macOS Terminal's TERM_SESSION_ID."""
    digest = sha256_hex(b"terminal:" + _as_bytes(value))[:SHORT_HASH_LENGTH]
    return NS_TERMINAL + NAMESPACE_DELIMITER + digest
