"""Session <-> JSON bytes, compatible with the files the Go original reads and writes.

Encoding: camelCase keys in schema order, map keys sorted, RFC 3339 times (`Z` for
UTC), no trailing newline; `indent=True` gives the 2-space layout session files use.
Decoding: type-checked by msgspec; every failure becomes a `SessionDecodeError` that
names the source (usually the file) and the field, e.g. `history[3].readTime`.
"""

from __future__ import annotations

import re

import msgspec

from one_shot_man.storage.errors import (
    SessionDecodeError,
    StorageError,
    UnsupportedSchemaVersionError,
    quote,
)
from one_shot_man.storage.schema import Session, is_newer_version

__all__ = ["decode_session", "decode_session_unchecked", "encode_session"]

_encoder = msgspec.json.Encoder(order="deterministic")
_decoder = msgspec.json.Decoder(Session)
_format = msgspec.json.format


def encode_session(session: Session, *, indent: bool = False) -> bytes:
    """Encode `session` as JSON bytes (2-space indented when `indent`)."""
    try:
        data = _encoder.encode(session)
    except (TypeError, ValueError, OverflowError, msgspec.EncodeError) as exc:
        raise StorageError(f"failed to encode session {quote(session.id)}: {exc}") from exc
    except RecursionError:
        raise StorageError(
            f"failed to encode session {quote(session.id)}: state nested too deeply"
        ) from None
    if indent:
        return _format(data, indent=2)
    return data


def _describe(source: str) -> str:
    if source.startswith("<"):
        return f"session data {source}"
    return f"session file {source}"


_TYPE_WORDS = {
    "str": "string",
    "int": "number",
    "float": "number",
    "bool": "boolean",
    "object": "object",
    "array": "array",
    "null": "null",
}
_EXPECTED_RE = re.compile(r"Expected `([^`]*)`, got `([^`]*)`")
_BYTE_RE = re.compile(r"\(byte (\d+)\)")


def _words(types: str) -> str:
    return " or ".join(_TYPE_WORDS.get(t.strip(), t.strip()) for t in types.split("|"))


def _validation_error(exc: msgspec.ValidationError, source: str) -> SessionDecodeError:
    text = str(exc)
    detail, sep, path = text.partition(" - at `")
    field = path.rstrip("`").removeprefix("$").removeprefix(".") if sep else None
    if "datetime" in detail:
        detail = "expected RFC 3339 timestamp"
    else:
        match = _EXPECTED_RE.fullmatch(detail)
        if match is not None:
            detail = f"expected {_words(match.group(1))}, got {_words(match.group(2))}"
    where = _describe(source)
    if field:
        return SessionDecodeError(f'{where}: field "{field}": {detail}', source=source, field=field)
    return SessionDecodeError(f"{where}: {detail}", source=source)


def _syntax_error(exc: msgspec.DecodeError, data: bytes | str, source: str) -> SessionDecodeError:
    text = str(exc)
    where = _describe(source)
    if isinstance(data, str):
        data = data.encode("utf-8", "surrogatepass")
    if not data.strip():
        return SessionDecodeError(f"{where}: file is empty (no JSON)", source=source)
    if "truncated" in text:
        return SessionDecodeError(
            f"{where}: invalid JSON: data ends unexpectedly (truncated file?)", source=source
        )
    detail = text.removeprefix("JSON is malformed: ")
    match = _BYTE_RE.search(detail)
    if match is not None:
        offset = int(match.group(1))
        line = data.count(b"\n", 0, offset) + 1
        column = offset - (data.rfind(b"\n", 0, offset) + 1) + 1
        detail = _BYTE_RE.sub(f"(line {line}, column {column})", detail)
    return SessionDecodeError(f"{where}: invalid JSON: {detail}", source=source)


def decode_session_unchecked(data: bytes, *, source: str = "<memory>") -> Session:
    """Decode without the schema-version gate (used for the in-memory store's copies)."""
    try:
        session = _decoder.decode(data)
    except msgspec.ValidationError as exc:
        raise _validation_error(exc, source) from None
    except msgspec.DecodeError as exc:
        raise _syntax_error(exc, data, source) from None
    except RecursionError:  # msgspec recurses per nesting level
        raise SessionDecodeError(
            f"{_describe(source)}: invalid JSON: nested too deeply", source=source
        ) from None
    if session.history is None:
        session.history = []
    script_state = session.script_state
    if script_state is None:
        session.script_state = {}
    elif script_state:
        for key, value in script_state.items():
            if value is None:
                script_state[key] = {}
    if session.shared_state is None:
        session.shared_state = {}
    return session


def decode_session(data: bytes, *, source: str = "<memory>") -> Session:
    """Decode session JSON; raise `StorageError` naming `source` and the bad field.

    A session written by a newer schema raises `UnsupportedSchemaVersionError`; older
    or unrecognised versions load as they are (the caller decides what to do).
    """
    session = decode_session_unchecked(data, source=source)
    if is_newer_version(session.version):
        raise UnsupportedSchemaVersionError(source, session.version)
    return session
