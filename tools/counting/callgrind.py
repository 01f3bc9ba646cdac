"""Read a Callgrind output file: total instructions, self cost per function, call counts.

Written for files made with ``--compress-strings=no --compress-pos=no --dump-line=no`` (names
spelled out on every line, one position column), which is how the harness runs Callgrind. The
format: https://valgrind.org/docs/manual/cl-format.html. Only the first event column (Ir) is
read; with cache or branch simulation on, the other columns are ignored.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

_RECURSION_SUFFIX = re.compile(r"'\d+$")  # --separate-recs: "fn'2" is fn, recursion depth 2
_SYMBOL_VERSION = re.compile(r"@@?[A-Z][A-Za-z0-9_.]*$")  # "pthread_cond_signal@@GLIBC_2.3.2"


class CallgrindFormatError(ValueError):
    """The file is not a Callgrind profile this reader understands (names file and line)."""


@dataclass
class Profile:
    """Costs of one dump (one counted region of one thread)."""

    total: int = 0  # Ir, the file's `totals:` (or `summary:`) line
    self_cost: Counter[str] = field(default_factory=Counter)  # Ir executed inside each function
    calls: Counter[tuple[str, str]] = field(default_factory=Counter)  # (caller, callee) -> calls
    call_cost: Counter[tuple[str, str]] = field(default_factory=Counter)  # inclusive Ir of calls

    def __add__(self, other: Profile) -> Profile:
        return Profile(
            self.total + other.total,
            self.self_cost + other.self_cost,
            self.calls + other.calls,
            self.call_cost + other.call_cost,
        )


def function_name(text: str) -> str:
    """The function name of an ``fn=``/``cfn=`` value, without recursion depth or symbol version."""
    return _SYMBOL_VERSION.sub("", _RECURSION_SUFFIX.sub("", text.strip()))


def parse(path: str | Path) -> Profile:
    """Read one Callgrind output file."""
    path = Path(path)
    profile = Profile()
    current = "???"
    callee: str | None = None
    pending_call: tuple[str, int] | None = None  # callee of a `calls=` line; its cost line follows
    total: int | None = None
    summary: int | None = None
    with path.open(encoding="utf-8", errors="replace") as fh:
        for lineno, raw in enumerate(fh, 1):
            line = raw.rstrip("\n")
            if not line or line.startswith("#"):
                continue
            first = line[0]
            if first.isdigit() or first in "+-*":
                cost = _first_event(line, path, lineno)
                if pending_call is not None:  # inclusive cost of the call: not self cost
                    profile.call_cost[(current, pending_call[0])] += cost
                    pending_call = None
                else:
                    profile.self_cost[current] += cost
                continue
            key, _, value = line.partition("=")
            if key == "fn":
                current = function_name(value)
                callee = None
            elif key == "cfn":
                callee = function_name(value)
            elif key == "calls":
                if callee is None:
                    raise CallgrindFormatError(f"{path}:{lineno}: calls= without a cfn= before it")
                count = _int(value.split()[0], path, lineno)
                profile.calls[(current, callee)] += count
                pending_call = (callee, count)
            elif line.startswith("totals:"):
                total = _int(line.split(":", 1)[1].split()[0], path, lineno)
            elif line.startswith("summary:"):
                summary = _int(line.split(":", 1)[1].split()[0], path, lineno)
    if pending_call is not None:
        raise CallgrindFormatError(f"{path}: ends after a calls= line without its cost line")
    recorded = total if total is not None else summary
    measured = sum(profile.self_cost.values())
    if recorded is None:
        raise CallgrindFormatError(f"{path}: no totals: or summary: line (not a Callgrind dump?)")
    if recorded != measured:
        raise CallgrindFormatError(
            f"{path}: self costs add up to {measured} Ir but the file says {recorded} "
            "(written with --compress-strings or --compress-pos? the harness turns both off)"
        )
    profile.total = recorded
    return profile


def _first_event(line: str, path: Path, lineno: int) -> int:
    parts = line.split()
    if len(parts) < 2:
        return 0  # a position without costs counts nothing
    return _int(parts[1], path, lineno)


def _int(text: str, path: Path, lineno: int) -> int:
    try:
        return int(text)
    except ValueError:
        raise CallgrindFormatError(f"{path}:{lineno}: expected a number, got {text!r}") from None
