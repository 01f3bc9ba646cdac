"""Turning detector payloads into filesystem-safe, length-capped session IDs.

Every ID names a storage file, so the formatter guarantees a safe alphabet and
a hard 80-byte cap, and it appends a hash of the *original* payload whenever a
user could otherwise make two different inputs collide (`user/name` versus
`user_name`) or replay someone else's ID.
"""

from __future__ import annotations

__all__ = [
    "FULL_SUFFIX_HASH_LENGTH",
    "MAX_SESSION_ID_LENGTH",
    "MINI_SUFFIX_HASH_LENGTH",
    "NAMESPACE_DELIMITER",
    "SHORT_HASH_LENGTH",
    "SUFFIX_DELIMITER",
    "TRUSTED_HEX_NAMESPACES",
    "contains_any_non_digit",
    "format_explicit_id",
    "format_session_id",
    "format_uuid_id",
    "hash_string",
    "is_canonical_uuid",
    "is_filename_safe",
    "is_internal_short_hex",
    "is_tmux_payload",
    "is_trusted_hex_namespace",
    "sanitize_payload",
    "sha256_hex",
    "to_bytes",
]

MAX_SESSION_ID_LENGTH = 80
NAMESPACE_DELIMITER = "--"
SUFFIX_DELIMITER = "_"
SHORT_HASH_LENGTH = 16
MINI_SUFFIX_HASH_LENGTH = 2
FULL_SUFFIX_HASH_LENGTH = 16

NS_EXPLICIT = "ex"
NS_TMUX = "tmux"
NS_SCREEN = "screen"
NS_SSH = "ssh"
NS_TERMINAL = "terminal"
NS_ANCHOR = "anchor"
NS_UUID = "uuid"

TRUSTED_HEX_NAMESPACES = frozenset({NS_SCREEN, NS_SSH, NS_TERMINAL, NS_ANCHOR})

_SAFE_ASCII = b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-_"
_SAFE_CHARS = frozenset(_SAFE_ASCII.decode("ascii"))
# Byte table for the ASCII fast path: unsafe bytes become "_".
_SANITIZE_TABLE = bytes(b if b in _SAFE_ASCII else 0x5F for b in range(256))
_HEX_LOWER = b"0123456789abcdef"
_FULL_SUFFIX_LEN = len(SUFFIX_DELIMITER) + FULL_SUFFIX_HASH_LENGTH  # 17
_MAX_NAMESPACE_LEN = MAX_SESSION_ID_LENGTH - len(NAMESPACE_DELIMITER) - _FULL_SUFFIX_LEN  # 61

_sha256 = None  # hashlib.sha256, bound on first use so importing this module stays cheap


def sha256_hex(data: bytes) -> str:
    """Lowercase hex SHA-256 of raw bytes (hashlib is imported on first use, not at import)."""
    global _sha256
    sha = _sha256
    if sha is None:
        import hashlib

        sha = _sha256 = hashlib.sha256
    return sha(data).hexdigest()


def to_bytes(s: str) -> bytes:
    """The bytes a string stands for: undecodable env/argv bytes (surrogate escapes) come back
    exactly as the OS gave them, so hashes match the Go original byte for byte."""
    try:
        return s.encode("utf-8", "surrogateescape")
    except UnicodeEncodeError:
        return s.encode("utf-8", "surrogatepass")


def hash_string(s: str | bytes) -> str:
    """`sha256hex` of a string's raw bytes (spec `hashString`)."""
    return sha256_hex(s if isinstance(s, bytes) else to_bytes(s))


def is_filename_safe(ch: str) -> bool:
    """True only for ASCII letters, digits, `.`, `-` and `_`."""
    return len(ch) == 1 and ch in _SAFE_CHARS


def sanitize_payload(s: str) -> str:
    """Replace every code point outside `[A-Za-z0-9._-]` with one `_`.

    Per code point (an undecodable byte, held as a surrogate escape, counts as one),
    so the result keeps the input's length in code points and is pure ASCII.
    """
    if s.isascii():
        return s.encode("ascii").translate(_SANITIZE_TABLE).decode("ascii")
    safe = _SAFE_CHARS
    return "".join([c if c in safe else "_" for c in s])


def _is_lower_hex(s: str) -> bool:
    return s.isascii() and not s.encode("ascii").translate(None, _HEX_LOWER)


def is_internal_short_hex(s: str) -> bool:
    """True iff `s` is exactly 16 lowercase hex characters (a detector-made payload)."""
    return len(s) == SHORT_HASH_LENGTH and _is_lower_hex(s)


def is_trusted_hex_namespace(ns: str) -> bool:
    """Namespaces whose 16-hex payloads come from our own detectors and may pass verbatim."""
    return ns in TRUSTED_HEX_NAMESPACES


def _is_ascii_digits(s: str) -> bool:
    return s.isascii() and s.isdigit()


def is_tmux_payload(s: str) -> bool:
    """True iff `s` is `<digits>_<digits>` (ASCII, both sides non-empty): a tmux pane ID."""
    pane, sep, server = s.partition("_")
    return bool(sep) and _is_ascii_digits(pane) and _is_ascii_digits(server)


def contains_any_non_digit(s: str) -> bool:
    """True iff some code point is outside ASCII `0-9`; the empty string has none."""
    return bool(s) and not _is_ascii_digits(s)


def is_canonical_uuid(s: str) -> bool:
    """True iff `s` is a lowercase canonical `8-4-4-4-12` UUID, as the fallback produces."""
    return (
        len(s) == 36
        and s[8] == "-"
        and s[13] == "-"
        and s[18] == "-"
        and s[23] == "-"
        and _is_lower_hex(s[:8] + s[9:13] + s[14:18] + s[19:23] + s[24:])
    )


def _truncate_bytes(s: str, n: int) -> str:
    if s.isascii():
        return s[:n]
    return to_bytes(s)[:n].decode("utf-8", "surrogateescape")


def format_session_id(namespace: str, payload: str) -> str:
    """Build `<namespace>--<payload>[_<hash>]`, at most 80 bytes (spec §1.5).

    Detector-made payloads pass verbatim (so a printed ID can be resumed); every
    other payload gets a suffix hashed from the *original* payload, 2 hex chars when
    it was already safe and fitted, 16 when it had to be sanitized or cut.
    """
    ns_len = len(namespace) if namespace.isascii() else len(to_bytes(namespace))
    max_payload = MAX_SESSION_ID_LENGTH - ns_len - 2
    raw = payload.encode("ascii") if payload.isascii() else to_bytes(payload)

    if len(raw) <= max_payload and (
        (namespace in TRUSTED_HEX_NAMESPACES and is_internal_short_hex(payload))
        or (namespace == NS_TMUX and is_tmux_payload(payload))
        or (namespace == NS_UUID and is_canonical_uuid(payload))
    ):
        return namespace + NAMESPACE_DELIMITER + payload

    orig_hash = sha256_hex(raw)
    sanitized = sanitize_payload(payload)

    if sanitized != payload or len(sanitized) > max_payload - 1 - MINI_SUFFIX_HASH_LENGTH:
        if max_payload < _FULL_SUFFIX_LEN:
            if ns_len > _MAX_NAMESPACE_LEN:
                namespace = _truncate_bytes(namespace, _MAX_NAMESPACE_LEN)
                ns_len = _MAX_NAMESPACE_LEN
            max_payload = MAX_SESSION_ID_LENGTH - ns_len - 2
        avail = max_payload - _FULL_SUFFIX_LEN
        if avail <= 0:
            final = "" if max_payload <= 0 else orig_hash[:max_payload]
        else:
            final = sanitized[:avail] + SUFFIX_DELIMITER + orig_hash[:FULL_SUFFIX_HASH_LENGTH]
        return namespace + NAMESPACE_DELIMITER + final

    return (
        namespace
        + NAMESPACE_DELIMITER
        + sanitized
        + SUFFIX_DELIMITER
        + orig_hash[:MINI_SUFFIX_HASH_LENGTH]
    )


def format_explicit_id(value: str) -> str:
    """Format a user-given ID (`--session` / `OSM_SESSION`).

    `ns--payload` keeps its (sanitized) namespace, so an ID printed earlier by osm
    (`tmux--5_123`, `anchor--<16hex>`, `uuid--<uuid>`) resumes the same session;
    anything else lands in the `ex` namespace.
    """
    ns, sep, payload = value.partition(NAMESPACE_DELIMITER)
    if sep:
        return format_session_id(sanitize_payload(ns), payload)
    return format_session_id(NS_EXPLICIT, value)


def format_uuid_id(value: str) -> str:
    """`uuid--<value>`, built directly: the fallback UUID is already safe."""
    return NS_UUID + NAMESPACE_DELIMITER + value
