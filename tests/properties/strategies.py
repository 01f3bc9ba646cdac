"""Generators shared by the property tests: JSON values, sessions, and byte/text mutations."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

from hypothesis import strategies as st

from one_shot_man.storage import HistoryEntry, Session

# Text as users and tools write it: any code point but lone surrogates (which no file holds).
text = st.text(st.characters(exclude_categories=["Cs"]), max_size=40)
big_text = st.one_of(text, st.text(st.characters(exclude_categories=["Cs"]), max_size=3000))

json_scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**63), max_value=2**63 - 1),
    st.floats(allow_nan=False, allow_infinity=False),
    big_text,
)
json_values = st.recursive(
    json_scalars,
    lambda inner: st.one_of(st.lists(inner, max_size=5), st.dictionaries(text, inner, max_size=5)),
    max_leaves=20,
)

offsets = st.one_of(
    st.just(UTC),
    st.integers(min_value=-14 * 60, max_value=14 * 60).map(
        lambda m: timezone(timedelta(minutes=m))
    ),
)
times = st.datetimes(
    min_value=datetime(1, 1, 2), max_value=datetime(9999, 12, 30), timezones=offsets
)

history_entries = st.builds(
    HistoryEntry,
    entry_id=text,
    mode_id=text,
    command=big_text,
    read_time=times,
    final_state=json_values,
)


def sessions(max_history: int = 20) -> st.SearchStrategy[Session]:
    return st.builds(
        Session,
        version=st.one_of(st.just("0.2.0"), st.sampled_from(["", "0.1.0", "0.2", "v0.2.0"])),
        id=text,
        create_time=times,
        update_time=times,
        history=st.lists(history_entries, max_size=max_history),
        script_state=st.dictionaries(text, st.dictionaries(text, json_values, max_size=4)),
        shared_state=st.dictionaries(text, json_values, max_size=6),
    )


@st.composite
def mutated(draw: st.DrawFn, data: bytes) -> bytes:
    """`data` with a few random edits: flips, deletions, insertions, truncation, splices."""
    buf = bytearray(data)
    for _ in range(draw(st.integers(1, 4))):
        kind = draw(
            st.sampled_from(["flip", "delete", "insert", "truncate", "splice", "dup", "nest"])
        )
        n = len(buf)
        at = draw(st.integers(0, n))
        if kind == "flip" and n:
            at = min(at, n - 1)
            buf[at] = draw(st.integers(0, 255))
        elif kind == "delete":
            del buf[at : at + draw(st.integers(1, 16))]
        elif kind == "insert":
            token = draw(
                st.one_of(
                    st.binary(max_size=8),
                    st.sampled_from(
                        [
                            b"null",
                            b"[]",
                            b"{}",
                            b'"x"',
                            b"1e999",
                            b"-0",
                            b",",
                            b":",
                            b'"\\u',
                            b"\xff",
                            b"true",
                            b"9" * 30,
                            b'"2026-02-30T25:61:00Z"',
                        ]
                    ),
                )
            )
            buf[at:at] = token
        elif kind == "truncate":
            del buf[at:]
        elif kind == "splice" and n:
            end = draw(st.integers(at, n))
            buf[at:end] = draw(st.sampled_from([b"null", b"0", b'""', b"[]", b"{}", b"false"]))
        elif kind == "nest":  # parsers that recurse per level must not crash on depth
            depth = draw(st.sampled_from([2, 64, 5000, 100_000]))
            buf[at:at] = draw(st.sampled_from([b"[", b'{"a":'])) * depth
        elif kind == "dup" and n:
            end = min(n, at + draw(st.integers(1, 40)))
            buf[at:at] = buf[at:end]
    return bytes(buf)
