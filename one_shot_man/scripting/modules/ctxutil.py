"""`osm:ctxutil`: prompt assembly (`buildContext`, spec §7) and the REPL command factory
(`contextManager`, spec §8) that code-review, prompt-flow and goals build their shells on.

`buildContext` normalises the JS items (labels through `String()`, the txtar callback run
in JS) and hands them to `prompt.build_context`, which runs the lazy git diffs.
`contextManager` is plain JavaScript: every piece is a JS function a workflow may replace.
"""

from __future__ import annotations

from collections.abc import Callable

TYPE_CHECKING = False  # typing costs ~2 ms to import; annotations only need it for checkers
if TYPE_CHECKING:
    from typing import Any

    from one_shot_man.scripting.engine import Engine

JS = r"""(function (module, exports, osm, require) {
'use strict';
// Diffs that failed in the last buildContext: `show`/`copy` tell the user about them.
let lastProblems = [];
exports.buildContext = function buildContext(items, options) {
  if (!Array.isArray(items)) return '';
  const list = [];
  for (const it of items) {
    if (it === null || it === undefined || typeof it !== 'object') continue;
    if (it.type === undefined || it.type === null) continue;
    const o = {type: String(it.type)};
    if (it.id !== undefined) o.id = it.id;
    if (it.label !== undefined && it.label !== null) o.label = String(it.label);
    if (it.payload !== undefined) o.payload = it.payload;
    list.push(o);
  }
  let txtar = null;
  if (options !== null && typeof options === 'object' && typeof options.toTxtar === 'function') {
    try {
      const t = options.toTxtar();
      if (t !== undefined && t !== null) txtar = String(t);
    } catch (_) { txtar = null; }
  }
  if (!txtar) {
    const built = osm.call('ctxutil.buildContext', list, null);
    lastProblems = built.problems;
    return built.text;
  }
  // The host returns the text around the txtar: a big txtar crosses once and is joined here.
  const around = osm.callRaw('ctxutil.buildContextAround', [list], txtar);
  lastProblems = around[2];
  return [around[0], txtar, around[1]].join('');
};

// The line printed after a copy: figures of `text` and where it went. `result` is what
// osm:os.clipboardCopy returned ({copied, where, message}); a replacement that returns
// nothing is taken as a success.
exports.copySummary = function copySummary(text, result, label) {
  const r = result !== null && typeof result === 'object' ? result : {};
  const copied = r.copied !== false;
  let where = r.where ? String(r.where) : '';
  if (!where) where = copied ? 'clipboard' : String(r.message || 'printed above');
  // The prompt crosses raw (not inside the JSON arguments): it may be megabytes.
  return osm.callRaw('ctxutil.copySummary', [copied, where,
    label === undefined || label === null ? '' : String(label)], String(text));
};
// The rest of a command line as typed (quotes, backslashes and spacing kept), for
// free-text commands; the word list joined by spaces when called without a shell line.
exports.restOfLine = function restOfLine(args) {
  if (args && typeof args.raw === 'string') return args.raw;
  return (args || []).join(' ');
};
const restOfLine = exports.restOfLine;

exports.contextManager = function contextManager(options) {
  const opts = options || {};
  const osmOs = require('osm:os'), argv = require('osm:argv');
  const getItems = opts.getItems || function () { throw new Error('getItems must be provided'); };
  const setItems = opts.setItems || function () { throw new Error('setItems must be provided'); };
  const nextIntegerId = opts.nextIntegerId || require('osm:nextIntegerId');
  const buildPrompt = opts.buildPrompt || function () { throw new Error('buildPrompt must be provided'); };
  const openEditor = opts.openEditor || osmOs.openEditor;
  const clipboardCopy = opts.clipboardCopy || osmOs.clipboardCopy;
  const fileExists = opts.fileExists || osmOs.fileExists;
  const formatArgv = opts.formatArgv || argv.formatArgv;
  const parseArgv = opts.parseArgv || argv.parseArgv;
  const addItem = opts.addItem || function (type, label, payload) {
    const items = getItems();
    const id = nextIntegerId(items);
    items.push({id: id, type: type, label: label, payload: payload});
    setItems(items);
    return id;
  };
  function say(text) { output.print(text); }
  function message(e) { return e !== null && typeof e === 'object' && 'message' in e ? String(e.message) : String(e); }
  function reportProblems() {
    const problems = lastProblems;
    lastProblems = [];
    for (const p of problems) say('Warning: ' + p);
  }
  function fileKey(label) { return osm.call('ctxutil.keyOf', String(label)); }
  function fileItemWithKey(items, key, except) {
    for (const it of items) {
      if (it && it !== except && it.type === 'file' && it.label && fileKey(it.label) === key) return it;
    }
    return null;
  }
  function plural(n, word) { return n + ' ' + word + (n === 1 ? '' : 's'); }
  function addedText(p, r) {
    if (r.kind !== 'directory') return 'Added file: ' + p;
    let text = 'Added directory: ' + p + ' (' + plural(r.files, 'file');
    if (r.skipped.length) {
      const shown = r.skipped.slice(0, 5).join(', ') + (r.skipped.length > 5 ? ', ...' : '');
      text += '; skipped ' + r.skipped.length + ' binary: ' + shown;
    }
    return text + ')';
  }
  function diffLabel(args) { return args.length ? 'git diff ' + formatArgv(args) : 'git diff (default: HEAD)'; }
  function find(items, id) {
    for (let i = 0; i < items.length; i++) if (items[i] && items[i].id === id) return i;
    return -1;
  }
  // The item an `edit <id>`/`remove <id>` line names, or null after saying why not.
  function itemFor(args, command) {
    if (!args || args.length === 0) { say('Usage: ' + command + ' <id>'); return null; }
    const id = parseInt(args[0], 10);
    if (Number.isNaN(id)) { say('Invalid id: ' + args[0]); return null; }
    const items = getItems(), i = find(items, id);
    if (i < 0) { say('Not found: ' + id); return null; }
    return {items: items, id: id, i: i, it: items[i]};
  }
  const commands = {
    add: {
      description: 'Add file content to context', usage: 'add [file ...]', argCompleters: ['file'],
      handler(args) {
        let paths = args || [];
        if (paths.length === 0) {
          paths = String(openEditor('paths', '\n# one path per line\n')).split(/\r?\n/)
            .map(function (s) { return s.trim(); })
            .filter(function (s) { return s !== '' && s[0] !== '#'; });
        }
        for (const p of paths) {
          try { context.addPath(p); } catch (e) {
            say('Error: cannot add ' + p + ': ' + osm.call('ctxutil.addFailure', message(e)));
            continue;
          }
          const r = osm.call('ctxutil.describe', String(p));
          const dup = fileItemWithKey(getItems(), r.key, null);
          if (dup) { say('Already in context: [' + dup.id + '] ' + dup.label); continue; }
          addItem('file', p, '');
          say(addedText(p, r));
        }
      },
    },
    diff: {
      description: 'Add git diff output to context (default: HEAD)', usage: 'diff [commit-spec]',
      handler(args) {
        const payload = args && args.length ? args.slice() : [];
        const label = diffLabel(payload);
        addItem('lazy-diff', label, payload);
        say('Added diff: ' + label + ' (will be executed when generating prompt)');
      },
    },
    note: {
      description: 'Add a freeform note', usage: 'note [text]',
      handler(args) {
        let text = restOfLine(args);
        if (text === '') text = String(openEditor('note', ''));
        say('Added note [' + addItem('note', 'note', text) + ']');
      },
    },
    list: {
      description: 'List context items',
      handler() {
        for (const it of getItems()) {
          let line = '[' + it.id + '] [' + it.type + '] ' + (it.label === undefined ? '' : it.label);
          if (it.type === 'file' && it.label && !fileExists(it.label)) line += ' (missing)';
          say(line);
        }
      },
    },
    edit: {
      description: 'Edit context item by id', usage: 'edit <id>',
      handler(args) {
        const found = itemFor(args, 'edit');
        if (!found) return;
        const {items, id, it} = found;
        if (it.type === 'file') {
          say('Editing file content directly is not supported. Please edit the file on disk.');
          return;
        }
        if (it.type === 'lazy-diff') {
          const initial = Array.isArray(it.payload) ? formatArgv(it.payload)
            : (it.payload === undefined || it.payload === null ? '' : String(it.payload));
          const edited = String(openEditor('diff-spec-' + id, initial)).trim();
          const payload = edited ? parseArgv(edited) : [];
          it.payload = payload;
          it.label = diffLabel(payload);
          setItems(items);
          say('Updated diff specification [' + id + ']');
          return;
        }
        it.payload = openEditor('item-' + id,
          it.payload === undefined || it.payload === null ? '' : String(it.payload));
        setItems(items);
        say('Edited [' + id + ']');
      },
    },
    remove: {
      description: 'Remove a context item by id', usage: 'remove <id>',
      handler(args) {
        const found = itemFor(args, 'remove');
        if (!found) return;
        const {items, id, i, it} = found;
        // A file another item still lists stays in the prompt (sessions from before
        // duplicates were refused may hold two items for one file).
        if (it.type === 'file' && !(it.label && fileItemWithKey(items, fileKey(it.label), it))) {
          try { context.removePath(it.label); } catch (e) {
            const m = message(e);
            if (m.indexOf('path not found') >= 0 || m.indexOf('no such file') >= 0) {
              say('Info: file not present, removing from session state: ' + it.label);
            } else { say('Error: ' + m); return; }
          }
        }
        items.splice(i, 1);
        setItems(items);
        say('Removed [' + id + ']');
      },
    },
    show: {description: 'Show the prompt', handler() { say(buildPrompt()); reportProblems(); }},
    copy: {
      description: 'Copy prompt to clipboard',
      handler() {
        const text = buildPrompt();
        let result;
        try { result = clipboardCopy(text); }
        catch (e) { say('Clipboard error: ' + message(e)); reportProblems(); return; }
        say(exports.copySummary(text, result));
        reportProblems();
      },
    },
  };
  return {
    getItems: getItems, setItems: setItems, nextIntegerId: nextIntegerId, addItem: addItem,
    buildPrompt: buildPrompt, openEditor: openEditor, clipboardCopy: clipboardCopy,
    fileExists: fileExists, formatArgv: formatArgv, parseArgv: parseArgv, commands: commands,
  };
};
})
"""


def ops(engine: Engine) -> dict[str, Callable[..., Any]]:
    def build(items: list[Any], txtar: str | None) -> dict[str, Any]:
        from one_shot_man.prompt.build import build_context

        problems: list[str] = []
        options: dict[str, Any] = {"on_diff_error": _collect_into(problems)}
        if txtar is not None:
            options["toTxtar"] = lambda: txtar
        return {"text": build_context(items, options), "problems": problems}

    def describe(path: str) -> dict[str, Any]:
        """What `add` just tracked: its key, file or directory, files and skipped binaries."""
        import os

        cm = engine.context_manager
        key = cm.owner_key(os.path.abspath(path))
        entry = cm.get_entry(key)
        if entry is None or entry.type != "directory":
            return {"key": key, "kind": "file", "files": 1, "skipped": []}
        files = len(entry.children or [])
        return {"key": key, "kind": "directory", "files": files, "skipped": list(cm.last_skipped)}

    def key_of(path: str) -> str:
        import os

        return engine.context_manager.owner_key(os.path.abspath(path))

    def add_failure(text: str) -> str:
        error = engine.context_manager.last_error
        if error is None or str(error) not in text:
            return text  # a workflow's own `context` object failed: its words
        return add_failure_reason(error)

    def around(items: list[Any], txtar: str) -> list[Any]:
        from one_shot_man.prompt.build import build_context_around

        problems: list[str] = []
        options = {"on_diff_error": _collect_into(problems)}
        head, tail = build_context_around(items, txtar, options)
        return [head, tail, problems]

    def summary(copied: bool, where: str, label: str, text: str) -> str:
        from one_shot_man.copysummary import copy_summary

        return copy_summary(
            text, copied=copied, where=where, label=label, option=engine.config_option
        )

    return {
        "ctxutil.buildContext": build,
        "ctxutil.buildContextAround": around,
        "ctxutil.copySummary": summary,
        "ctxutil.describe": describe,
        "ctxutil.keyOf": key_of,
        "ctxutil.addFailure": add_failure,
    }


def add_failure_reason(exc: Exception) -> str:
    """Why `add` failed, in a few words: the OS's reason (`no such file or directory`)."""
    from one_shot_man.prompt.context import BinaryFileError

    if isinstance(exc, BinaryFileError):
        return "binary file (not put into the prompt)"
    cause = exc.__cause__
    while cause is not None and not isinstance(cause, OSError):
        cause = cause.__cause__
    if isinstance(cause, OSError) and cause.strerror:
        from one_shot_man.errors import os_reason

        return os_reason(cause)
    return str(exc)


def _collect_into(problems: list[str]) -> Callable[[Any, str, str], None]:
    """An `on_diff_error` callback that appends each failed diff's one-line report."""

    def on_diff_error(item: Any, title: str, body: str) -> None:
        problems.append(_diff_problem(item, title, body))

    return on_diff_error


def _diff_problem(item: Any, title: str, body: str) -> str:
    """`diff [2] failed: git diff nosuch: fatal: bad revision 'nosuch'` (one line)."""
    ident = item.get("id") if isinstance(item, dict) else None
    what = title.removeprefix("Diff Error: ")
    reason = body.removeprefix("Error executing git diff: ").strip().splitlines()
    first = reason[0] if reason else "failed"
    where = f" [{ident}]" if ident is not None else ""
    return f"diff{where} failed: {what}: {first}"
