"""History snapshots stored as deltas: exact round trips, old full-state files, Go's appends."""

from __future__ import annotations

import random

import msgspec
import pytest

from one_shot_man.storage import HistoryEntry, Session, decode_session, encode_session
from one_shot_man.storage.delta import diff, is_delta, patch
from one_shot_man.storage.history import (
    DELTA_KEY,
    append_history_entry,
    compact_history,
    history_states,
    is_delta_state,
)

_json = msgspec.json.Encoder(order="deterministic").encode


def _random_value(rng: random.Random, depth: int = 0):
    kind = rng.randrange(9 if depth < 3 else 6)
    if kind == 0:
        return None
    if kind == 1:
        return rng.choice([True, False])
    if kind == 2:
        return rng.choice([0, 1, -7, 10**12])
    if kind == 3:
        return rng.choice([0.0, 1.0, 2.5])
    if kind in (4, 5):
        return rng.choice(["", "a", "b", "ü", "x" * 20])
    if kind in (6, 7):
        return [_random_value(rng, depth + 1) for _ in range(rng.randrange(5))]
    return {rng.choice("abcde"): _random_value(rng, depth + 1) for _ in range(rng.randrange(5))}


def _mutate(rng: random.Random, value):
    if type(value) is list and value and rng.random() < 0.7:
        out = list(value)
        op = rng.randrange(3)
        i = rng.randrange(len(out))
        if op == 0:
            out.insert(i, _random_value(rng, 2))
        elif op == 1:
            del out[i]
        else:
            out[i] = _mutate(rng, out[i])
        return out
    if type(value) is dict and value and rng.random() < 0.7:
        out = dict(value)
        key = rng.choice(list(out))
        if rng.random() < 0.3:
            del out[key]
        else:
            out[key] = _mutate(rng, out[key])
        if rng.random() < 0.3:
            out[rng.choice("vwxyz")] = _random_value(rng, 2)
        return out
    return _random_value(rng, 1)


def test_patch_of_diff_gives_back_the_old_value_exactly():
    rng = random.Random(7)
    for _ in range(3000):
        new = _random_value(rng)
        old = _mutate(rng, new)
        before = _json(new)
        delta = diff(new, old)
        assert is_delta(delta)
        assert _json(patch(new, delta)) == _json(old), (new, old, delta)
        assert _json(new) == before  # diff/patch never modify their inputs
        decoded = msgspec.json.decode(_json(delta))  # a delta survives the file unchanged
        assert _json(patch(new, decoded)) == _json(old)


@pytest.mark.parametrize(
    ("new", "old"), [(1, True), (1, 1.0), ([1], [True]), ({"a": 0}, {"a": False})]
)
def test_json_types_are_told_apart(new, old):
    assert _json(patch(new, diff(new, old))) == _json(old)


def test_a_list_grown_by_one_costs_one_item():
    items = [{"id": i, "label": f"file{i}.txt"} for i in range(500)]
    delta = diff(items, items[:-1])
    assert delta == {"list": [499, 0, []]}
    assert diff(items[:-1], items) == {"list": [499, 0, [items[-1]]]}
    middle = items[:200] + items[201:]
    assert diff(middle, items) == {"list": [200, 299, [items[200]]]}


@pytest.mark.parametrize(
    "bad",
    [None, [], {"list": [5, 0, []]}, {"list": ["a", 0, []]}, {"keys": {"x": {"list": [0, 0, []]}}}],
)
def test_a_delta_that_does_not_fit_is_refused(bad):
    with pytest.raises(ValueError):
        patch([1, 2], bad) if bad != {"keys": {"x": {"list": [0, 0, []]}}} else patch({}, bad)


def _entry(i: int, state) -> HistoryEntry:
    return HistoryEntry(entry_id=str(i), mode_id="m", command=f"c{i}", final_state=state)


def _states(n: int, base: int = 0) -> list:
    return [
        {"script": {"m": {"n": i}}, "shared": {"contextItems": list(range(base + i))}}
        for i in range(n)
    ]


def test_appended_entries_keep_the_newest_in_full_and_rebuild_every_state():
    states = _states(30)
    entries: list[HistoryEntry] = []
    for i, state in enumerate(states):
        append_history_entry(entries, _entry(i, msgspec.json.decode(_json(state))))
    assert entries[-1].final_state == states[-1]
    assert all(is_delta_state(e.final_state) for e in entries[:-1])
    assert history_states(entries) == states
    # Through a file and back (dropping the oldest, as the ring does) nothing changes.
    session = Session(id="s", history=entries[5:])
    loaded = decode_session(encode_session(session, indent=True)).history
    assert history_states(loaded) == states[5:]


def test_full_state_files_load_unchanged_and_shrink_when_compacted():
    states = _states(200, base=300)
    session = Session(id="s", history=[_entry(i, s) for i, s in enumerate(states)])
    full = encode_session(session, indent=True)
    loaded = decode_session(full).history
    assert history_states(loaded) == states  # old files read as before
    compact_history(loaded)
    assert loaded[-1].final_state == states[-1]
    assert all(is_delta_state(e.final_state) for e in loaded[:-1])
    assert history_states(loaded) == states
    compacted = encode_session(Session(id="s", history=loaded), indent=True)
    newest = encode_session(Session(id="s", history=[_entry(199, states[-1])]), indent=True)
    # Each older entry now costs what changed (one item, one number), not the whole state.
    assert len(compacted) - len(newest) < 199 * 1024
    assert len(compacted) * 5 < len(full)


def test_entries_the_go_original_appends_after_ours_still_resolve():
    states = _states(10)
    entries: list[HistoryEntry] = []
    for i, state in enumerate(states[:6]):
        append_history_entry(entries, _entry(i, state))
    # Go appends full states and drops from the front; it never rewrites finalState.
    go_file = entries[2:] + [_entry(i, s) for i, s in enumerate(states[6:], start=6)]
    assert history_states(go_file) == states[2:]


def test_a_delta_without_a_base_is_reported_as_unknown():
    entries = [
        _entry(0, {DELTA_KEY: {"list": [0, 0, []]}}),
        _entry(1, {"script": {}, "shared": {}}),
    ]
    entries.append(_entry(2, {DELTA_KEY: {"set": 1}}))  # a hand-edited newest entry
    assert history_states(entries) == [None, {"script": {}, "shared": {}}, None]
    entries.pop()
    assert history_states(entries)[0] is None  # a list delta cannot apply to an object
