"""`osm:exec`: run a child process synchronously and capture its output (spec §5.3.3).

Workflows shell out to `git diff` and friends; failures come back as data
(`{error, message, code}`), never as exceptions, so scripts can show them to the user.
"""

from __future__ import annotations

from collections.abc import Callable

TYPE_CHECKING = False  # typing costs ~2 ms to import; annotations only need it for checkers
if TYPE_CHECKING:
    from typing import Any

    from one_shot_man.scripting.engine import Engine

JS = r"""(function (module, exports, osm) {
'use strict';
function bad(message) { return {stdout: '', stderr: '', code: -1, error: true, message: message}; }
exports.exec = function exec(cmd, ...args) {
  if (cmd === undefined) return bad('exec: missing command');
  if (typeof cmd !== 'string' || cmd === '') return bad('exec: command must be a non-empty string');
  return osm.call('exec.run', [cmd].concat(args.map(function (a) { return String(a); })));
};
exports.execv = function execv(argv) {
  if (!Array.isArray(argv) || argv.length === 0) return bad('execv: no argv');
  if (!argv.every(function (a) { return typeof a === 'string'; })) {
    return bad('execv: expects array of strings');
  }
  return osm.call('exec.run', argv);
};
})
"""


def run(argv: list[str]) -> dict[str, Any]:
    """Run `argv` with inherited stdin; Go's `exec` result shape and messages."""
    import subprocess

    try:
        proc = subprocess.run(argv, capture_output=True, check=False)
    except FileNotFoundError:
        message = f'exec: "{argv[0]}": executable file not found in $PATH'
        return {"stdout": "", "stderr": "", "code": -1, "error": True, "message": message}
    except OSError as exc:
        message = f"fork/exec {argv[0]}: {(exc.strerror or str(exc)).lower()}"
        return {"stdout": "", "stderr": "", "code": -1, "error": True, "message": message}
    out = proc.stdout.decode("utf-8", "replace")
    err = proc.stderr.decode("utf-8", "replace")
    code = proc.returncode
    if code == 0:
        return {"stdout": out, "stderr": err, "code": 0, "error": False, "message": ""}
    if code < 0:
        import signal

        try:
            name = signal.Signals(-code).name.removeprefix("SIG").lower()
        except ValueError:
            name = str(-code)
        names = {"kill": "killed", "term": "terminated", "int": "interrupt"}
        return {
            "stdout": out,
            "stderr": err,
            "code": -1,
            "error": True,
            "message": f"signal: {names.get(name, name)}",
        }
    return {
        "stdout": out,
        "stderr": err,
        "code": code,
        "error": True,
        "message": f"exit status {code}",
    }


def ops(engine: Engine) -> dict[str, Callable[..., Any]]:
    return {"exec.run": run}
