"""The figures of the copy summary (the Go original's `osm:format` rules)."""

from __future__ import annotations

import pytest

from one_shot_man.copysummary import copy_summary
from one_shot_man.sizeformat import format_bytes, format_num, summary_line
from one_shot_man.tokencount import Measure


@pytest.mark.parametrize(
    ("n", "text"),
    [
        (-1, "0"),
        (0, "0"),
        (999, "999"),
        (1234, "1,234"),
        (9999, "9,999"),
        (10_000, "10.0k"),
        (50_000, "50.0k"),
        (12_345, "12.3k"),
        (999_999, "1000.0k"),
        (1_000_000, "1.0M"),
        (2_500_000_000, "2.5G"),
    ],
)
def test_format_num(n: int, text: str) -> None:
    assert format_num(n) == text


@pytest.mark.parametrize(
    ("n", "text"),
    [
        (-5, "0 B"),
        (0, "0 B"),
        (1023, "1023 B"),
        (1024, "1.0 kB"),
        (2048, "2.0 kB"),
        (49_254, "48.1 kB"),
        (1024**2 * 3 // 2, "1.5 MB"),
        (1024**3, "1.0 GB"),
        (1024**4 * 2, "2.0 TB"),
        (1024**5, "1024.0 TB"),
    ],
)
def test_format_bytes(n: int, text: str) -> None:
    assert format_bytes(n) == text


def test_summary_line_names_the_counter_and_the_destination() -> None:
    figures = Measure(12_345, 410, 49_254, "estimate")
    assert summary_line("Copied", figures, "clipboard via xclip") == (
        "Copied │ 12.3k tokens (estimate) · 410 lines · 48.1 kB │ clipboard via xclip"
    )
    assert summary_line("x", Measure(1, 1, 1, "tok.json"), "") == (
        "x │ 1 token (tok.json) · 1 line · 1 B │"
    )


def test_copy_summary_verbs() -> None:
    assert copy_summary("ab", copied=True, where="w").startswith("Copied │ 1 token")
    assert copy_summary("ab", copied=False, where="w").startswith("Not copied │")
    assert copy_summary("ab", copied=True, where="w", label="Meta prompt").startswith(
        "Meta prompt copied │"
    )
    assert copy_summary("ab", copied=False, where="w", label="Task prompt").startswith(
        "Task prompt not copied │"
    )
