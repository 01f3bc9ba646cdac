// contextManager(options): the REPL commands every workflow shares (spec §8) - add, diff,
// note, list, edit, remove, show, copy - over a list of context items the caller stores.
// A CommonJS module body: `exports.contextManager`. It uses the host globals `output` and
// `context` and the native modules osm:os, osm:argv and osm:nextIntegerId.
'use strict';

function errorText(e) {
  if (e !== null && typeof e === 'object' && 'message' in e) return String(e.message);
  return String(e);
}

function contextManager(options) {
  var opts = options || {};
  var lazy = {};
  function native(name) {
    if (!(name in lazy)) lazy[name] = require(name);
    return lazy[name];
  }
  function missing(what) {
    return function () { throw new Error(what + ' must be provided'); };
  }

  var getItems = opts.getItems || missing('getItems');
  var setItems = opts.setItems || missing('setItems');
  var buildPrompt = opts.buildPrompt || missing('buildPrompt');
  var nextIntegerId = opts.nextIntegerId || function (list) { return native('osm:nextIntegerId')(list); };
  var openEditor = opts.openEditor || function (hint, initial) { return native('osm:os').openEditor(hint, initial); };
  var clipboardCopy = opts.clipboardCopy || function (text) { return native('osm:os').clipboardCopy(text); };
  var fileExists = opts.fileExists || function (path) { return native('osm:os').fileExists(path); };
  var formatArgv = opts.formatArgv || function (argv) { return native('osm:argv').formatArgv(argv); };
  var parseArgv = opts.parseArgv || function (text) { return native('osm:argv').parseArgv(text); };
  var addItem = opts.addItem || function (type, label, payload) {
    var items = getItems();
    var id = nextIntegerId(items);
    items.push({id: id, type: type, label: label, payload: payload});
    setItems(items);
    return id;
  };

  function print(text) { output.print(text); }

  function diffLabel(argv) {
    return argv.length > 0 ? 'git diff ' + formatArgv(argv) : 'git diff (default: HEAD)';
  }

  function indexOfId(items, id) {
    for (var i = 0; i < items.length; i++) {
      if (items[i] && items[i].id === id) return i;
    }
    return -1;
  }

  function payloadText(payload) {
    return payload === undefined || payload === null ? '' : String(payload);
  }

  var commands = {
    add: {
      description: 'Add file content to context',
      usage: 'add [file ...]',
      argCompleters: ['file'],
      handler: function (args) {
        var paths = args && args.length ? args : String(openEditor('paths', '\n# one path per line\n'))
          .split('\n')
          .map(function (line) { return line.trim(); })
          .filter(function (line) { return line !== '' && line.charAt(0) !== '#'; });
        paths.forEach(function (path) {
          try {
            context.addPath(path);
          } catch (e) {
            print('add error: ' + String(e));
            return;
          }
          addItem('file', path, '');
          print('Added file: ' + path);
        });
      },
    },
    diff: {
      description: 'Add git diff output to context (default: HEAD)',
      usage: 'diff [commit-spec]',
      handler: function (args) {
        var argv = args && args.length ? args.slice() : [];
        var label = diffLabel(argv);
        addItem('lazy-diff', label, argv);
        print('Added diff: ' + label + ' (will be executed when generating prompt)');
      },
    },
    note: {
      description: 'Add a freeform note',
      usage: 'note [text]',
      handler: function (args) {
        var text = (args || []).join(' ');
        if (text === '') text = String(openEditor('note', ''));
        print('Added note [' + addItem('note', 'note', text) + ']');
      },
    },
    list: {
      description: 'List context items',
      handler: function () {
        getItems().forEach(function (item) {
          var line = '[' + item.id + '] [' + item.type + '] ' + payloadText(item.label);
          if (item.type === 'file' && item.label && !fileExists(item.label)) line += ' (missing)';
          print(line);
        });
      },
    },
    edit: {
      description: 'Edit context item by id',
      usage: 'edit <id>',
      handler: function (args) {
        if (!args || args.length === 0) { print('Usage: edit <id>'); return; }
        var id = parseInt(args[0], 10);
        if (isNaN(id)) { print('Invalid id: ' + args[0]); return; }
        var items = getItems();
        var at = indexOfId(items, id);
        if (at < 0) { print('Not found: ' + id); return; }
        var item = items[at];
        if (item.type === 'file') {
          print('Editing file content directly is not supported. Please edit the file on disk.');
          return;
        }
        if (item.type === 'lazy-diff') {
          var initial = Array.isArray(item.payload) ? formatArgv(item.payload) : payloadText(item.payload);
          var spec = String(openEditor('diff-spec-' + id, initial)).trim();
          var argv = spec === '' ? [] : parseArgv(spec);
          item.payload = argv;
          item.label = diffLabel(argv);
          setItems(items);
          print('Updated diff specification [' + id + ']');
          return;
        }
        item.payload = openEditor('item-' + id, payloadText(item.payload));
        setItems(items);
        print('Edited [' + id + ']');
      },
    },
    remove: {
      description: 'Remove a context item by id',
      usage: 'remove <id>',
      handler: function (args) {
        if (!args || args.length === 0) { print('Usage: remove <id>'); return; }
        var id = parseInt(args[0], 10);
        var items = getItems();
        var at = indexOfId(items, id);
        if (at < 0) { print('Not found: ' + id); return; }
        var item = items[at];
        if (item.type === 'file') {
          try {
            context.removePath(item.label);
          } catch (e) {
            var text = errorText(e);
            if (text.indexOf('path not found') < 0 && text.indexOf('no such file') < 0) {
              print('Error: ' + text);
              return;
            }
            print('Info: file not present, removing from session state: ' + item.label);
          }
        }
        items.splice(at, 1);
        setItems(items);
        print('Removed [' + id + ']');
      },
    },
    show: {
      description: 'Show the prompt',
      handler: function () { print(buildPrompt()); },
    },
    copy: {
      description: 'Copy prompt to clipboard',
      handler: function () {
        try {
          clipboardCopy(buildPrompt());
          print('Prompt copied to clipboard.');
        } catch (e) {
          print('Clipboard error: ' + errorText(e));
        }
      },
    },
  };

  return {
    getItems: getItems,
    setItems: setItems,
    nextIntegerId: nextIntegerId,
    addItem: addItem,
    buildPrompt: buildPrompt,
    openEditor: openEditor,
    clipboardCopy: clipboardCopy,
    fileExists: fileExists,
    formatArgv: formatArgv,
    parseArgv: parseArgv,
    commands: commands,
  };
}

exports.contextManager = contextManager;
