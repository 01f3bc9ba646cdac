"""CommonJS `require()` for scripts: relative/absolute `.js`/`.json` files, `node_modules`
look-up, and the `osm:` native modules.

Users split their osm scripts into files and share helpers between them, as in Node;
the module cache makes a module's state shared across requirers and makes cycles safe
(a module in a cycle sees the other's partial `exports`, as in Node). Native modules are
imported on first `require`, so a script pays only for what it uses.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable

from one_shot_man.scripting.bridge import HostError

TYPE_CHECKING = False  # typing costs ~2 ms to import; annotations only need it for checkers
if TYPE_CHECKING:
    from typing import Any

REQUIRE_JS = r"""(function (osm) {
'use strict';
const g = globalThis;
const cache = Object.create(null);
const natives = Object.create(null);
const WRAPPER = '(function (exports, require, module, __filename, __dirname) {';
function osm$loadNative(id) {
  const name = id.slice(4);
  if (name in natives) return natives[name].exports;
  const src = osm.call('require.native', name);
  const module = {id: id, exports: {}, loaded: false};
  natives[name] = module;
  try {
    const factory = (0, eval)(src);
    factory(module, module.exports, osm, makeRequire(osm.scriptDir));
  } catch (e) { delete natives[name]; throw e; }
  module.loaded = true;
  if (module.exports !== null && typeof module.exports === 'object') osm.internal(module.exports, id + '.');
  return module.exports;
}
function makeRequire(dir) {
  function osm$require(id) {
    if (typeof id !== 'string') throw new TypeError('require: module id must be a string');
    if (id.slice(0, 4) === 'osm:') return osm$loadNative(id);
    if (id === 'console') return g.console;
    const base = dir === null ? osm.scriptDir : dir;
    const r = osm.call('require.resolve', id, base);
    const hit = cache[r.path];
    if (hit !== undefined) return hit.exports;
    const module = {id: r.path, filename: r.path, exports: {}, loaded: false, children: []};
    module.require = makeRequire(r.dir);
    cache[r.path] = module;
    try {
      if (r.json) {
        module.exports = JSON.parse(r.source);
      } else {
        let fn;
        try {
          fn = (0, eval)(WRAPPER + r.source + '\n})');
        } catch (e) {
          // QuickJS calls every source <input>: name the module file in the message, at
          // the module's own column (the wrapper shares its line 1).
          const where = e instanceof SyntaxError && typeof e.stack === 'string' ?
            osm.call('error.where', e.stack, r.path, WRAPPER.length) : '';
          if (where) throw new SyntaxError(e.message + ' (' + where + ')');
          throw e;
        }
        // Frames of the module's top-level code show as `module:<path>`.
        Object.defineProperty(fn, 'name', {value: 'module:' + r.path});
        fn.call(module.exports, module.exports, module.require, module, r.path, r.dir);
      }
    } catch (e) {
      delete cache[r.path];
      throw e;
    }
    module.loaded = true;
    return module.exports;
  }
  const require = osm$require;
  require.cache = cache;
  require.resolve = function (id) {
    return osm.call('require.resolve', String(id), dir === null ? osm.scriptDir : dir).path;
  };
  return require;
}
osm.loadNative = osm$loadNative;
osm.define('require', makeRequire(null));
})(globalThis.__osm);
"""

_EXTENSIONS = ("", ".js", ".json")


def _read(path: str) -> dict[str, Any]:
    with open(path, encoding="utf-8") as fh:
        source = fh.read()
    if source.startswith("#!"):
        source = "//" + source[2:]
    return {
        "path": path,
        "dir": os.path.dirname(path),
        "source": source,
        "json": path.endswith(".json"),
    }


def _try_file(path: str) -> str | None:
    for ext in _EXTENSIONS:
        candidate = path + ext
        if os.path.isfile(candidate):
            return candidate
    return None


def _try_directory(path: str) -> str | None:
    if not os.path.isdir(path):
        return None
    package = os.path.join(path, "package.json")
    if os.path.isfile(package):
        try:
            with open(package, encoding="utf-8") as fh:
                main = json.load(fh).get("main")
        except (OSError, ValueError, AttributeError):
            main = None
        if isinstance(main, str) and main:
            found = _try_file(os.path.join(path, main)) or _try_index(os.path.join(path, main))
            if found:
                return found
    return _try_index(path)


def _try_index(path: str) -> str | None:
    for name in ("index.js", "index.json"):
        candidate = os.path.join(path, name)
        if os.path.isfile(candidate):
            return candidate
    return None


def resolve_module(module_id: str, base_dir: str) -> str:
    """The absolute file a `require(module_id)` from `base_dir` loads (Node's algorithm)."""
    if not module_id:
        raise HostError("require: empty module id", "TypeError")
    if module_id.startswith(("./", "../", "/")) or module_id in (".", ".."):
        target = os.path.normpath(os.path.join(base_dir, module_id))
        found = _try_file(target) or _try_directory(target)
        if found:
            return os.path.abspath(found)
    else:
        directory = os.path.abspath(base_dir)
        while True:
            if os.path.basename(directory) != "node_modules":
                target = os.path.join(directory, "node_modules", module_id)
                found = _try_file(target) or _try_directory(target)
                if found:
                    return os.path.abspath(found)
            parent = os.path.dirname(directory)
            if parent == directory:
                break
            directory = parent
    raise HostError(f"Cannot find module '{module_id}' (from {base_dir})")


def require_ops(native_source: Callable[[str], str]) -> dict[str, Callable[..., Any]]:
    """Host operations behind `require`: file resolution/reading and native module code."""

    def resolve(module_id: str, base_dir: str) -> dict[str, Any]:
        path = resolve_module(module_id, base_dir or ".")
        try:
            return _read(path)
        except (OSError, UnicodeDecodeError) as exc:
            raise HostError(f"failed to read module {path}: {exc}") from exc

    return {"require.resolve": resolve, "require.native": native_source}
