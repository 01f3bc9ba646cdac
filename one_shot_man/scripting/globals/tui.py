"""The non-interactive part of the `tui` global: modes, commands, state accessors, reset.

Workflows declare a mode with its REPL commands, switch into it (which restores the
session's context items) and keep their state through `tui.createState` so it survives
in the session file (spec §9.1, §10.2-10.5). The registry itself lives in JavaScript
because it is made of JS functions; Python keeps the state, the history and the files.
The interactive shell (later) drives it through `Engine.tui_info()`/`execute_command()`.
"""

from __future__ import annotations

import os
from collections.abc import Callable

TYPE_CHECKING = False  # typing costs ~2 ms to import; annotations only need it for checkers
if TYPE_CHECKING:
    from typing import Any

    from one_shot_man.scripting.engine import Engine

TUI_JS = r"""(function (osm) {
'use strict';
if (!osm.Ctx) osm.load('ctx');
const g = globalThis;
const modes = new Map();
const globalCommands = new Map();
const sharedByPrinted = new Map();
let current = null;
let exitRequested = false;
function typeName(v) {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  return typeof v;
}
function osm$str(cfg, key) {
  const v = cfg[key];
  if (v === undefined || v === null) return '';
  if (typeof v !== 'string') {
    throw new TypeError("value for key '" + key + "' is not a string: got " + typeName(v));
  }
  return v;
}
function osm$func(cfg, key) {
  const v = cfg[key];
  if (v === undefined || v === null) return null;
  if (typeof v !== 'function') {
    throw new TypeError("value for key '" + key + "' is not a function: got " + typeName(v));
  }
  return v;
}
function toCommand(name, def) {
  if (def === null || typeof def !== 'object' || typeof def.handler !== 'function') return null;
  const ac = Array.isArray(def.argCompleters)
    ? def.argCompleters.filter(function (x) { return typeof x === 'string'; }) : [];
  return {
    name: name,
    description: def.description == null ? '' : String(def.description),
    usage: def.usage == null ? '' : String(def.usage),
    argCompleters: ac,
    handler: def.handler,
  };
}
function commandMap(obj) {
  const m = new Map();
  for (const k of Object.keys(obj)) {
    const c = toCommand(k, obj[k]);
    if (c) m.set(k, c);
  }
  return m;
}
function say(text) { osm.call('tui.print', text); }
function switchMode(name) {
  name = String(name);
  const mode = modes.get(name);
  if (!mode) throw new Error('mode ' + name + ' not found');
  if (current !== null) {
    const old = modes.get(current);
    if (old && old.onExit) {
      try { old.onExit(); } catch (e) { say('Error exiting mode ' + current + ': ' + osm.errText(e)); }
    }
  }
  current = name;
  say('Switched to mode: ' + name);
  const restored = osm.call('tui.rehydrate');
  if (mode.builder && mode.commands.size === 0) {
    try {
      const r = mode.builder();
      if (r === null || typeof r !== 'object') throw new Error('commands builder returned ' + typeName(r));
      mode.commands = commandMap(r);
    } catch (e) { say('Error building commands for mode ' + name + ': ' + osm.errText(e)); }
  }
  if (restored[0] > 0) {
    say('Session restored: ' + restored[0] + ' items (' + restored[1] + " files). 'reset' to clear.");
  }
  if (mode.onEnter) {
    try { mode.onEnter(); } catch (e) { say('Error entering mode ' + name + ': ' + osm.errText(e)); }
  }
}
function createState(commandName, definitions) {
  const cmd = String(commandName);
  if (cmd === '') {
    throw new TypeError('createState first argument must be a command name');
  }
  if (cmd.indexOf(':') >= 0) {
    throw new TypeError("createState command name cannot contain ':' (reserved separator)");
  }
  // A definition is keyed by a Symbol or by a string; the string 'counter' is stored
  // exactly as Symbol('counter') would be (the shared key for a shared name, else
  // '<command>:counter'), so either spelling reads and writes the same session value.
  const known = new Map();
  function printed(k) { return typeof k === 'symbol' ? String(k) : 'Symbol(' + k + ')'; }
  function define(k, description, def) {
    if (def === undefined || def === null) return;
    let key = sharedByPrinted.get(printed(k));
    if (key === undefined) {
      if (!description) throw new TypeError('createState symbol must have a description');
      key = cmd + ':' + description;
    }
    const dflt = typeof def === 'object' ? def.defaultValue : undefined;
    osm.call('state.init', key, dflt === undefined ? null : dflt);
    known.set(printed(k), {key: key, dflt: dflt});
  }
  if (definitions !== null && typeof definitions === 'object') {
    for (const name of Object.keys(definitions)) define(name, name, definitions[name]);
    for (const sym of Object.getOwnPropertySymbols(definitions)) {
      define(sym, sym.description, definitions[sym]);
    }
  }
  function osm$entry(k, what) {
    const e = typeof k === 'symbol' || typeof k === 'string' ? known.get(printed(k)) : undefined;
    if (e === undefined) {
      if (typeof k === 'string') {
        throw new TypeError('state.' + what + "() called with unregistered key '" + k + "'");
      }
      throw new TypeError('state.' + what + '() called with unregistered Symbol');
    }
    return e;
  }
  return osm.internal({
    get(sym) {
      const e = osm$entry(sym, 'get');
      const r = osm.call('state.get', e.key);
      if (r.f) return r.v;
      return e.dflt;
    },
    set(sym, value) {
      const e = osm$entry(sym, 'set');
      osm.call('state.set', e.key, value === undefined ? null : value);
    },
  }, 'state.');
}
function findCommand(name) {
  if (current !== null) {
    const m = modes.get(current);
    if (m && m.commands.has(name)) return m.commands.get(name);
  }
  return globalCommands.get(name);
}
osm.registerSharedSymbol = function (sym, key) { sharedByPrinted.set(String(sym), key); };
osm.tuiExecute = function (name, argsJson, raw) {
  const cmd = findCommand(name);
  if (!cmd) return JSON.stringify({notFound: true});
  const args = JSON.parse(argsJson);
  if (typeof raw === 'string') Object.defineProperty(args, 'raw', {value: raw});
  const c = osm.Ctx('cmd:' + name), st = osm.ctxState(c), prev = g.ctx;
  let error = null;
  osm.define('ctx', c);
  try {
    try { cmd.handler(args); } catch (e) { error = e && e.osmPlain === true ? String(e) : osm.errText(e); }
    osm.runDeferred(st);
  } finally { osm.define('ctx', prev); }
  if (error === null && st.failed) error = 'test context failed';
  if (error === null && current !== null) {
    osm.call('tui.snapshot', current, args.length ? name + ' ' + args.join(' ') : name);
  }
  return JSON.stringify({error: error});
};
// `exit`/`quit` in the shell: the current mode's onExit runs (spec §10.6 step 3); the
// mode stays current, so the session still records it.
osm.tuiExitMode = function () {
  if (current === null) return;
  const mode = modes.get(current);
  if (mode && mode.onExit) {
    try { mode.onExit(); } catch (e) { say('Error exiting mode ' + current + ': ' + osm.errText(e)); }
  }
};
osm.tuiInfo = function () {
  function cmds(m) {
    return Array.from(m.values()).map(function (c) {
      return {name: c.name, description: c.description, usage: c.usage, argCompleters: c.argCompleters};
    });
  }
  return JSON.stringify({
    current: current,
    exitRequested: exitRequested,
    modes: Array.from(modes.values()).map(function (m) {
      return {name: m.name, title: m.title, prompt: m.prompt, initialCommand: m.initialCommand,
        commands: cmds(m.commands)};
    }),
    commands: cmds(globalCommands),
  });
};
osm.define('tui', osm.internal({
  registerMode(cfg) {
    if (cfg === null || typeof cfg !== 'object') {
      throw new TypeError('registerMode: expected object, got ' + typeName(cfg));
    }
    const t = cfg.tui !== null && typeof cfg.tui === 'object' ? cfg.tui : {};
    const mode = {
      name: osm$str(cfg, 'name'), title: osm$str(t, 'title'), prompt: osm$str(t, 'prompt'),
      initialCommand: osm$str(cfg, 'initialCommand'), onEnter: osm$func(cfg, 'onEnter'),
      onExit: osm$func(cfg, 'onExit'), builder: null, commands: new Map(),
    };
    const c = cfg.commands;
    if (typeof c === 'function') mode.builder = c;
    else if (c !== null && typeof c === 'object') mode.commands = commandMap(c);
    modes.set(mode.name, mode);
  },
  switchMode: switchMode,
  getCurrentMode() { return current === null ? '' : current; },
  registerCommand(cfg) {
    if (cfg === null || typeof cfg !== 'object') throw new TypeError('invalid command configuration');
    if (typeof cfg.handler !== 'function') throw new TypeError('command must have a handler function');
    const c = toCommand(osm$str(cfg, 'name'), cfg);
    globalCommands.set(c.name, c);
  },
  listModes() { return Array.from(modes.keys()); },
  createState: createState,
  requestExit() { exitRequested = true; },
  isExitRequested() { return exitRequested; },
  clearExitRequest() { exitRequested = false; },
  reset() { return osm.call('tui.reset'); },
}, 'tui.'));
})(globalThis.__osm);
"""


def tui_ops(engine: Engine) -> dict[str, Callable[..., Any]]:
    """Host side of `tui`: printing, state, snapshots, reset and rehydration."""

    def state_init(key: str, default: Any) -> None:
        _value, found = engine.open_state().get_state(key)
        if not found:
            engine.open_state().set_state(key, default)

    def state_get(key: str) -> dict[str, Any]:
        value, found = engine.open_state().get_state(key)
        return {"f": found, "v": value}

    def state_set(key: str, value: Any) -> None:
        engine.open_state().set_state(key, value)

    def snapshot(mode: str, command: str) -> None:
        sm = engine.open_state()
        sm.capture_snapshot(mode, command, sm.serialize_complete_state())

    def reset() -> str:
        path = engine.open_state().archive_and_reset()
        engine.clear_context()
        return path

    return {
        "tui.print": engine.print_to_user,
        "state.init": state_init,
        "state.get": state_get,
        "state.set": state_set,
        "tui.snapshot": snapshot,
        "tui.reset": reset,
        "tui.rehydrate": lambda: rehydrate(engine),
    }


def rehydrate(engine: Engine) -> list[int]:
    """Re-track the session's file items in the context manager (spec §9.6).

    Returns `[kept items, restored files]`; drops files that no longer exist and says so.
    """
    items, found = engine.open_state().get_state("contextItems")
    if not found or not isinstance(items, list) or not items:
        return [0, 0]
    kept: list[Any] = []
    files = 0
    changed = False
    for item in items:
        if (
            not isinstance(item, dict)
            or not isinstance(item.get("type"), str)
            or not isinstance(item.get("label"), str)
            or item["type"] != "file"
        ):
            kept.append(item)
            continue
        label = item["label"]
        hint = item.get("absPath")
        try:
            key = _add_relative(engine, label, hint if isinstance(hint, str) else None)
        except FileNotFoundError:
            engine.print_to_user(f"Info: file from previous session not found, removing: {label}")
            changed = True
            continue
        except Exception as exc:
            engine.print_to_user(f"Error restoring file {label}: {exc}")
            changed = True
            continue
        # The absolute path rides along so a session resumed from another directory
        # still finds its files (spec §13 item 9).
        abs_path = engine.context_manager.absolute_path(key)
        if key != label or hint != abs_path:
            item = dict(item, label=key, absPath=abs_path)
            changed = True
        kept.append(item)
        files += 1
    if changed:
        engine.open_state().set_state("contextItems", kept)
        try:
            engine.open_state().persist_session()
        except Exception as exc:
            engine.print_to_user(f"Warning: failed to persist rehydrated contextItems: {exc}")
    return [len(kept), files]


def _add_relative(engine: Engine, label: str, fallback_abs: str | None) -> str:
    """`AddRelativePath`, retrying a Windows-style label with `/` on POSIX hosts."""
    cm = engine.context_manager
    try:
        return cm.add_relative_path(label, fallback_abs)
    except Exception as exc:
        if not _is_not_found(exc):
            raise
        if "\\" in label and os.sep == "/":
            try:
                return cm.add_relative_path(label.replace("\\", "/"))
            except Exception as retry_exc:
                if _is_not_found(retry_exc):
                    raise FileNotFoundError(str(retry_exc)) from retry_exc
                raise
        raise FileNotFoundError(str(exc)) from exc


def _is_not_found(exc: Exception) -> bool:
    if isinstance(exc, FileNotFoundError) or getattr(exc, "not_found", False):
        return True
    text = str(exc).lower()
    return "no such file" in text or "not found" in text or "does not exist" in text
