"""The config grammar (spec 3.2/3.3) and the `[sessions]` section, via `load_from_reader`."""

from __future__ import annotations

import io
import random

import pytest

from one_shot_man.config import (
    MAX_LINE_BYTES,
    Config,
    ConfigIssue,
    SessionsConfig,
    load_from_reader,
)

BASIC = """verbose true
color auto

[help]
pager less
format detailed

[version]
format short
"""


# -- parsing (3.9 "Parsing") ---------------------------------------------------


def test_globals_and_sections_parse() -> None:
    cfg = load_from_reader(io.StringIO(BASIC))
    assert cfg.global_options == {"verbose": "true", "color": "auto"}
    assert cfg.commands == {
        "help": {"pager": "less", "format": "detailed"},
        "version": {"format": "short"},
    }


def test_command_lookup_falls_back_to_global() -> None:
    cfg = load_from_reader(BASIC)
    assert cfg.get_command_option("help", "pager") == "less"
    assert cfg.get_command_option("help", "verbose") == "true"
    assert cfg.get_command_option("nosuchcommand", "color") == "auto"


def test_nonexistent_command_key_is_absent() -> None:
    cfg = load_from_reader(BASIC)
    assert cfg.get_command_option("help", "nonexistent") is None
    assert cfg.get_global_option("nonexistent") is None


def test_empty_input_gives_empty_maps_and_defaults() -> None:
    cfg = load_from_reader(io.StringIO(""))
    assert cfg.global_options == {}
    assert cfg.commands == {}
    assert cfg.sessions == SessionsConfig()
    assert cfg.issues == []
    assert cfg.validate() == []


def test_comments_are_skipped_everywhere() -> None:
    text = "# top\nverbose true\n  # indented\n[help]\n# in section\npager less\n#k v\n"
    cfg = load_from_reader(text)
    assert cfg.global_options == {"verbose": "true"}
    assert cfg.commands == {"help": {"pager": "less"}}


def test_hash_in_the_middle_is_part_of_the_value() -> None:
    cfg = load_from_reader("k v # x\n")
    assert cfg.get_global_option("k") == "v # x"


def test_command_option_shadows_global() -> None:
    cfg = load_from_reader("pager more\n[help]\npager less\n")
    assert cfg.get_command_option("help", "pager") == "less"
    assert cfg.get_global_option("pager") == "more"


def test_set_global_and_command_options_in_memory() -> None:
    cfg = Config()
    cfg.set_global_option("verbose", "true")
    cfg.set_command_option("help", "pager", "less")
    assert cfg.get_global_option("verbose") == "true"
    assert cfg.get_command_option("help", "pager") == "less"
    assert cfg.get_command_option("help", "verbose") == "true"
    assert cfg.commands == {"help": {"pager": "less"}}


# -- values (3.9 "Values") -------------------------------------------------------


def test_key_with_trailing_space_stores_empty_value() -> None:
    cfg = load_from_reader("session.id ")
    assert cfg.get_global_option("session.id") == ""


def test_key_alone_stores_empty_value() -> None:
    cfg = load_from_reader("debug\n")
    assert "debug" in cfg.global_options
    assert cfg.get_global_option("debug") == ""


def test_special_characters_kept_verbatim() -> None:
    cfg = load_from_reader("session.id test-session_2024.01+user@host")
    assert cfg.get_global_option("session.id") == "test-session_2024.01+user@host"


def test_negative_numbers_are_strings() -> None:
    cfg = load_from_reader("timeout -30\nretries -5")
    assert cfg.get_global_option("timeout") == "-30"
    assert cfg.get_global_option("retries") == "-5"


def test_ten_thousand_char_value() -> None:
    value = "x" * 10_000
    cfg = load_from_reader("data " + value)
    assert cfg.get_global_option("data") == value
    assert cfg.issues == []


def test_unicode_values() -> None:
    cfg = load_from_reader("description Hello 世界 🌍 Ñoño")
    assert cfg.get_global_option("description") == "Hello 世界 🌍 Ñoño"


def test_each_line_is_its_own_entry() -> None:
    cfg = load_from_reader("option1 line1\noption2 line2\noption3 line3")
    assert cfg.global_options == {"option1": "line1", "option2": "line2", "option3": "line3"}


# -- grammar details (spec 3.2) --------------------------------------------------


def test_value_keeps_extra_leading_spaces() -> None:
    cfg = load_from_reader("k   v")
    assert cfg.get_global_option("k") == "  v"


def test_line_is_trimmed_so_trailing_spaces_go() -> None:
    cfg = load_from_reader("   k v w   \t")
    assert cfg.get_global_option("k") == "v w"


def test_tab_is_not_a_separator() -> None:
    cfg = load_from_reader("k\tv")
    assert cfg.global_options == {"k\tv": ""}


def test_split_only_at_ascii_space() -> None:
    cfg = load_from_reader("k\u00a0v x")
    assert cfg.global_options == {"k\u00a0v": "x"}


def test_last_duplicate_wins() -> None:
    cfg = load_from_reader("color auto\ncolor never\n[help]\npager a\npager b\n")
    assert cfg.get_global_option("color") == "never"
    assert cfg.get_command_option("help", "pager") == "b"
    assert cfg.line_of("color") == 2


def test_crlf_line_endings() -> None:
    cfg = load_from_reader("verbose true\r\n[help]\r\npager less\r\n")
    assert cfg.global_options == {"verbose": "true"}
    assert cfg.commands == {"help": {"pager": "less"}}


def test_crlf_from_bytes_and_text() -> None:
    data = b"verbose true\r\ncolor auto\r\n"
    assert load_from_reader(data).global_options == {"verbose": "true", "color": "auto"}


@pytest.mark.parametrize(
    ("header", "name"),
    [("[x]", "x"), ("[[x]]", "x"), ("[ a b ]", " a b "), ("[a]b]", "a]b"), ("[[[y]", "y")],
)
def test_section_header_strips_all_brackets(header: str, name: str) -> None:
    cfg = load_from_reader(f"{header}\nk v\n")
    assert cfg.commands == {name: {"k": "v"}}


def test_sections_are_case_sensitive_and_repeated_ones_merge() -> None:
    cfg = load_from_reader("[Help]\na 1\n[help]\nb 2\n[Help]\nc 3\n")
    assert cfg.commands == {"Help": {"a": "1", "c": "3"}, "help": {"b": "2"}}


def test_empty_header_returns_to_global_scope() -> None:
    cfg = load_from_reader("[help]\npager less\n[]\nverbose true\n")
    assert cfg.global_options == {"verbose": "true"}
    assert cfg.commands == {"help": {"pager": "less"}, "": {}}
    assert cfg.line_of("verbose") == 4


def test_lone_bracket_is_an_option_line() -> None:
    cfg = load_from_reader("[\n]\n")
    assert cfg.global_options == {"[": "", "]": ""}


def test_section_with_empty_body_and_back_to_back_sections() -> None:
    cfg = load_from_reader("[a]\n[b]\n[c]\nk v\n")
    assert cfg.commands == {"a": {}, "b": {}, "c": {"k": "v"}}


def test_dotted_keys_and_colons_in_values() -> None:
    cfg = load_from_reader("a.b.c x:y:z::\n")
    assert cfg.get_global_option("a.b.c") == "x:y:z::"


def test_global_section_name_is_an_ordinary_section() -> None:
    cfg = load_from_reader("[global]\nverbose true\n")
    assert cfg.global_options == {}
    assert cfg.commands == {"global": {"verbose": "true"}}


def test_invalid_utf8_survives_as_surrogates() -> None:
    cfg = load_from_reader(b"name caf\xe9\n")
    value = cfg.get_global_option("name")
    assert value is not None
    assert value.encode("utf-8", "surrogateescape") == b"caf\xe9"


def test_whole_text_string_is_split_on_newlines_only() -> None:
    cfg = load_from_reader("a 1\x0bb\nc 2")
    assert cfg.global_options == {"a": "1\x0bb", "c": "2"}


# -- line numbers ----------------------------------------------------------------


def test_line_numbers_are_remembered_per_key() -> None:
    cfg = load_from_reader(BASIC, source="cfgfile")
    assert cfg.line_of("verbose") == 1
    assert cfg.line_of("color") == 2
    assert cfg.line_of("pager", "help") == 5
    assert cfg.line_of("format", "version") == 9
    assert cfg.line_of("format") is None
    assert cfg.location_of("pager", "help") == "cfgfile:5"


def test_in_memory_set_forgets_the_line() -> None:
    cfg = load_from_reader(BASIC)
    cfg.set_global_option("verbose", "false")
    cfg.set_command_option("help", "pager", "more")
    assert cfg.line_of("verbose") is None
    assert cfg.line_of("pager", "help") is None


# -- very long lines ---------------------------------------------------------------


def test_over_long_line_is_an_issue_not_a_failed_load() -> None:
    long_line = "big " + "x" * (MAX_LINE_BYTES + 10)
    cfg = load_from_reader(["verbose true\n", long_line + "\n", "color auto\n"], source="f")
    assert cfg.global_options == {"verbose": "true", "color": "auto"}
    assert len(cfg.issues) == 1
    issue = cfg.issues[0]
    assert issue.line == 2
    assert "too long" in issue.message
    assert str(issue).startswith("f:2: ")


def test_long_line_limit_counts_utf8_bytes() -> None:
    # 20,000 three-byte characters are 60,000 bytes: still under the limit.
    ok = "k " + "世" * 20_000
    assert load_from_reader([ok]).issues == []
    # 22,000 of them are 66,000 bytes: over.
    too_long = "k " + "世" * 22_000
    cfg = load_from_reader([too_long])
    assert cfg.global_options == {}
    assert len(cfg.issues) == 1


# -- [sessions] (HEAD 3.3) --------------------------------------------------------


def test_sessions_defaults() -> None:
    s = Config().sessions
    assert (
        s.max_age_days,
        s.max_count,
        s.max_size_mb,
        s.auto_cleanup_enabled,
        s.cleanup_interval_hours,
    ) == (90, 100, 500, True, 24)


def test_valid_sessions_section() -> None:
    cfg = load_from_reader(
        "[sessions]\nmaxAgeDays 30\nmaxCount 50\nmaxSizeMB 200\n"
        "autoCleanupEnabled false\ncleanupIntervalHours 12"
    )
    assert cfg.sessions == SessionsConfig(30, 50, 200, False, 12)
    assert cfg.issues == []
    assert cfg.validate() == []


def test_sessions_mixed_with_other_sections() -> None:
    cfg = load_from_reader("verbose true\n\n[sessions]\nmaxAgeDays 60\n\n[help]\npager less")
    assert cfg.get_global_option("verbose") == "true"
    assert cfg.sessions.max_age_days == 60
    assert cfg.get_command_option("help", "pager") == "less"
    assert cfg.issues == []


@pytest.mark.parametrize(
    ("line", "key"),
    [
        ("maxAgeDays notanumber", "maxAgeDays"),
        ("maxCount abc", "maxCount"),
        ("maxSizeMB 12.5.3", "maxSizeMB"),
        ("cleanupIntervalHours xyz", "cleanupIntervalHours"),
        ("autoCleanupEnabled maybe", "autoCleanupEnabled"),
        ("maxAgeDays -1", "maxAgeDays"),
        ("maxCount -10", "maxCount"),
        ("maxSizeMB -100", "maxSizeMB"),
        ("cleanupIntervalHours 0", "cleanupIntervalHours"),
        ("unknownOption value", "unknownOption"),
        ("maxCount 1_000", "maxCount"),
        ("maxCount  5", "maxCount"),
    ],
)
def test_bad_sessions_value_is_an_issue_and_keeps_the_default(line: str, key: str) -> None:
    cfg = load_from_reader(f"verbose true\n[sessions]\n{line}\n[help]\npager less\n", source="c")
    assert cfg.sessions == SessionsConfig()
    assert len(cfg.issues) == 1
    issue = cfg.issues[0]
    assert (issue.path, issue.line, issue.section, issue.key) == ("c", 3, "sessions", key)
    assert key in issue.message
    # The rest of the file still loaded.
    assert cfg.get_global_option("verbose") == "true"
    assert cfg.get_command_option("help", "pager") == "less"


def test_sessions_messages_say_what_is_wrong() -> None:
    cfg = load_from_reader(
        "[sessions]\nmaxAgeDays -1\ncleanupIntervalHours 0\nmaxCount abc\nbogus 1\n"
    )
    messages = [i.message for i in cfg.issues]
    assert "cannot be negative: -1" in messages[0]
    assert "must be at least 1: 0" in messages[1]
    assert 'invalid integer value "abc"' in messages[2]
    assert 'unknown session option: "bogus"' in messages[3]


def test_one_bad_sessions_line_keeps_the_good_ones() -> None:
    cfg = load_from_reader("[sessions]\nmaxAgeDays 10\nmaxCount oops\nmaxSizeMB 7\n")
    assert cfg.sessions == SessionsConfig(max_age_days=10, max_size_mb=7)
    assert [i.line for i in cfg.issues] == [3]


@pytest.mark.parametrize("value", ["true", "1", "yes", "on", "TRUE", "Yes", "ON"])
def test_sessions_bool_true_variants(value: str) -> None:
    cfg = load_from_reader(f"[sessions]\nautoCleanupEnabled false\nautoCleanupEnabled {value}")
    assert cfg.sessions.auto_cleanup_enabled is True
    assert cfg.issues == []


@pytest.mark.parametrize("value", ["false", "0", "no", "off", "FALSE", "No", "OFF"])
def test_sessions_bool_false_variants(value: str) -> None:
    cfg = load_from_reader(f"[sessions]\nautoCleanupEnabled {value}")
    assert cfg.sessions.auto_cleanup_enabled is False
    assert cfg.issues == []


def test_empty_sessions_section_keeps_defaults() -> None:
    cfg = load_from_reader("[sessions]\n\n[global]\nverbose true")
    assert cfg.sessions == SessionsConfig()
    assert cfg.issues == []


def test_partial_sessions_section_keeps_other_defaults() -> None:
    cfg = load_from_reader("[sessions]\nmaxAgeDays 45\nautoCleanupEnabled true")
    assert cfg.sessions == SessionsConfig(max_age_days=45)


def test_no_sessions_section_keeps_defaults() -> None:
    assert load_from_reader("verbose true").sessions == SessionsConfig()


def test_sessions_section_ends_command_scope_and_is_listed() -> None:
    cfg = load_from_reader("[help]\npager less\n[sessions]\nmaxCount 3\n")
    assert cfg.commands["help"] == {"pager": "less"}
    assert cfg.sessions.max_count == 3
    assert cfg.commands["sessions"] == {"maxCount": "3"}


def test_bracketed_sessions_name_is_still_sessions() -> None:
    cfg = load_from_reader("[[sessions]]\nmaxCount 3\n")
    assert cfg.sessions.max_count == 3


# -- issues -------------------------------------------------------------------------


def test_config_issue_str_and_equality() -> None:
    a = ConfigIssue("/x/config", 7, None, "verbos", "unknown global option")
    assert str(a) == "/x/config:7: unknown global option"
    assert a == ConfigIssue("/x/config", 7, None, "verbos", "unknown global option")
    assert str(ConfigIssue("/x/config", None, None, "k", "m")) == "/x/config: m"


# -- fuzz (3.9 HEAD "A fuzz test of the parser") ----------------------------------

_ALPHABET = ["a", "b", "k", " ", "\t", "#", "[", "]", "\r", "\n", ".", "-", "1", "é", "\u00a0"]


@pytest.mark.parametrize("seed", range(20))
def test_fuzz_parser_never_fails_and_keeps_invariants(seed: int) -> None:
    rng = random.Random(seed)
    text = "".join(rng.choice(_ALPHABET) for _ in range(rng.randint(0, 400)))
    cfg = load_from_reader(text)
    assert load_from_reader(io.StringIO(text, newline="\n")).global_options == cfg.global_options
    for key, value in cfg.global_options.items():
        assert key and " " not in key and not key.startswith("#")
        assert value == value.rstrip(" \t\r\n")
        assert isinstance(cfg.line_of(key), int)
    for name, options in cfg.commands.items():
        assert name == name.lstrip("[").rstrip("]")
        for key in options:
            assert isinstance(cfg.line_of(key, name), int)


def test_sessions_cleaner_kwargs_follow_the_file() -> None:
    cfg = load_from_reader("[sessions]\nmaxAgeDays 7\nmaxCount 0\nmaxSizeMB 12\n")
    assert cfg.sessions.cleaner_kwargs() == {"max_age_days": 7, "max_count": 0, "max_size_mb": 12}


def test_a_header_without_its_bracket_is_an_issue_naming_file_and_line() -> None:
    """Issue 15: `[help` silently became a global key named `[help`."""
    cfg = load_from_reader("verbose true\n[help\npager less\n", source="/home/u/.osm/config")
    assert "[help" not in cfg.global_options
    assert cfg.commands["help"] == {"pager": "less"}
    assert [str(issue) for issue in cfg.issues] == [
        '/home/u/.osm/config:2: malformed section header "[help" (missing "]"); read as [help]'
    ]
