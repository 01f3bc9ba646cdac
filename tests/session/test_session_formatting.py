"""Formatter, sanitiser and helper rules of spec §1.4-1.6, with the §1.8 golden vectors."""

from __future__ import annotations

import hashlib
import random
import re

import pytest

from one_shot_man.session import (
    MAX_SESSION_ID_LENGTH,
    format_explicit_id,
    format_session_id,
    format_uuid_id,
    sanitize_payload,
)
from one_shot_man.session.formatting import (
    TRUSTED_HEX_NAMESPACES,
    contains_any_non_digit,
    hash_string,
    is_canonical_uuid,
    is_filename_safe,
    is_internal_short_hex,
    is_tmux_payload,
    is_trusted_hex_namespace,
)

SAFE_RE = re.compile(r"[A-Za-z0-9._-]*")
UNSAFE_CHARS = set('/\\:*?"<>| ')

# Spec §1.8, explicit inputs (formatExplicitID).
EXPLICIT_VECTORS = [
    ("my-session", "ex--my-session_01"),
    ("explicit-flag-value", "ex--explicit-flag-value_63"),
    ("user/name", "ex--user_name_94d046a42abcfaae"),
    ("user_name", "ex--user_name_2e"),
    ("ex--from-env", "ex--from-env_43"),
    ("from-env", "ex--from-env_43"),
    ("custom--my-value", "custom--my-value_5a"),
    ("custom--user/name", "custom--user_name_94d046a42abcfaae"),
    ("user/name--hack", "user_name--hack_05"),
    ("C:\\Users\\hack", "ex--C__Users_hack_a45202fda6ac99f2"),
    ("0123456789abcdef", "ex--0123456789abcdef_9f"),
    ("ssh--a1b2c3d4e5f67890", "ssh--a1b2c3d4e5f67890"),
    ("tmux--5_12345", "tmux--5_12345"),
    ("tmux--%5_123", "tmux--_5_123_bbd6ace5b46c7c5e"),
    ("anchor--ABCDEF0123456789", "anchor--ABCDEF0123456789_1c"),
    ("--foo", "--foo_2c"),
    ("a--b--c", "a--b--c_8e"),
    ("session with spaces", "ex--session_with_spaces_8adbb3cb29843cb4"),
    ("日本", "ex--___cf2abf0c5be326cb"),
    ("a" * 73, "ex--" + "a" * 73 + "_0e"),
    ("a" * 74, "ex--" + "a" * 59 + "_f638359d0db860cf"),
    ("a" * 100, "ex--" + "a" * 59 + "_2816597888e4a0d3"),
]

# Spec §1.8, formatSessionID(namespace, payload).
FORMATTER_VECTORS = [
    ("n" * 60, "a/b", "n" * 60 + "--a_c14cddc033f64b9d"),
    ("n" * 61, "a/b", "n" * 61 + "--c14cddc033f64b9de"),
    ("n" * 65, "some/path/payload", "n" * 61 + "--17717c089c8f31f26"),
    ("x" * 78, "payload", "x" * 61 + "--239f59ed55e737c77"),
    ("test", "a" * 200, "test--" + "a" * 57 + "_c2a908d98f5df987"),
]


@pytest.mark.parametrize(("value", "expected"), EXPLICIT_VECTORS)
def test_explicit_golden_vectors(value: str, expected: str) -> None:
    assert format_explicit_id(value) == expected


@pytest.mark.parametrize(("namespace", "payload", "expected"), FORMATTER_VECTORS)
def test_formatter_golden_vectors(namespace: str, payload: str, expected: str) -> None:
    result = format_session_id(namespace, payload)
    assert result == expected
    assert len(result.encode()) <= MAX_SESSION_ID_LENGTH


def test_length_boundary_of_ex_namespace() -> None:
    assert len(format_explicit_id("a" * 73)) == 80
    assert len(format_explicit_id("a" * 74)) == 80


def test_uuid_id_resumes_verbatim() -> None:
    """Defect fix: a UUID-fallback ID given back explicitly names the same session."""
    value = "uuid--550e8400-e29b-41d4-a716-446655440000"
    assert format_explicit_id(value) == value
    assert format_session_id("uuid", "550e8400-e29b-41d4-a716-446655440000") == value


@pytest.mark.parametrize(
    "payload",
    [
        "550E8400-E29B-41D4-A716-446655440000",  # uppercase is not canonical
        "550e8400e29b41d4a716446655440000",  # no hyphens
        "550e8400-e29b-41d4-a716-44665544000",  # too short
        "550e8400-e29b-41d4-a716_446655440000",
        "g50e8400-e29b-41d4-a716-446655440000",
    ],
)
def test_non_canonical_uuid_gets_a_suffix(payload: str) -> None:
    result = format_explicit_id("uuid--" + payload)
    assert result != "uuid--" + payload
    assert result.startswith("uuid--")
    assert not is_canonical_uuid(payload)


def test_format_uuid_id() -> None:
    assert format_uuid_id("abc") == "uuid--abc"
    assert format_uuid_id("") == "uuid--"


# --- helpers ----------------------------------------------------------------------------------

SANITIZE_TABLE = [
    ("user/name", "user_name"),
    ("C:drive", "C_drive"),
    ('say"hello"', "say_hello_"),
    (':*?"<>|', "_______"),
    ("hello world", "hello_world"),
    ("a@b#c$d%e", "a_b_c_d_e"),
    ("日本", "__"),
    ("", ""),
    ("My-File_v1.0", "My-File_v1.0"),
    ("abcXYZ123.-_", "abcXYZ123.-_"),
    ("\udcff\udcfe", "__"),  # two undecodable bytes are two code points
]


@pytest.mark.parametrize(("value", "expected"), SANITIZE_TABLE)
def test_sanitize_table(value: str, expected: str) -> None:
    assert sanitize_payload(value) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("1_1", True),
        ("5_12345", True),
        ("00_00", True),
        ("", False),
        ("1", False),
        ("12", False),
        ("_123", False),
        ("a_123", False),
        ("123456", False),
        ("1__2", False),
        ("1_2_3", False),
        ("123_", False),
        ("123_a", False),
        ("1_gö", False),
        ("١_٢", False),  # Arabic-Indic digits are not ASCII digits
    ],
)
def test_is_tmux_payload(value: str, expected: bool) -> None:
    assert is_tmux_payload(value) is expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("0123456789abcdef", True),
        ("a1b2c3d4e5f67890", True),
        ("0123456789ABCDEF", False),
        ("0123456789abcde", False),
        ("0123456789abcdef0", False),
        ("0123456789abcde-", False),
        ("0123456789abcde_", False),
        ("0123456789abcde ", False),
        ("0123456789abcdeg", False),
        ("", False),
    ],
)
def test_is_internal_short_hex(value: str, expected: bool) -> None:
    assert is_internal_short_hex(value) is expected


def test_trusted_hex_namespaces() -> None:
    for ns in ("screen", "ssh", "terminal", "anchor"):
        assert is_trusted_hex_namespace(ns)
    for ns in ("ex", "tmux", "uuid", "custom", "", "SSH"):
        assert not is_trusted_hex_namespace(ns)
    assert frozenset({"screen", "ssh", "terminal", "anchor"}) == TRUSTED_HEX_NAMESPACES


@pytest.mark.parametrize(
    ("value", "expected"),
    [("", False), ("0", False), ("123", False), ("1_2", True), ("123\n", True), ("١٢", True)],
)
def test_contains_any_non_digit(value: str, expected: bool) -> None:
    assert contains_any_non_digit(value) is expected


def test_is_filename_safe() -> None:
    for ch in "azAZ09.-_":
        assert is_filename_safe(ch)
    for ch in "/\\: é日\x00":
        assert not is_filename_safe(ch)


def test_hash_string_hashes_raw_bytes() -> None:
    assert hash_string("abc") == hashlib.sha256(b"abc").hexdigest()
    # An undecodable byte (as os.environ holds it) is hashed as the original byte.
    assert hash_string("a\udcffb") == hashlib.sha256(b"a\xffb").hexdigest()
    assert hash_string(b"a\xffb") == hashlib.sha256(b"a\xffb").hexdigest()


# --- sanitize invariants (fuzz-style, fixed seed) ----------------------------------------------

_ALPHABET = (
    'abcXYZ019.-_/\\:*?"<>| \t\n@#$%\x00\x7f'
    + "éßü日本語🙂\u212a\u0130"
    + "\udc80\udcff"  # surrogate-escaped bytes
)


def _random_strings(count: int, seed: int) -> list[str]:
    rng = random.Random(seed)
    return ["".join(rng.choice(_ALPHABET) for _ in range(rng.randint(0, 40))) for _ in range(count)]


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_sanitize_invariants(seed: int) -> None:
    for s in _random_strings(500, seed):
        out = sanitize_payload(s)
        assert len(out) == len(s)  # one output character per code point
        assert SAFE_RE.fullmatch(out)
        assert out.isascii()
        if s:
            assert out
        if SAFE_RE.fullmatch(s):
            assert out == s
        for a, b in zip(s, out):
            assert b == (a if is_filename_safe(a) else "_")


@pytest.mark.parametrize("seed", [7, 8])
def test_explicit_ids_are_safe_and_bounded(seed: int) -> None:
    for s in _random_strings(400, seed):
        s = s or "x"
        out = format_explicit_id(s)
        assert len(out.encode("utf-8", "surrogateescape")) <= MAX_SESSION_ID_LENGTH
        assert SAFE_RE.fullmatch(out), out
        assert format_explicit_id(s) == out  # deterministic


# --- formatter bounds and behaviour (spec §1.10 "Formatter" and "Explicit") ---------------------


@pytest.mark.parametrize("ns_len", [1, 20, 60, 61, 62, 63, 65, 70, 78, 100, 200])
@pytest.mark.parametrize("payload", ["ab", "a/b", "x" * 200, "日本" * 50, ""])
def test_formatter_length_bound(ns_len: int, payload: str) -> None:
    out = format_session_id("n" * ns_len, payload)
    assert len(out) <= MAX_SESSION_ID_LENGTH, (ns_len, payload[:10])
    assert out.startswith("n" * min(ns_len, 61))


@pytest.mark.parametrize("ns_len", [65, 100])
def test_long_namespace_truncated_to_61_with_hash_only_payload(ns_len: int) -> None:
    out = format_session_id("n" * ns_len, "some/path/payload")
    ns, _, payload = out.partition("--")
    assert ns == "n" * 61
    assert re.fullmatch(r"[0-9a-f]{17}", payload)
    assert len(out) == 80


def test_long_namespace_with_short_safe_payload_uses_mini_suffix() -> None:
    out = format_session_id("n" * 70, "ab")
    assert out == "n" * 70 + "--ab_" + hashlib.sha256(b"ab").hexdigest()[:2]
    assert len(out) == 77


def test_tmux_payload_passes_formatter() -> None:
    assert format_session_id("tmux", "5_12345") == "tmux--5_12345"
    assert format_session_id("tmux", "5_abc") != "tmux--5_abc"


def test_safe_payloads_get_mini_suffix() -> None:
    for value in ("a", "my-session", "v1.2.3", "x" * 73):
        assert re.fullmatch(r"ex--[A-Za-z0-9._-]+_[0-9a-f]{2}", format_explicit_id(value))


def test_sanitized_and_safe_twins_differ() -> None:
    a = format_explicit_id("user/name")
    b = format_explicit_id("user_name")
    assert re.fullmatch(r"ex--user_name_[0-9a-f]{16}", a)
    assert re.fullmatch(r"ex--user_name_[0-9a-f]{2}", b)
    assert a != b


def test_mimicry_resubmission_gets_its_own_suffix() -> None:
    first = format_explicit_id("user/name")
    payload = first.partition("--")[2]
    second = format_explicit_id(payload)
    assert second != first
    assert second.startswith("ex--" + payload + "_")
    assert format_explicit_id(first) != first  # ex-- IDs do not round-trip


def test_trusted_ids_pass_explicit_verbatim() -> None:
    for value in (
        "ssh--a1b2c3d4e5f67890",
        "screen--0123456789abcdef",
        "terminal--0123456789abcdef",
        "anchor--0123456789abcdef",
        "tmux--5_12345",
    ):
        assert format_explicit_id(value) == value


def test_path_traversal_is_neutralised() -> None:
    assert re.fullmatch(r"user_name--hack_[0-9a-f]{2}", format_explicit_id("user/name--hack"))
    out = format_explicit_id("C:\\Users\\hack")
    assert "\\" not in out and ":" not in out
    out = format_explicit_id("../../etc/passwd")
    assert "/" not in out


def test_long_ids_differing_in_last_char_differ() -> None:
    a = format_explicit_id("a" * 100 + "x")
    b = format_explicit_id("a" * 100 + "y")
    assert a != b
    assert len(a) <= 80 and len(b) <= 80


@pytest.mark.parametrize(
    "value", ["with spaces", "ünïcödé", "日本語", "a/b/c", "x@y#z$%", "tab\there", "\udcff"]
)
def test_awkward_inputs_are_safe(value: str) -> None:
    out = format_explicit_id(value)
    assert not (set(out) & UNSAFE_CHARS)
    assert out.isascii()


def test_same_input_same_output_different_inputs_differ() -> None:
    inputs = [f"session-{i}" for i in range(200)] + [f"s/{i}" for i in range(200)]
    outputs = [format_explicit_id(v) for v in inputs]
    assert outputs == [format_explicit_id(v) for v in inputs]
    assert len(set(outputs)) == len(inputs)


def test_non_ascii_namespace_is_measured_in_bytes() -> None:
    ns = "é" * 40  # 40 code points but 80 bytes: no room for a payload
    out = format_session_id(ns, "a/b")
    assert len(out.encode("utf-8", "surrogateescape")) <= MAX_SESSION_ID_LENGTH
    assert out.startswith("é" * 30 + "\udcc3")  # cut at byte 61, mid-character, as Go does
