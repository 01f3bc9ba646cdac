"""Schema, validation with line numbers, typed getters, value parsers and migration."""

from __future__ import annotations

import pytest

from one_shot_man.config import (
    Config,
    ConfigIssue,
    load_from_reader,
    parse_bool,
    parse_duration,
    parse_go_bool,
    parse_int,
    parse_path_list,
)
from one_shot_man.config.migration import (
    SCHEMA_VERSION,
    check_schema_version,
    detect_schema_version,
    migrate_config,
)
from one_shot_man.config.schema import (
    KNOWN_SECTIONS,
    ConfigOption,
    OptionType,
    Schema,
    default_schema,
    validate_config,
    validate_option_value,
)
from one_shot_man.errors import ConfigError

SECOND = 1_000_000_000


def messages(text: str) -> list[str]:
    return [i.message for i in load_from_reader(text).validate()]


# -- warnings (3.9 HEAD "Warnings") -------------------------------------------------


def test_unknown_global_key() -> None:
    issues = load_from_reader("verbos true", source="cfg").validate()
    assert len(issues) == 1
    assert issues[0].message == 'unknown global option: "verbos" (value: "true")'
    assert (issues[0].line, issues[0].section, issues[0].key) == (1, None, "verbos")
    assert str(issues[0]) == 'cfg:1: unknown global option: "verbos" (value: "true")'


def test_unknown_key_in_known_section() -> None:
    issues = load_from_reader("[help]\npagr less").validate()
    assert [(i.line, i.section, i.key) for i in issues] == [(2, "help", "pagr")]
    assert issues[0].message == 'unknown option for command "help": "pagr" (value: "less")'


def test_known_keys_give_no_issue() -> None:
    assert messages("verbose true\n[help]\npager less\n[version]\nformat full") == []


def test_known_global_inside_a_section_is_fine() -> None:
    assert messages("[help]\nverbose true\n[code-review]\nscript.eval-timeout 5s") == []


def test_multiple_issues_sorted_by_line() -> None:
    issues = load_from_reader(
        "verbos true\ncolr auto\n\n[help]\npagr less\nformt detailed"
    ).validate()
    assert [i.key for i in issues] == ["verbos", "colr", "pagr", "formt"]
    assert [i.line for i in issues] == [1, 2, 5, 6]


def test_unknown_section_is_not_checked() -> None:
    # Script commands read their own sections; osm cannot know their keys.
    assert messages("[unknowncmd]\nweirdoption value") == []


def test_no_issues_for_empty_or_new_config() -> None:
    assert load_from_reader("").validate() == []
    assert Config().validate() == []


def test_unknown_key_alone_warns() -> None:
    assert len(messages("unknownoption value")) == 1


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("verbose notabool", 'global option "verbose": expected bool, got "notabool"'),
        ("script.max-traversal-depth abc", "expected int"),
        ("timeout notaduration", "expected duration"),
        ("script.eval-timeout 30", "expected duration"),
        ("script.memory-limit-mb lots", "expected int"),
        ("[help]\nverbose maybe", 'option "verbose" in [help]: expected bool, got "maybe"'),
        ("[sessions]\nmaxCount x", 'invalid session option "maxCount"'),
    ],
)
def test_type_mismatches(text: str, expected: str) -> None:
    found = messages(text)
    assert len(found) == 1
    assert expected in found[0]


def test_valid_types_give_no_issue() -> None:
    text = (
        "verbose true\nscript.max-traversal-depth 5\ntimeout 30s\nscript.eval-timeout 1.5h\n"
        "script.memory-limit-mb 256\nstore memory\nclipboard pbcopy\nprompt.recursive off\n"
        "config.schema-version 1\nlog.max-size-mb -1\nprompt.color.input blue\ntheme.primary red"
    )
    assert messages(text) == []


def test_mixed_unknown_and_type_mismatch_with_lines() -> None:
    issues = load_from_reader("unknownkey hello\nverbose maybe").validate()
    assert [(i.line, i.key) for i in issues] == [(1, "unknownkey"), (2, "verbose")]
    assert "unknown" in issues[0].message and "expected bool" in issues[1].message


def test_every_problem_reported_with_its_line() -> None:
    text = (
        "# header\n"  # 1
        "verbose maybe\n"  # 2
        "colr auto\n"  # 3
        "[sessions]\n"  # 4
        "maxAgeDays -3\n"  # 5
        "nope 1\n"  # 6
        "[version]\n"  # 7
        "format full\n"  # 8
        "pagr less\n"  # 9
        "[myscript]\n"  # 10
        "anything goes\n"  # 11
        "[]\n"  # 12
        "timeout 1x\n"  # 13
    )
    issues = load_from_reader(text, source="/home/u/.osm/config").validate()
    assert [i.line for i in issues] == [2, 3, 5, 6, 9, 13]
    assert str(issues[-1]).startswith("/home/u/.osm/config:13: ")


def test_in_memory_values_are_validated_after_file_lines() -> None:
    cfg = load_from_reader("verbos 1\n")
    cfg.set_global_option("debug", "perhaps")
    issues = cfg.validate()
    assert [(i.line, i.key) for i in issues] == [(1, "verbos"), (None, "debug")]


def test_prefix_families_need_a_name() -> None:
    assert messages("prompt.color.\ntheme.") != []
    assert messages("[super-document]\ntheme.accent #ff0000") == []


def test_workflow_sections_accept_only_global_keys() -> None:
    for section in ("code-review", "prompt-flow", "goal", "super-document", "script"):
        assert section in KNOWN_SECTIONS
        assert messages(f"[{section}]\nverbose true") == []
        assert len(messages(f"[{section}]\nfrobnicate true")) == 1


# -- the schema ---------------------------------------------------------------------


def test_default_schema_declares_the_keys_the_port_reads() -> None:
    schema = default_schema()
    expected = {
        "config.schema-version": (OptionType.INT, "1"),
        "verbose": (OptionType.BOOL, "false"),
        "color": (OptionType.STRING, "auto"),
        "timeout": (OptionType.DURATION, ""),
        "script.autodiscovery": (OptionType.BOOL, "false"),
        "script.max-traversal-depth": (OptionType.INT, "10"),
        "script.path-patterns": (OptionType.PATH_LIST, "scripts"),
        "script.module-paths": (OptionType.PATH_LIST, ""),
        "script.eval-timeout": (OptionType.DURATION, "30s"),
        "script.memory-limit-mb": (OptionType.INT, "512"),
        "goal.autodiscovery": (OptionType.BOOL, "true"),
        "goal.path-patterns": (OptionType.PATH_LIST, "osm-goals,goals"),
        "prompt.recursive": (OptionType.BOOL, "true"),
        "log.level": (OptionType.STRING, "info"),
        "log.buffer-size": (OptionType.INT, "1000"),
        "store": (OptionType.STRING, "fs"),
        "clipboard": (OptionType.STRING, ""),
    }
    for key, (kind, default) in expected.items():
        option = schema.lookup(None, key)
        assert option is not None, key
        assert (option.type, option.default) == (kind, default), key
    for key in ("pager", "format", "output", "editor", "debug", "quiet", "session.id"):
        assert schema.lookup(None, key) is not None
    for key in ("paths", "disable-standard-paths", "debug-discovery", "git-traversal"):
        assert schema.lookup(None, f"script.{key}") is not None
    for key in ("log.file", "log.max-size-mb", "log.max-files", "prompt.file-paths"):
        assert schema.lookup(None, key) is not None


def test_default_schema_sections() -> None:
    schema = default_schema()
    assert {o.key for o in schema.section_options("help")} == {"pager", "format", "output"}
    assert {o.key for o in schema.section_options("version")} == {"format", "output"}
    assert {o.key for o in schema.section_options("prompt")} == {
        "template",
        "output",
        "editor",
        "add-context",
    }
    assert {o.key for o in schema.section_options("session")} == {
        "list",
        "delete",
        "export",
        "import",
    }
    sessions = {o.key: (o.type, o.default) for o in schema.section_options("sessions")}
    assert sessions == {
        "maxAgeDays": ("int", "90"),
        "maxCount": ("int", "100"),
        "maxSizeMB": ("int", "500"),
        "autoCleanupEnabled": ("bool", "true"),
        "cleanupIntervalHours": ("int", "24"),
    }
    assert schema.sections() == sorted(KNOWN_SECTIONS)


def test_env_vars_declared() -> None:
    schema = default_schema()
    envs = {o.key: o.env_var for o in schema.global_options() if o.env_var}
    assert envs["session.id"] == "OSM_SESSION_ID"
    assert envs["editor"] == "EDITOR"
    assert envs["log.file"] == "OSM_LOG_FILE"
    assert envs["log.level"] == "OSM_LOG_LEVEL"


def test_custom_schema_register_lookup_and_is_known() -> None:
    schema = Schema()
    schema.register(ConfigOption("a", OptionType.INT, "1"))
    schema.register(ConfigOption("b", OptionType.BOOL, section="cmd"))
    schema.register(ConfigOption("a", OptionType.DURATION, "2s"))  # last wins
    assert schema.lookup(None, "a").type == OptionType.DURATION  # type: ignore[union-attr]
    assert schema.lookup("cmd", "b") is not None
    assert schema.lookup("cmd", "a") is None
    assert schema.is_known("cmd", "a")  # global keys count inside sections
    assert not schema.is_known(None, "b")
    assert schema.sections() == ["cmd"]
    cfg = load_from_reader("a 5\n[cmd]\nb nope\nc 1")
    issues = validate_config(cfg, schema)
    assert [i.line for i in issues] == [1, 3, 4]


def test_resolve_env_then_config_then_default(monkeypatch: pytest.MonkeyPatch) -> None:
    cfg = load_from_reader("log.level debug\nscript.eval-timeout 5s")
    assert cfg.resolve("script.eval-timeout") == "5s"
    assert cfg.resolve("script.memory-limit-mb") == "512"
    assert cfg.resolve("store") == "fs"
    assert cfg.resolve("log.level") == "debug"
    monkeypatch.setenv("OSM_LOG_LEVEL", "")
    assert cfg.resolve("log.level") == ""  # a present env var wins even when empty
    assert cfg.resolve("no.such.key") == ""


def test_format_help_lists_keys_and_sections() -> None:
    text = default_schema().format_help()
    assert "script.eval-timeout (duration, default 30s)" in text
    assert "[sessions]" in text and "maxAgeDays" in text
    assert "[code-review]" in text


@pytest.mark.parametrize(
    ("kind", "value", "ok"),
    [
        ("string", "anything at all", True),
        ("path-list", "a:b,c", True),
        ("bool", "YES", True),
        ("bool", "t", False),
        ("int", "9223372036854775807", True),
        ("int", "-9223372036854775808", True),
        ("int", "9223372036854775808", False),
        ("int", "99999999999999999999", False),
        ("int", "+5", True),
        ("int", "1e3", False),
        ("duration", "0", True),
        ("duration", "1ns", True),
        ("duration", "-1s", True),
        ("duration", "2562047h", True),
        ("duration", "9999999999h", False),
        ("duration", "10", False),
        ("unknown-type", "x", False),
    ],
)
def test_validate_option_value(kind: str, value: str, ok: bool) -> None:
    assert (validate_option_value(kind, value) is None) is ok


# -- typed getters (3.6 HEAD) ----------------------------------------------------------


def test_typed_getters() -> None:
    cfg = load_from_reader(
        "name osm\nflag yes\nbad maybe\nn 42\nneg -7\nbig 99999999999999999999\n"
        "d 1m30s\nbd soon\nempty"
    )
    assert cfg.get_string("name") == "osm" and cfg.get_string("missing") == ""
    assert cfg.get_string_default("missing", "dflt") == "dflt"
    assert cfg.get_string_default("empty", "dflt") == ""
    assert cfg.get_bool("flag") is True
    assert cfg.get_bool("bad") is False and cfg.get_bool("missing") is False
    assert cfg.get_int("n") == 42 and cfg.get_int("neg") == -7
    assert cfg.get_int("big") == 0 and cfg.get_int("missing") == 0
    assert cfg.get_duration("d") == 90.0
    assert cfg.get_duration("bd") == 0.0 and cfg.get_duration("missing") == 0.0


def test_get_with_env(monkeypatch: pytest.MonkeyPatch) -> None:
    cfg = load_from_reader("editor vim")
    assert cfg.get_with_env("editor", "OSM_TEST_EDITOR") == "vim"
    monkeypatch.setenv("OSM_TEST_EDITOR", "")
    assert cfg.get_with_env("editor", "OSM_TEST_EDITOR") == ""
    monkeypatch.setenv("OSM_TEST_EDITOR", "nano")
    assert cfg.get_with_env("editor", "OSM_TEST_EDITOR") == "nano"
    assert cfg.get_with_env("editor", "") == "vim"


# -- value parsers -------------------------------------------------------------------


@pytest.mark.parametrize("value", ["true", "1", "yes", "on", "TRUE", "Yes", "oN"])
def test_parse_bool_true(value: str) -> None:
    assert parse_bool(value) is True


@pytest.mark.parametrize("value", ["false", "0", "no", "off", "FALSE", "No", "OFF"])
def test_parse_bool_false(value: str) -> None:
    assert parse_bool(value) is False


@pytest.mark.parametrize("value", ["", "maybe", "2", "-1", "t", "f", "y", "n", "oui", " true"])
def test_parse_bool_invalid(value: str) -> None:
    with pytest.raises(ValueError):
        parse_bool(value)


def test_parse_go_bool_grammar() -> None:
    for value in ("1", "t", "T", "TRUE", "true", "True"):
        assert parse_go_bool(value) is True
    for value in ("0", "f", "F", "FALSE", "false", "False"):
        assert parse_go_bool(value) is False
    for value in ("yes", "on", "tRUE", ""):
        with pytest.raises(ValueError):
            parse_go_bool(value)


@pytest.mark.parametrize(
    ("value", "expected"), [("0", 0), ("-0", 0), ("+12", 12), ("-5", -5), ("007", 7)]
)
def test_parse_int_valid(value: str, expected: int) -> None:
    assert parse_int(value) == expected


@pytest.mark.parametrize("value", ["", "+", "-", " 1", "1 ", "1_000", "12.5", "٣", "0x10", "1e3"])
def test_parse_int_invalid(value: str) -> None:
    with pytest.raises(ValueError):
        parse_int(value)


@pytest.mark.parametrize(
    ("value", "nanos"),
    [
        ("0", 0),
        ("-0", 0),
        ("+0", 0),
        ("0s", 0),
        ("300ms", 300_000_000),
        ("1.5h", 5400 * SECOND),
        ("2h45m", 9900 * SECOND),
        ("-1s", -SECOND),
        ("+5s", 5 * SECOND),
        (".5s", SECOND // 2),
        ("1.s", SECOND),
        ("1ns", 1),
        ("1us", 1000),
        ("1µs", 1000),
        ("1μs", 1000),
        ("1h1m1s1ms1us1ns", 3661 * SECOND + 1_001_001),
        ("9223372036854775807ns", (1 << 63) - 1),
        ("-9223372036854775808ns", -(1 << 63)),
    ],
)
def test_parse_duration_valid(value: str, nanos: int) -> None:
    assert parse_duration(value) == nanos


@pytest.mark.parametrize(
    "value",
    ["", "-", "s", "10", "1.5", ".s", "1x", "1sm5", "1 s", " 1s", "1S", "9223372036854775808ns"],
)
def test_parse_duration_invalid(value: str) -> None:
    with pytest.raises(ValueError):
        parse_duration(value)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("path1:path2,path3", ["path1", "path2", "path3"]),
        (" a , ,b ", ["a", "b"]),
        ("", []),
        ("  ", []),
    ],
)
def test_parse_path_list(value: str, expected: list[str]) -> None:
    assert parse_path_list(value) == expected


# -- migration ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "version"), [("", 0), ("config.schema-version 1", 1), ("config.schema-version x", 0)]
)
def test_detect_schema_version(text: str, version: int) -> None:
    assert detect_schema_version(load_from_reader(text)) == version


def test_migrate_current_is_noop() -> None:
    cfg = load_from_reader(f"config.schema-version {SCHEMA_VERSION}")
    assert migrate_config(cfg) is None
    assert check_schema_version(cfg) == []


def test_migrate_v0_to_v1_sets_version() -> None:
    cfg = load_from_reader("verbose true")
    result = migrate_config(cfg)
    assert result is not None
    assert (result.from_version, result.to_version) == (0, 1)
    assert result.changes
    assert cfg.get_global_option("config.schema-version") == "1"


def test_future_version_is_refused() -> None:
    cfg = load_from_reader("config.schema-version 99")
    with pytest.raises(ConfigError, match="newer"):
        migrate_config(cfg)
    assert "newer" in check_schema_version(cfg)[0]


def test_check_schema_version_does_not_mutate() -> None:
    cfg = load_from_reader("verbose true")
    assert "outdated" in check_schema_version(cfg)[0]
    assert cfg.get_global_option("config.schema-version") is None


# -- listings ---------------------------------------------------------------------------


def test_listings_are_sorted_and_stable() -> None:
    cfg = load_from_reader(
        "zeta 1\nalpha 2\n[version]\nformat full\n[help]\npager less\nformat x\n[]\n"
    )
    assert cfg.sorted_global_options() == [("alpha", "2"), ("zeta", "1")]
    assert cfg.sorted_sections() == [
        ("help", [("format", "x"), ("pager", "less")]),
        ("version", [("format", "full")]),
    ]


def test_issue_sort_key_orders_file_lines_first() -> None:
    a = ConfigIssue("p", None, None, "a", "m")
    b = ConfigIssue("p", 3, None, "b", "m")
    c = ConfigIssue("p", 1, "s", "c", "m")
    assert sorted([a, b, c], key=ConfigIssue.sort_key) == [c, b, a]
