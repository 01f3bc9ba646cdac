"""The script limits an engine uses when the config sets neither option.

`scripting.engine.DEFAULT_LIMITS` saves importing `config.values` on every start-up; these
tests keep it equal to what parsing the schema's own defaults gives.
"""

from __future__ import annotations

import subprocess
import sys

from one_shot_man.config.values import SCRIPT_EVAL_TIMEOUT_DEFAULT, SCRIPT_MEMORY_LIMIT_MB_DEFAULT
from one_shot_man.scripting.engine import DEFAULT_LIMITS, _parse_limits, _script_limits


def test_the_constant_is_the_parsed_schema_defaults() -> None:
    parsed = _parse_limits(SCRIPT_EVAL_TIMEOUT_DEFAULT, SCRIPT_MEMORY_LIMIT_MB_DEFAULT)
    assert parsed == DEFAULT_LIMITS
    assert _parse_limits(None, None) == DEFAULT_LIMITS
    assert _script_limits(None) == DEFAULT_LIMITS


def test_an_engine_without_limit_options_does_not_import_the_value_parsers() -> None:
    code = (
        "import io, sys\n"
        "from one_shot_man.scripting import Engine\n"
        "out = io.StringIO()\n"
        "e = Engine(out, out, store='memory')\n"
        "e.execute_script('x', 'output.print(1)')\n"
        "e.close()\n"
        "assert out.getvalue() == '1\\n', out.getvalue()\n"
        "print('one_shot_man.config.values' in sys.modules)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    )
    assert result.stdout.strip() == "False"
