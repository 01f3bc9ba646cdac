"""Differences between two JSON values, small enough to store one per history entry.

A history snapshot used to hold the whole state, so 200 snapshots of a session with many
context items cost 200 times the state. `diff(new, old)` describes how to turn `new`
back into `old` in about as many bytes as changed; `patch(new, delta)` applies it.

A delta is JSON itself (so it sits in a session file as is):
- `{"set": value}` replaces the value;
- `{"keys": {key: delta, ...}, "del": [key, ...]}` changes an object's keys;
- `{"list": [head, tail, [item, ...]]}` keeps the first `head` and last `tail` items
  of a list and puts the given items between them.
Equality is JSON's: `1`, `1.0` and `true` differ (Python's `==` would not tell them apart).
"""

from __future__ import annotations

import msgspec

TYPE_CHECKING = False
if TYPE_CHECKING:
    from one_shot_man.jsvalue import JSValue

__all__ = ["diff", "is_delta", "patch"]

_encode = msgspec.json.Encoder(order="deterministic").encode
_CONTAINERS = (dict, list)


def _same(a: JSValue, b: JSValue) -> bool:
    if type(a) is not type(b) or a != b:
        return False
    if not isinstance(a, _CONTAINERS):
        return True
    try:  # `==` says [1] == [True]; the JSON text does not
        return _encode(a) == _encode(b)
    except (TypeError, ValueError, OverflowError):
        return False


def _common_run(
    new: list[object], old: list[object], start: int, stop: int, *, from_end: bool = False
) -> int:
    """How many items, from the front (or the back) and within `stop - start`, are the same.

    Python's `==` finds the run fast; one encoding of the run then checks JSON equality,
    and only when that fails (`1` against `true`) are the items checked one by one.
    """
    room = stop - start
    count = 0
    if from_end:
        while count < room and new[-1 - count] == old[-1 - count]:
            count += 1
        if count and not _same(new[len(new) - count :], old[len(old) - count :]):
            count = 0
            while count < room and _same(new[-1 - count], old[-1 - count]):
                count += 1
        return count
    while count < room and new[count] == old[count]:
        count += 1
    if count and not _same(new[:count], old[:count]):
        count = 0
        while count < room and _same(new[count], old[count]):
            count += 1
    return count


def diff(new: JSValue, old: JSValue) -> dict[str, JSValue]:
    """A delta that turns `new` into `old` (it may share parts of `old`: do not mutate them)."""
    if type(new) is dict and type(old) is dict:
        keys: dict[str, JSValue] = {}
        for key, value in old.items():
            if key not in new:
                keys[key] = {"set": value}
            elif not _same(new[key], value):
                keys[key] = diff(new[key], value)
        removed = [key for key in new if key not in old]
        out: dict[str, JSValue] = {"keys": keys}
        if removed:
            out["del"] = removed
        return out
    if type(new) is list and type(old) is list:
        head = _common_run(new, old, 0, min(len(new), len(old)))
        tail = _common_run(new, old, head, min(len(new), len(old)), from_end=True)
        return {"list": [head, tail, old[head : len(old) - tail]]}
    return {"set": old}


def is_delta(value: JSValue) -> bool:
    """True when `value` has a delta's shape (a stored state never has these keys alone)."""
    if type(value) is not dict or len(value) not in (1, 2):
        return False
    if "set" in value:
        return len(value) == 1
    if "list" in value:
        item = value["list"]
        return len(value) == 1 and type(item) is list and len(item) == 3
    return type(value.get("keys")) is dict and (len(value) == 1 or type(value.get("del")) is list)


def patch(value: JSValue, delta: JSValue) -> JSValue:
    """`value` changed by `delta`; `value` itself is not modified (unchanged parts are shared).

    Raises `ValueError` when `delta` is not a delta or does not fit `value`.
    """
    if type(delta) is not dict:
        raise ValueError("delta is not an object")
    if "set" in delta:
        return delta["set"]
    if "keys" in delta:
        if type(value) is not dict or type(delta["keys"]) is not dict:
            raise ValueError("object delta applied to a non-object")
        out = dict(value)
        for key in delta.get("del") or ():
            out.pop(key, None)
        for key, sub in delta["keys"].items():
            if key not in out and not (type(sub) is dict and "set" in sub):
                raise ValueError(f"delta changes a missing key {key!r}")
            out[key] = patch(out.get(key), sub)
        return out
    if "list" in delta:
        head, tail, items = delta["list"]
        if type(value) is not list or type(items) is not list:
            raise ValueError("list delta applied to a non-list")
        if type(head) is not int or type(tail) is not int or head < 0 or tail < 0:
            raise ValueError("list delta with a bad range")
        if head + tail > len(value):
            raise ValueError("list delta longer than the list")
        return value[:head] + items + value[len(value) - tail :]
    raise ValueError("unknown delta")
