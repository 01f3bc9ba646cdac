"""json_lite must be indistinguishable from json's defaults (it replaces json on the host-call path)."""

from __future__ import annotations

import json
import math
import subprocess
import sys
from pathlib import Path

import pytest

import one_shot_man
from one_shot_man.scripting import json_lite

VALUES = [
    None,
    True,
    False,
    0,
    -7,
    2**70,
    1.5,
    -0.0,
    1e300,
    float("inf"),
    float("-inf"),
    "",
    "plain",
    'quote " backslash \\ tab \t newline \n',
    "unicode é ☃ 😀",
    "lone surrogate \udc80",
    [],
    [1, "two", [3.0, None]],
    {},
    {"v": {"nested": [True, {"k": "v"}]}, "e": "x", "t": "TypeError"},
    {1: "int key", 2.5: "float key", False: "bool key", None: "none key"},
    (1, 2),
]


@pytest.mark.parametrize("value", VALUES, ids=repr)
def test_dumps_matches_json(value: object) -> None:
    assert json_lite.dumps(value) == json.dumps(value)


def test_dumps_nan_matches_json() -> None:
    assert json_lite.dumps([float("nan")]) == json.dumps([float("nan")]) == "[NaN]"


def test_dumps_default_is_used_like_json() -> None:
    value = {"s": {1, 2}, "o": object.__new__(type("Thing", (), {"__str__": lambda self: "T"}))}
    default = lambda v: sorted(v) if isinstance(v, set) else str(v)  # noqa: E731
    assert json_lite.dumps(value, default=default) == json.dumps(value, default=default)


def test_dumps_unsupported_type_is_jsons_type_error() -> None:
    with pytest.raises(TypeError, match="Object of type set is not JSON serializable"):
        json_lite.dumps({1, 2})


def test_dumps_circular_is_detected() -> None:
    cycle: list[object] = []
    cycle.append(cycle)
    with pytest.raises(ValueError, match="Circular reference"):
        json_lite.dumps(cycle)


@pytest.mark.parametrize(
    "text",
    [
        "null",
        ' \t\n[1, 2.5, -3e2, "x\\u00e9", {"a": [true, false, null]}]\r\n ',
        '"\\ud800"',
        "NaN",
        "[Infinity, -Infinity]",
        "12345678901234567890123",
        '{"dup": 1, "dup": 2}',
    ],
)
def test_loads_matches_json(text: str) -> None:
    got, want = json_lite.loads(text), json.loads(text)
    assert repr(got) == repr(want) or (
        isinstance(got, float) and math.isnan(got) and math.isnan(want)
    )


@pytest.mark.parametrize(
    "text", ["", "   ", "[1,", "[1] x", '{"a" 1}', '"unterminated', "\ufeff[]", "[01]", "tru"]
)
def test_loads_errors_are_jsons(text: str) -> None:
    with pytest.raises(json.JSONDecodeError) as want:
        json.loads(text)
    with pytest.raises(json.JSONDecodeError) as got:
        json_lite.loads(text)
    assert (str(got.value), got.value.pos) == (str(want.value), want.value.pos)


def test_importing_it_does_not_import_re() -> None:
    # -S: no site (an editable install's path finder imports re itself); the package's
    # parent folder is put on the path by hand.
    root = str(Path(one_shot_man.__file__).resolve().parent.parent)
    code = (
        f"import sys; sys.path.insert(0, {root!r}); import one_shot_man.scripting.json_lite; "
        "print('re' in sys.modules, 'json' in sys.modules)"
    )
    out = subprocess.run(
        [sys.executable, "-S", "-c", code], capture_output=True, text=True, check=True
    )
    assert out.stdout.strip() == "False False"
