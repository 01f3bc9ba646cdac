"""History entries whose recorded states cost what changed, not the whole state each time.

The newest entry keeps its `finalState` in full (as the Go original writes every entry).
Each older entry keeps only `{"deltaFromNextEntry": <delta>}`: how to turn the next
entry's state into its own (see `delta`). Dropping the oldest entry, as the 200-entry
ring does, never breaks the chain; entries the Go original appends after ours are full
states, so a file that both write stays readable by both (Go never reads `finalState`).
"""

from __future__ import annotations

from collections.abc import MutableSequence, Sequence
from itertools import islice

from one_shot_man.storage import delta
from one_shot_man.storage.schema import HistoryEntry

TYPE_CHECKING = False
if TYPE_CHECKING:
    from one_shot_man.jsvalue import JSValue

__all__ = [
    "DELTA_KEY",
    "append_history_entry",
    "compact_history",
    "history_states",
    "is_delta_state",
]

#: The one key of a `finalState` that is stored as a delta from the next entry's state.
DELTA_KEY = "deltaFromNextEntry"

_UNKNOWN = object()


def is_delta_state(final_state: JSValue) -> bool:
    """True when a `finalState` is stored as a delta (a full state never has this shape)."""
    return (
        type(final_state) is dict
        and len(final_state) == 1
        and DELTA_KEY in final_state
        and delta.is_delta(final_state[DELTA_KEY])
    )


def append_history_entry(entries: MutableSequence[HistoryEntry], entry: HistoryEntry) -> None:
    """Append `entry` (its state in full) and shrink the previous newest to a delta.

    `entry.final_state` and the previous entry's state become owned by the history: the
    caller must not change them afterwards.
    """
    if entries:
        previous = entries[-1]
        if not is_delta_state(previous.final_state):
            previous.final_state = {DELTA_KEY: delta.diff(entry.final_state, previous.final_state)}
    entries.append(entry)


def _walk(entries: Sequence[HistoryEntry], *, compact: bool) -> list[JSValue]:
    """Each entry's full state, newest first resolved; `_UNKNOWN` where the chain breaks."""
    states: list[JSValue] = [_UNKNOWN] * len(entries)
    following: JSValue = _UNKNOWN
    for index in range(len(entries) - 1, -1, -1):
        entry = entries[index]
        stored = entry.final_state
        if is_delta_state(stored):
            state = _UNKNOWN
            if following is not _UNKNOWN:
                try:
                    state = delta.patch(following, stored[DELTA_KEY])
                except (ValueError, KeyError, TypeError):
                    state = _UNKNOWN
        else:
            state = stored
            if compact and following is not _UNKNOWN:
                entry.final_state = {DELTA_KEY: delta.diff(following, stored)}
        states[index] = state
        following = state
    return states


def history_states(entries: Sequence[HistoryEntry]) -> list[JSValue]:
    """The full state each entry recorded, oldest first (`None` where it cannot be rebuilt).

    The values share structure with the stored entries: copy before changing them.
    """
    return [None if state is _UNKNOWN else state for state in _walk(entries, compact=False)]


def compact_history(entries: Sequence[HistoryEntry]) -> None:
    """Turn every full state but the newest into a delta (files written in full shrink)."""
    older = islice(entries, max(len(entries) - 1, 0))
    if any(not is_delta_state(entry.final_state) for entry in older):
        _walk(entries, compact=True)
