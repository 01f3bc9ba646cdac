"""`SessionContext`: the facts a deep-anchor resolver found, and the ID they hash to.

A plain `__slots__` class with dataclass-style `__init__`, `__repr__` and `__eq__`:
it is built on every `osm` start without an env-provided session, and importing
`dataclasses` would cost more than resolving the whole anchor.
"""

from __future__ import annotations

from one_shot_man.session.formatting import NAMESPACE_DELIMITER, NS_ANCHOR, sha256_hex, to_bytes

__all__ = ["SessionContext"]


class SessionContext:
    """Boot, container, anchor process and terminal of "this logical terminal"."""

    __slots__ = ("anchor_pid", "boot_id", "container_id", "start_time", "tty_name")
    __match_args__ = ("boot_id", "container_id", "anchor_pid", "start_time", "tty_name")
    __hash__ = None  # type: ignore[assignment]  # mutable, compared by value (like a dataclass)

    def __init__(
        self,
        boot_id: str = "",
        container_id: str = "",
        anchor_pid: int = 0,
        start_time: int = 0,
        tty_name: str = "",
    ) -> None:
        self.boot_id = boot_id
        self.container_id = container_id
        self.anchor_pid = anchor_pid
        self.start_time = start_time
        self.tty_name = tty_name

    def _astuple(self) -> tuple[str, str, int, int, str]:
        return (self.boot_id, self.container_id, self.anchor_pid, self.start_time, self.tty_name)

    def __eq__(self, other: object) -> bool:
        if other.__class__ is not self.__class__:
            return NotImplemented
        return self._astuple() == other._astuple()

    def __repr__(self) -> str:
        return (
            f"SessionContext(boot_id={self.boot_id!r}, container_id={self.container_id!r}, "
            f"anchor_pid={self.anchor_pid!r}, start_time={self.start_time!r}, "
            f"tty_name={self.tty_name!r})"
        )

    def generate_hash(self) -> str:
        """Full 64-hex SHA-256 of `boot:container:tty:pid:start` (`:` keeps fields apart)."""
        text = f"{self.boot_id}:{self.container_id}:{self.tty_name}:{self.anchor_pid}:{self.start_time}"
        return sha256_hex(to_bytes(text))

    def format_session_id(self) -> str:
        """`anchor--<16hex>`: the ID of this context (24 characters).

        A pure function of the five fields, remembered for the last few contexts: a process
        asks for its own ID again and again, and hashing is a fifth of the deep anchor's cost.
        """
        key = (self.__class__, *self._astuple())
        found = _FORMATTED.get(key)
        if found is None:
            if len(_FORMATTED) >= 8:
                _FORMATTED.clear()
            found = _FORMATTED[key] = NS_ANCHOR + NAMESPACE_DELIMITER + self.generate_hash()[:16]
        return found


_FORMATTED: dict[tuple[object, ...], str] = {}
