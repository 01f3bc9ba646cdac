"""The engine logger: ring buffer, queries, JSON file, user output (spec §11)."""

from __future__ import annotations

import io
import json

import pytest

from one_shot_man.errors import UsageError
from one_shot_man.scripting.logger import DEBUG, ERROR, INFO, WARN, Logger, parse_level


def test_levels_filter_and_ring_buffer():
    log = Logger(io.StringIO(), max_entries=3, min_level=INFO)
    log.debug("hidden")
    for i in range(5):
        log.info(f"m{i}")
    assert [e.message for e in log.get_logs()] == ["m2", "m3", "m4"]
    assert [e.message for e in log.get_logs(2)] == ["m3", "m4"]
    assert len(log.get_logs(0)) == 3 and len(log.get_logs(10)) == 3
    log.clear_logs()
    assert log.get_logs() == []


def test_search_matches_message_and_attributes_case_insensitively():
    log = Logger(io.StringIO())
    log.info("Build started", {"target": "Release"})
    log.warn("disk low")
    log.error("failed", {"Component": "x"})
    assert [e.message for e in log.search_logs("build")] == ["Build started"]
    assert [e.message for e in log.search_logs("release")] == ["Build started"]
    assert [e.message for e in log.search_logs("component")] == ["failed"]
    assert [e.level for e in log.get_logs()] == [INFO, WARN, ERROR]


def test_json_file_gets_message_and_attributes():
    sink = io.StringIO()
    log = Logger(io.StringIO(), json_file=sink)
    log.info("test log entry", {"foo": "bar"})
    record = json.loads(sink.getvalue().splitlines()[0])
    assert record["msg"] == "test log entry"
    assert record["foo"] == "bar"
    assert record["level"] == "INFO"


@pytest.mark.parametrize(("text", "expected"), [("hi", "hi\n"), ("hi\n", "hi\n"), ("", "\n")])
def test_user_output_has_exactly_one_trailing_newline(text, expected):
    out = io.StringIO()
    log = Logger(out)
    log.print_to_user(text)
    assert out.getvalue() == expected
    queued: list[str] = []
    log.set_sink(queued.append)
    log.print_to_user(text)
    assert queued == [expected]
    assert out.getvalue() == expected  # nothing more went to the writer


def test_parse_level():
    assert parse_level("DEBUG") == DEBUG and parse_level("warn") == WARN
    with pytest.raises(UsageError, match="invalid log level: loud"):
        parse_level("loud")
