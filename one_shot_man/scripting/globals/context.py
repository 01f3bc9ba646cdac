"""The `context` global: the files a prompt shows, backed by the ContextManager (spec §5.1, §6)."""

from __future__ import annotations

from collections.abc import Callable

TYPE_CHECKING = False  # typing costs ~2 ms to import; annotations only need it for checkers
if TYPE_CHECKING:
    from typing import Any

    from one_shot_man.scripting.engine import Engine

CONTEXT_JS = r"""(function (osm) {
'use strict';
function s(v) { return v === undefined || v === null ? '' : String(v); }
osm.define('context', osm.internal({
  addPath(p) { osm.call('context.addPath', s(p)); },
  removePath(p) { osm.call('context.removePath', s(p)); },
  listPaths() { return osm.call('context.listPaths'); },
  getPath(p) { const v = osm.call('context.getPath', s(p)); return v === undefined ? null : v; },
  refreshPath(p) { osm.call('context.refreshPath', s(p)); },
  toTxtar() { return osm.callText('context.toTxtar'); },
  fromTxtar(text) { osm.call('context.fromTxtar', s(text)); },
  getStats() { return osm.call('context.getStats'); },
  filterPaths(pattern) {
    if (typeof pattern === 'function') {
      return osm.call('context.listPaths').filter(function (p) { return pattern(p); });
    }
    return osm.call('context.filterPaths', s(pattern));
  },
  getFilesByExt(ext) { return osm.call('context.getFilesByExt', s(ext)); },
}, 'context.'));
})(globalThis.__osm);
"""


def context_ops(engine: Engine) -> dict[str, Callable[..., Any]]:
    """Each `context.<method>` calls the engine's ContextManager (created on first use)."""

    def bind(method: str) -> Callable[..., Any]:
        def call(*args: Any) -> Any:
            return getattr(engine.context_manager, method)(*args)

        return call

    return {
        "context.addPath": bind("add_path"),
        "context.removePath": bind("remove_path"),
        "context.listPaths": bind("list_paths"),
        "context.getPath": bind("get_path"),
        "context.refreshPath": bind("refresh_path"),
        "context.toTxtar": bind("to_txtar"),
        "context.fromTxtar": bind("from_txtar"),
        "context.getStats": bind("get_stats"),
        "context.filterPaths": bind("filter_paths"),
        "context.getFilesByExt": bind("get_files_by_ext"),
    }
