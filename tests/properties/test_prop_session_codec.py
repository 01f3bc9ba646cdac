"""Session files: any bytes decode to a session or an error naming the file (and the field),
the file is never changed, and `decode(encode(s)) == s` (issue 10 item 1)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from one_shot_man.errors import StorageError
from one_shot_man.storage import FileSystemBackend, HistoryEntry, Session
from one_shot_man.storage.codec import decode_session, encode_session
from one_shot_man.storage.errors import SessionDecodeError
from one_shot_man.storage.locking import is_locked
from tests.properties import tally
from tests.properties.strategies import mutated, sessions
from tests.storage.test_storage_codec import GO_FILE

SOURCE = "/sessions/s.session.json"
VALID = [
    GO_FILE,
    encode_session(Session(id="py"), indent=True),
    encode_session(
        Session(
            id="full",
            history=[HistoryEntry(entry_id="1", mode_id="m", command="add x", final_state={})],
            script_state={"m": {"k": [1, "a"]}},
            shared_state={"contextItems": [{"type": "note", "label": "n"}]},
        )
    ),
]


def _decode_or_error(data: bytes, source: str = SOURCE) -> Session | None:
    try:
        return decode_session(data, source=source)
    except StorageError as exc:
        message = str(exc)
        assert source in message, message
        assert "\n" not in message, message
        if isinstance(exc, SessionDecodeError) and exc.field:
            assert f'field "{exc.field}"' in message
        return None


@given(st.binary(max_size=400))
def test_any_bytes_give_a_session_or_a_named_error(data: bytes) -> None:
    tally.count()
    _decode_or_error(data)


@given(st.sampled_from(VALID).flatmap(mutated))
def test_mutated_files_give_a_session_or_a_named_error(data: bytes) -> None:
    tally.count()
    _decode_or_error(data)


@given(sessions(), st.booleans())
def test_decode_encode_round_trip(session: Session, indent: bool) -> None:
    tally.count()
    assert decode_session(encode_session(session, indent=indent)) == session


@pytest.mark.parametrize("entries", [0, 1, 10_000])
def test_round_trip_with_large_history(entries: int) -> None:
    when = Session(id="x").create_time
    session = Session(
        id="big",
        history=[
            HistoryEntry(entry_id=str(i), mode_id="m", command=f"note {i}", read_time=when)
            for i in range(entries)
        ],
    )
    assert decode_session(encode_session(session, indent=True)) == session


@given(data=st.sampled_from(VALID).flatmap(mutated))
@tally.examples(0.25)
def test_backend_never_changes_a_file_it_cannot_read(scratch, data: bytes) -> None:
    """Load through the real backend, then save: a bad file stays exactly as it was."""
    tally.count()
    directory = scratch()
    path = directory / "s.session.json"
    path.write_bytes(data)
    backend = FileSystemBackend("s", sessions_dir=directory)
    try:
        try:
            loaded = backend.load_session("s")
        except StorageError as exc:
            assert str(path) in str(exc)
            with pytest.raises(StorageError, match="refusing to overwrite"):
                backend.save_session(Session(id="s"))
            assert path.read_bytes() == data
            return
        assert path.read_bytes() == data  # reading never writes
        assert loaded is not None
        loaded.id = "s"
        backend.save_session(loaded)
        again = decode_session(path.read_bytes(), source=str(path))
        assert again.history == loaded.history
    finally:
        backend.close()
        assert not is_locked(directory / "s.session.lock")
