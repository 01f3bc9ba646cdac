"""The scripting Engine: a Runtime plus everything osm's scripts can use.

`osm script`, the workflows and the interactive shell all run JavaScript through an
Engine: it owns the Runtime (the creating thread runs all JS), the application log, the
session state, the context manager and the host globals (`output`, `log`, `ctx`,
`context`, `tui`, `require`; `console` and timers come with the Runtime). Creating one must be cheap (the benchmark budget is 500 us
with the memory store), so everything a script may never use is set up on first use.
"""

from __future__ import annotations

import os
import sys

from one_shot_man.errors import ScriptError
from one_shot_man.scripting import json_lite
from one_shot_man.scripting.bridge import HostBridge
from one_shot_man.scripting.errors import describe_js_error, format_js_error
from one_shot_man.scripting.globals.ctx import CONTEXT_FAILED, CTX_JS, SCRIPT_JS, ctx_ops
from one_shot_man.scripting.logger import INFO, Logger

TYPE_CHECKING = False  # typing costs ~2 ms to import; annotations only need it for checkers
if TYPE_CHECKING:
    from collections.abc import Callable
    from types import ModuleType
    from typing import Any, Protocol, TextIO, TypeVar

    from _quickjs import Context as JSContext

    from one_shot_man.config.model import Config
    from one_shot_man.prompt.context import ContextManager
    from one_shot_man.scripting.runtime import Runtime
    from one_shot_man.scripting.state import StateManager

    _T = TypeVar("_T")

__all__ = ["Engine", "EngineFactory", "ScriptPanicError", "describe_js_error", "format_js_error"]

if TYPE_CHECKING:

    class EngineFactory(Protocol):
        """What builds an Engine for a command: `Engine` itself, or a test's stand-in.

        The commands (`script`, `goal`, the workflows) receive one of these so tests can swap
        the engine; its arguments are `Engine(...)`'s.
        """

        def __call__(
            self,
            stdout: TextIO | None = None,
            stderr: TextIO | None = None,
            *,
            session_id: str | None = None,
            store: str | None = None,
            config: Config | None = None,
            log_file: TextIO | str | os.PathLike[str] | None = None,
            log_buffer: int = 1000,
            log_level: int = INFO,
            test_mode: bool = False,
        ) -> Engine: ...


_FATAL_PREFIX = "OsmFatal: test failed"
_LIMIT_PREFIXES = ("InternalError: interrupted", "InternalError: out of memory")


class ScriptPanicError(ScriptError):
    """`ctx.fatal` escaped every `ctx.run`: the Go original's script panic."""


def _config_value(config: Config | None, key: str) -> str | None:
    if config is None:
        return None
    getter = getattr(config, "get_global_option", None)
    if getter is None:
        return None
    try:
        value: str | None = getter(key)
    except Exception:
        return None
    return value


#: The limits when neither option is set: the schema's defaults ("30s", "512"), parsed
#: (tests/scripting/test_engine_limits_default.py holds them equal). Known without importing
#: `config.values`, ~0.6 M instructions of every `osm script` start-up without those options.
DEFAULT_LIMITS: tuple[float | None, int | None] = (30.0, 512)
#: `_script_limits` by the two raw option values (None: not set); most engines share one entry.
_LIMITS: dict[tuple[str | None, str | None], tuple[float | None, int | None]] = {
    (None, None): DEFAULT_LIMITS
}


def _script_limits(config: Config | None) -> tuple[float | None, int | None]:
    """`script.eval-timeout` (s) and `script.memory-limit-mb` from the config, else the defaults.

    The defaults are the schema's own constants (the schema itself is not built on this hot
    path). 0 turns a limit off; a value that does not parse falls back to the default
    (`osm config` reports it). Parsed once per pair of values: every engine needs them.
    """
    raw = (
        _config_value(config, "script.eval-timeout"),
        _config_value(config, "script.memory-limit-mb"),
    )
    limits = _LIMITS.get(raw)
    if limits is None:
        if len(_LIMITS) > 16:
            _LIMITS.clear()
            _LIMITS[None, None] = DEFAULT_LIMITS
        limits = _LIMITS[raw] = _parse_limits(*raw)
    return limits


def _parse_limits(timeout: str | None, memory: str | None) -> tuple[float | None, int | None]:
    from one_shot_man.config.values import (
        SCRIPT_EVAL_TIMEOUT_DEFAULT,
        SCRIPT_MEMORY_LIMIT_MB_DEFAULT,
        parse_duration,
        parse_int,
    )

    def read(value: str | None, default: str, parse: Callable[[str], int]) -> int:
        try:
            return parse((value or default).strip())
        except ValueError:
            return parse(default)

    timeout_ns = read(timeout, SCRIPT_EVAL_TIMEOUT_DEFAULT, parse_duration)
    memory_mb = read(memory, SCRIPT_MEMORY_LIMIT_MB_DEFAULT, parse_int)
    return (timeout_ns / 1e9 if timeout_ns > 0 else None, memory_mb if memory_mb > 0 else None)


def _globals() -> ModuleType:
    """The `output`/`log` globals' module (imported with the first of those pieces)."""
    from one_shot_man.scripting.globals import output_log as module

    return module


#: The pieces whose source is the same for every engine (one table, not four lambdas each).
_STATIC_PIECES: dict[str, Callable[[], str]] = {
    "script": lambda: SCRIPT_JS,
    "ctx": lambda: CTX_JS,
    "output": lambda: _globals().OUTPUT_JS,
    "log": lambda: _globals().LOG_JS,
}


class Engine:
    """A JavaScript engine with osm's API, bound to one session (spec §4.2)."""

    def __init__(
        self,
        stdout: TextIO | None = None,
        stderr: TextIO | None = None,
        *,
        session_id: str | None = None,
        store: str | None = None,
        config: Config | None = None,
        log_file: TextIO | str | os.PathLike[str] | None = None,
        log_buffer: int = 1000,
        log_level: int = INFO,
        test_mode: bool = False,
    ) -> None:
        from one_shot_man.scripting.runtime import Runtime

        self._stdout = stdout if stdout is not None else sys.stdout
        self._stderr = stderr if stderr is not None else sys.stderr
        self.test_mode = test_mode
        self._closed = False
        self._config = config
        try:
            self.base_path = os.getcwd()
        except OSError:
            self.base_path = os.path.abspath(".")
        self._context_manager: ContextManager | None = None
        self._owned_log: TextIO | None = None
        json_file: TextIO | None = None
        # (`os.PathLike` is an ABC: its isinstance check is skipped for the usual None)
        if log_file is not None and isinstance(log_file, (str, os.PathLike)):
            json_file = self._owned_log = open(log_file, "a", encoding="utf-8")  # noqa: SIM115
        else:
            json_file = log_file
        self.logger = Logger(
            self._stdout, json_file=json_file, max_entries=log_buffer, min_level=log_level
        )
        self.scripts: list[str] = []
        self._close_hooks: list[Callable[[], None]] = []
        #: Per-engine state of native modules (e.g. template handles), by module name.
        self.module_state: dict[str, object] = {}
        self.bridge = HostBridge()
        self._register_host()
        eval_timeout, memory_mb = _script_limits(config)
        # The creating thread owns the runtime and runs all JavaScript (spec §4.3, HEAD); the
        # bridge's dispatcher and prelude are set up with the runtime's own boot code.
        try:
            self._runtime = Runtime(
                eval_timeout=eval_timeout,
                memory_limit_mb=memory_mb,
                stdout=self._stdout,
                stderr=self._stderr,
                host=self.bridge.host(),
            )
        except BaseException:
            self._close_log()
            raise
        # The session (storage, its lock, msgspec) is opened on first use: a script that
        # never touches state starts faster and leaves no session behind.
        self._state_manager: StateManager | None = None
        self._session_request = session_id
        self._session_id: str | None = None
        self._store = store
        self.bridge.on_broken_pipe = self._runtime.abort
        self.bridge.attach(self._runtime.context, self._runtime.run_static)

    # -- construction ----------------------------------------------------------------------

    @property
    def state_manager(self) -> StateManager | None:
        """The session's state, opened on first use (then held, with its lock, until close)."""
        if self._state_manager is None:
            if self._closed:
                return None
            from one_shot_man.config import Config
            from one_shot_man.scripting.state import open_state_manager

            # --store, else OSM_STORE, else the config's `store`, else the schema's `fs`.
            settings = self._config if isinstance(self._config, Config) else Config()
            store_name = self._store or settings.resolve("store")
            self._state_manager = open_state_manager(self.session_id, store_name, warn=self._warn)
        return self._state_manager

    def open_state(self) -> StateManager:
        """`state_manager` for a caller that needs one: a closed engine has none (a clear error)."""
        state = self.state_manager
        if state is None:
            raise ScriptError("the engine is closed: its session state is no longer open")
        return state

    def _register_host(self) -> None:
        # Each piece's host operations are built when the piece loads (bridge.add_piece).
        bridge = self.bridge
        bridge.register("require.resolve", self._require_resolve)
        bridge.register("require.native", self._require_native)
        bridge.add_pieces(
            {
                **_STATIC_PIECES,
                "tui": self._tui_piece,
                "context": self._context_piece,
                "require": self._require_piece,
            },
            {"ctx": self._ctx_ops, "output": self._output_ops, "log": self._log_ops},
        )

    def _ctx_ops(self) -> dict[str, Callable[..., Any]]:
        return ctx_ops(lambda: self._stdout, lambda: self._stderr, self._test_mode)

    def _output_ops(self) -> dict[str, Callable[..., Any]]:
        from one_shot_man.scripting.globals.output_log import output_ops

        return output_ops(self.print_to_user, self._print_part)

    def _log_ops(self) -> dict[str, Callable[..., Any]]:
        from one_shot_man.scripting.globals.output_log import log_ops

        return log_ops(self.logger)

    def _tui_piece(self) -> str:
        from one_shot_man.scripting.globals import tui as _tui

        self.bridge.register_many(_tui.tui_ops(self))
        return _tui.TUI_JS

    def _context_piece(self) -> str:
        from one_shot_man.scripting.globals import context as _context

        self.bridge.register_many(_context.context_ops(self))
        return _context.CONTEXT_JS

    def _require_piece(self) -> str:
        from one_shot_man.scripting.require import REQUIRE_JS

        return REQUIRE_JS

    def _require_resolve(self, module_id: str, base_dir: str) -> Any:
        from one_shot_man.scripting.require import require_ops

        ops = require_ops(self._require_native)
        self.bridge.register_many(ops)
        return ops["require.resolve"](module_id, base_dir)

    def _require_native(self, name: str) -> str:
        from one_shot_man.scripting.modules import load_native

        return load_native(name, self)

    def _test_mode(self) -> bool:
        return self.test_mode

    def _warn(self, message: str) -> None:
        self._stderr.write(message.rstrip("\n") + "\n")
        self._stderr.flush()

    # -- accessors -------------------------------------------------------------------------

    @property
    def stdout(self) -> TextIO:
        return self._stdout

    @property
    def stderr(self) -> TextIO:
        return self._stderr

    @property
    def runtime(self) -> Runtime:
        return self._runtime

    @property
    def session_id(self) -> str:
        """Resolved once per engine (explicit, else OSM_SESSION, else discovery)."""
        if self._session_id is None:
            from one_shot_man.session import get_session_id

            self._session_id = get_session_id(self._session_request or None)[0]
        return self._session_id

    @property
    def context_manager(self) -> ContextManager:
        """The files/diffs tracker behind the `context` global, created on first use."""
        if self._context_manager is None:
            from one_shot_man.prompt.context import ContextManager

            self._context_manager = ContextManager(self.base_path)
        return self._context_manager

    def clear_context(self) -> None:
        """Forget every tracked path (after a successful reset)."""
        if self._context_manager is not None:
            clear = getattr(self._context_manager, "clear", None)
            if clear is not None:
                clear()
            else:
                self._context_manager = None

    def config_option(self, key: str) -> str | None:
        """A global option of the engine's config (None without a config or key)."""
        return _config_value(self._config, key)

    def on_close(self, hook: Callable[[], None]) -> None:
        """Run `hook` on the JS thread at close (to drop references to JS objects there)."""
        self._close_hooks.append(hook)

    def set_test_mode(self, enabled: bool) -> None:
        """Echo `ctx.log` lines to stdout (`osm script -test`)."""
        self.test_mode = enabled

    def print_to_user(self, text: str) -> None:
        """User-facing output (`output.print`): exactly one trailing newline."""
        try:
            self.logger.print_to_user(text)
        except BrokenPipeError:
            self.bridge.stdout_closed()
            raise

    def _raise_if_stdout_closed(self) -> None:
        """A script stopped because its reader went away: unwind as BrokenPipeError."""
        if self.bridge.broken_pipe:
            raise BrokenPipeError(32, "standard output is closed")

    def _print_part(self, last: bool, text: str) -> None:
        self.logger.write_to_user(text, end=last)

    # -- running JavaScript ----------------------------------------------------------------

    def _on_loop(self, fn: Callable[[JSContext], _T], timeout: float | None = None) -> _T:
        if self._closed:
            raise ScriptError("engine is closed")
        return self._runtime.run_sync(fn, timeout=timeout)

    def set_global(self, name: str, value: object) -> None:
        """Set a global to a JSON-like value (str, int, float, bool, None, list, dict)."""
        if self._closed:
            raise ScriptError("engine is closed")
        # The Runtime sets strings directly and parses containers as JSON: a 20 kB template
        # costs ~1 us instead of ~80 us of compiling it as a JS literal.
        self._runtime.set_global(name, value)

    def get_global(self, name: str) -> Any:
        """A global's value as JSON-like Python data; None for undefined/null/functions.

        A value JSON cannot carry (BigInt, a cycle) is a ScriptError naming the global.
        """
        if self._closed:
            raise ScriptError("engine is closed")
        return self._runtime.get_global(name)

    def execute_script(self, name: str, source: str, *, path: str | None = None) -> None:
        """Run `source` as a classic script named `name` with a fresh `ctx` (spec §4.2).

        Raises ScriptError: `script execution failed: <error>`, `test context failed`, or
        both combined. `path` (a file script) makes relative `require` start at its folder.
        """
        from _quickjs import JSException

        self.scripts.append(name)
        directory = os.path.dirname(os.path.abspath(path)) if path else self.base_path
        if source.startswith("#!"):
            source = "//" + source[2:]
        begin = f"__osm.beginScript({json_lite.dumps(name)}, {json_lite.dumps(directory)})"

        runtime = self._runtime

        def job(js: JSContext) -> tuple[str | None, bool]:
            self.bridge.load_piece("script")
            # Timers the script starts report errors under its name.
            runtime._script = name
            js.eval(begin)
            error: str | None = None
            try:
                js.eval(source)
            except JSException as exc:
                error = str(exc)
                if error.startswith(_LIMIT_PREFIXES):
                    return error, False  # the interrupt stays armed until this entry ends
            try:
                failed = js.eval("__osm.endScript()") == "failed"
            except JSException as exc:
                failed = True
                error = error or str(exc)
            return error, failed

        try:
            error, failed = self._on_loop(job)
        except Exception:
            self._raise_if_stdout_closed()
            raise
        self._raise_if_stdout_closed()
        if self.bridge.interrupted:
            self.bridge.interrupted = False
            raise KeyboardInterrupt
        if error is None:
            if failed:
                raise ScriptError(CONTEXT_FAILED)
            return
        if error.startswith(_FATAL_PREFIX):
            self._stderr.write(f'\n[PANIC] Script execution panic in "{name}":\n  test failed\n')
            self._stderr.flush()
            raise ScriptPanicError(f'script "{name}" panicked: test failed')
        raise self._script_error(error, name, failed)

    def _script_error(self, text: str, name: str, failed: bool) -> ScriptError:
        """The exception for a JS error escaping script `name` (limits keep their own types)."""
        from one_shot_man.scripting.errors import (
            JavaScriptError,
            ScriptSyntaxError,
            limit_error,
        )

        head, line, column, at = describe_js_error(text, name)
        runtime = self._runtime
        cls: type[JavaScriptError]
        limit = limit_error(head, name, runtime.eval_timeout, runtime.memory_limit_mb)
        if limit is not None:
            message, cls = limit
        else:
            message = f"script execution failed: {format_js_error(text, name)}"
            if failed:
                message = f"execution error: {message}; deferred error: {CONTEXT_FAILED}"
            cls = ScriptSyntaxError if head.startswith("SyntaxError") else JavaScriptError
        return cls(message, script_name=name, line=line, column=column, js_error=head, where=at)

    def execute_file(self, path: str) -> None:
        """Read and run a script file; its name is the file's basename."""
        try:
            with open(path, encoding="utf-8") as fh:
                source = fh.read()
        except (OSError, UnicodeDecodeError) as exc:
            name = os.path.basename(path)
            raise ScriptError(f"failed to read script {name}: {exc}") from exc
        self.execute_script(os.path.basename(path), source, path=path)

    def wait(self, timeout: float | None = None) -> None:
        """Run pending timers and promise jobs until none is left (Node's exit rule)."""
        if not self._closed:
            self._runtime.run_until_idle(timeout=timeout)

    # -- tui (for the interactive shell) ---------------------------------------------------

    def tui_info(self) -> dict[str, Any]:
        """Modes, their commands and the global commands, in registration order."""

        def job(js: JSContext) -> str:
            self.bridge.load_piece("tui")
            info: str = js.eval("__osm.tuiInfo()")
            return info

        modes: dict[str, Any] = json_lite.loads(self._on_loop(job))
        return modes

    def switch_mode(self, name: str) -> None:
        """`tui.switchMode(name)` from the host; raises ScriptError for an unknown mode."""
        from _quickjs import JSException

        code = f"tui.switchMode({json_lite.dumps(name)})"

        def job(js: JSContext) -> str | None:
            try:
                js.eval(code)
            except JSException as exc:
                return str(exc).strip().splitlines()[0].removeprefix("Error: ")
            return None

        error = self._on_loop(job)
        if error:
            raise ScriptError(error)

    def exit_current_mode(self) -> None:
        """Run the current mode's `onExit` (the shell's `exit`/`quit`, spec §10.6 step 3).

        Like a mode switch, a failing `onExit` is reported on the output, not raised: the
        user is leaving and the session must still be saved.
        """

        def job(js: JSContext) -> None:
            self.bridge.load_piece("tui")
            js.eval("__osm.tuiExitMode()")

        if not self._closed:
            self._on_loop(job)

    def execute_command(self, name: str, args: list[str], raw: str | None = None) -> bool:
        """Run a registered mode/global command; False when no command has that name.

        `raw` is the rest of the shell line as typed; the handler finds it as `args.raw`
        (free-text commands such as `note` keep quotes and backslashes with it).
        A failing handler raises ScriptError with its message.
        """
        tail = "" if raw is None else f", {json_lite.dumps(raw)}"
        code = f"__osm.tuiExecute({json_lite.dumps(name)}, {json_lite.dumps(json_lite.dumps(args))}{tail})"

        def job(js: JSContext) -> str:
            self.bridge.load_piece("tui")
            reply: str = js.eval(code)
            return reply

        try:
            result = json_lite.loads(self._on_loop(job))
        except Exception:
            self._raise_if_stdout_closed()
            raise
        self._raise_if_stdout_closed()
        if result.get("notFound"):
            return False
        if result.get("error"):
            raise ScriptError(result["error"])
        return True

    # -- lifecycle -------------------------------------------------------------------------

    def close(self) -> None:
        """Stop the runtime, persist the session and release its lock. Idempotent."""
        if self._closed:
            return
        self._closed = True
        try:
            if self._runtime.is_owner():
                self._release_js()
            else:
                try:
                    self._runtime.run_sync(self._release_js, timeout=5.0)
                except Exception:  # a runtime that cannot run it any more frees it all
                    pass
            self._runtime.close()
        finally:
            if self._state_manager is not None:
                try:
                    self._state_manager.close()
                except Exception as exc:
                    # The shell reports a failed exit save itself (and keeps the context).
                    if not getattr(self._state_manager, "unsaved_reason", ""):
                        self._warn(f"Warning: Session NOT saved: {exc}")
            self._context_manager = None
            self._close_log()

    def _release_js(self, *_args: object) -> None:
        """On the JS thread: drop every Python reference to a JS object before the VM goes."""
        hooks, self._close_hooks = self._close_hooks, []
        for hook in hooks:
            try:
                hook()
            except Exception:
                pass
        self.bridge.clear()

    def _close_log(self) -> None:
        if self._owned_log is not None:
            try:
                self._owned_log.close()
            finally:
                self._owned_log = None

    def __enter__(self) -> Engine:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
