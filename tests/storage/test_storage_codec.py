"""Schema and JSON codec: Go-compatible bytes both ways, and errors that name the field."""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone

import pytest

from one_shot_man.errors import StorageError
from one_shot_man.storage import (
    CURRENT_SCHEMA_VERSION,
    HistoryEntry,
    Session,
    SessionDecodeError,
    UnsupportedSchemaVersionError,
    decode_session,
    encode_session,
    is_newer_version,
)

UTC = timezone.utc  # noqa: UP017

# A file as the Go original writes it: MarshalIndent, local offset, nanoseconds,
# `null` history, HTML-escaped `<`, and a raw finalState.
GO_FILE = b"""{
  "version": "0.2.0",
  "id": "ex--my-session_ab",
  "createTime": "2026-02-10T09:15:02.123456789+11:00",
  "updateTime": "2026-02-10T09:20:00Z",
  "history": [
    {
      "entryId": "1770675302123456789",
      "modeId": "code-review",
      "command": "add \\u003cfile\\u003e",
      "readTime": "2026-02-10T09:15:02.5+11:00",
      "finalState": {
        "script": {
          "code-review": {
            "n": 3
          }
        },
        "shared": {}
      }
    }
  ],
  "scriptState": {
    "code-review": {
      "items": [
        "a",
        "b"
      ]
    },
    "empty": null
  },
  "sharedState": {
    "contextItems": []
  }
}"""


def test_session_defaults_fill_everything() -> None:
    before = datetime.now(UTC)
    session = Session(id="x")
    after = datetime.now(UTC)
    assert session.version == CURRENT_SCHEMA_VERSION == "0.2.0"
    assert session.id == "x"
    assert before <= session.create_time <= after
    assert before <= session.update_time <= after
    assert session.create_time.tzinfo is not None
    assert session.history == []
    assert session.script_state == {}
    assert session.shared_state == {}
    # Mutable defaults are not shared between sessions.
    other = Session(id="y")
    session.history.append(HistoryEntry(entry_id="1"))
    session.shared_state["k"] = 1
    assert other.history == [] and other.shared_state == {}


def test_go_written_file_decodes() -> None:
    session = decode_session(GO_FILE, source="/x/go.session.json")
    assert session.version == "0.2.0"
    assert session.id == "ex--my-session_ab"
    eleven = timezone(timedelta(hours=11))
    assert session.create_time == datetime(2026, 2, 10, 9, 15, 2, 123457, tzinfo=eleven)
    assert session.update_time == datetime(2026, 2, 10, 9, 20, tzinfo=UTC)
    assert len(session.history) == 1
    entry = session.history[0]
    assert entry.entry_id == "1770675302123456789"
    assert entry.mode_id == "code-review"
    assert entry.command == "add <file>"
    assert entry.read_time == datetime(2026, 2, 10, 9, 15, 2, 500000, tzinfo=eleven)
    assert entry.final_state == {"script": {"code-review": {"n": 3}}, "shared": {}}
    assert session.script_state == {"code-review": {"items": ["a", "b"]}, "empty": {}}
    assert session.shared_state == {"contextItems": []}


def test_encoding_matches_go_layout() -> None:
    ts = datetime(2026, 2, 10, 9, 20, tzinfo=UTC)
    session = Session(
        id="s1",
        create_time=ts,
        update_time=ts + timedelta(microseconds=120000),
        history=[
            HistoryEntry(
                entry_id="e", mode_id="m", command="c", read_time=ts, final_state={"b": 1, "a": 2}
            )
        ],
        script_state={"zeta": {"y": 1, "x": 2}, "alpha": {}},
        shared_state={"b": [], "a": None},
    )
    text = encode_session(session, indent=True).decode()
    assert not text.endswith("\n")
    assert text.startswith('{\n  "version": "0.2.0",\n  "id": "s1",\n')
    keys = list(json.loads(text))
    assert keys == [
        "version",
        "id",
        "createTime",
        "updateTime",
        "history",
        "scriptState",
        "sharedState",
    ]
    assert '"createTime": "2026-02-10T09:20:00Z"' in text
    assert '"updateTime": "2026-02-10T09:20:00.120000Z"' in text
    entry_keys = list(json.loads(text)["history"][0])
    assert entry_keys == ["entryId", "modeId", "command", "readTime", "finalState"]
    # Map keys sorted at every level.
    assert text.index('"alpha"') < text.index('"zeta"')
    assert text.index('"x": 2') < text.index('"y": 1')
    assert text.index('"a": null') < text.index('"b": []')
    assert text.index('"a": 2') < text.index('"b": 1')
    # Compact form has no whitespace between tokens.
    compact = encode_session(session)
    assert b"\n" not in compact and b'": ' not in compact
    assert json.loads(compact) == json.loads(text)


def test_roundtrip_preserves_values() -> None:
    session = Session(
        id="rt",
        history=[
            HistoryEntry(
                entry_id=str(i),
                mode_id="mode",
                command=f"cmd {i} ✓ <&>",
                read_time=datetime.now(UTC),
                final_state={"n": i, "f": 1.5, "list": [1, "two", None, True]},
            )
            for i in range(5)
        ],
        script_state={"cmd": {"key": {"nested": [1, 2]}}},
        shared_state={"unicode": "日本", "big": 2**62},
    )
    for indent in (False, True):
        assert decode_session(encode_session(session, indent=indent)) == session


def test_empty_history_written_as_array_null_accepted() -> None:
    text = encode_session(Session(id="e"), indent=True)
    assert json.loads(text)["history"] == []
    data = b'{"version":"0.2.0","id":"n","history":null,"scriptState":null,"sharedState":null}'
    session = decode_session(data)
    assert session.history == []
    assert session.script_state == {}
    assert session.shared_state == {}


def test_missing_keys_give_zero_values_and_unknown_keys_are_ignored() -> None:
    session = decode_session(b'{"id":"m","futureField":{"x":1},"history":[{}]}')
    assert session.id == "m"
    assert session.history[0].entry_id == ""
    assert session.history[0].read_time == datetime(1, 1, 1, tzinfo=UTC)
    assert session.history[0].final_state is None
    empty = decode_session(b"{}")
    assert empty.id == ""


def test_zero_time_roundtrips_as_go_zero() -> None:
    data = b'{"id":"z","createTime":"0001-01-01T00:00:00Z","updateTime":"0001-01-01T00:00:00Z"}'
    session = decode_session(data)
    assert session.create_time == datetime(1, 1, 1, tzinfo=UTC)
    assert b'"createTime":"0001-01-01T00:00:00Z"' in encode_session(session)


@pytest.mark.parametrize(
    ("data", "field", "expected"),
    [
        (
            b'{"history":[{},{},{},{"readTime":"yesterday"}]}',
            "history[3].readTime",
            "expected RFC 3339 timestamp",
        ),
        (b'{"id":5}', "id", "expected string, got number"),
        (b'{"history":{}}', "history", "expected array or null, got object"),
        (b'{"sharedState":[1]}', "sharedState", "expected object or null, got array"),
        (b'{"scriptState":{"c":7}}', "scriptState[...]", "expected object or null, got number"),
        (b'{"createTime":12}', "createTime", "expected"),
    ],
)
def test_type_errors_name_source_and_field(data: bytes, field: str, expected: str) -> None:
    with pytest.raises(SessionDecodeError) as info:
        decode_session(data, source="/x/a.session.json")
    message = str(info.value)
    assert message.startswith(f'session file /x/a.session.json: field "{field}": ')
    assert expected in message
    assert info.value.field == field
    assert info.value.source == "/x/a.session.json"
    assert isinstance(info.value, StorageError)


def test_exact_message_for_bad_timestamp() -> None:
    data = b'{"history":[{},{},{},{"readTime":"x"}]}'
    with pytest.raises(StorageError) as info:
        decode_session(data, source="/x/a.session.json")
    assert str(info.value) == (
        'session file /x/a.session.json: field "history[3].readTime": expected RFC 3339 timestamp'
    )


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (b"", "file is empty"),
        (b"  \n", "file is empty"),
        (b'{"version":"0.2.0","id":"tr', "truncated"),
        (b"{not-valid-json", "invalid JSON"),
        (b'{\n  "id": "a",\n  x\n}', "line 3"),
        (b"[]", "expected object, got array"),
    ],
)
def test_syntax_errors_are_clear(data: bytes, expected: str) -> None:
    with pytest.raises(SessionDecodeError) as info:
        decode_session(data, source="/x/b.session.json")
    assert str(info.value).startswith("session file /x/b.session.json: ")
    assert expected in str(info.value)


def test_in_memory_source_label() -> None:
    with pytest.raises(SessionDecodeError, match=r"^session data <memory>: "):
        decode_session(b"{")


@pytest.mark.parametrize("version", ["0.3.0", "1.0", "0.2.1", "2", "v1.0.0", "10.0.0-beta"])
def test_newer_schema_version_is_refused(version: str) -> None:
    data = json.dumps({"version": version, "id": "v"}).encode()
    with pytest.raises(UnsupportedSchemaVersionError) as info:
        decode_session(data, source="/x/v.session.json")
    assert info.value.version == version
    assert "/x/v.session.json" in str(info.value)
    assert f'"{version}"' in str(info.value)
    assert is_newer_version(version)


@pytest.mark.parametrize("version", ["0.0.1", "0.1.9", "0.2.0", "", "garbage"])
def test_older_or_unknown_versions_load_as_is(version: str) -> None:
    data = json.dumps({"version": version, "id": "v"}).encode()
    assert decode_session(data).version == version
    assert not is_newer_version(version)


def test_unencodable_value_is_a_storage_error() -> None:
    session = Session(id="bad", shared_state={"x": object()})
    with pytest.raises(StorageError, match='failed to encode session "bad"'):
        encode_session(session)


def test_str_input_is_accepted_and_errors_still_locate() -> None:
    assert decode_session('{"id": "s"}').id == "s"
    with pytest.raises(SessionDecodeError, match="line 2"):
        decode_session("{\n  x}", source="/x/c.session.json")


def test_deeply_nested_state_is_a_decode_error_not_a_crash() -> None:
    """Found by tests/properties: msgspec recursed past the interpreter's limit (a
    RecursionError traceback) on a state value nested ~1000 deep (the minimal depth is the
    recursion limit)."""
    import sys

    depth = sys.getrecursionlimit() + 10
    data = b'{"sharedState":{"a":' + b"[" * depth + b"]" * depth + b"}}"
    with pytest.raises(SessionDecodeError, match=r"^session file /x/s\.json: .*nested too deeply"):
        decode_session(data, source="/x/s.json")


def test_deeply_nested_state_does_not_crash_the_encoder() -> None:
    import sys

    value: list[object] = []
    for _ in range(sys.getrecursionlimit() + 10):
        value = [value]
    with pytest.raises(StorageError, match="nested too deeply"):
        encode_session(Session(id="deep", shared_state={"a": value}))
