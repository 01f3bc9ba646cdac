// osm super-document (shell mode): collect documents plus context, then render a prompt
// asking for one internally consistent document that merges them all.
// Globals injected by the command: `config` ({name, shellMode, theme}), `args` and
// `superDocumentTemplate` (templates/super_document.md).
(function () {
  'use strict';

  var ctxutil = require('osm:ctxutil');
  var textTemplate = require('osm:text/template');
  var shared = require('osm:sharedStateSymbols');
  var nextIntegerId = require('osm:nextIntegerId');
  var osmOs = require('osm:os');

  var cfg = typeof config === 'object' && config !== null ? config : {};
  var NAME = cfg.name || 'super-document';

  if (typeof superDocumentTemplate !== 'string' || superDocumentTemplate === '') {
    throw new Error("Critical configuration error: global 'superDocumentTemplate' is missing or empty. The host application must inject this.");
  }

  var keys = {
    documents: Symbol('documents'),
    selectedIndex: Symbol('selectedIndex'),
    nextDocId: Symbol('nextDocId'),
    template: Symbol('template'),
  };
  var definitions = {};
  definitions[shared.contextItems] = {defaultValue: []};
  definitions[keys.documents] = {defaultValue: []};
  definitions[keys.selectedIndex] = {defaultValue: 0};
  definitions[keys.nextDocId] = {defaultValue: 1};
  definitions[keys.template] = {defaultValue: null};
  var state = tui.createState(NAME, definitions);

  function documents() { return state.get(keys.documents) || []; }
  function saveDocuments(docs) { state.set(keys.documents, docs); }

  function currentTemplate() {
    var t = state.get(keys.template);
    return t === null || t === undefined || t === '' ? superDocumentTemplate : t;
  }

  function addDocument(label, content) {
    var docs = documents();
    var id = state.get(keys.nextDocId) || 1;
    state.set(keys.nextDocId, id + 1);
    var doc = {id: id, label: label || 'Document ' + (docs.length + 1), content: content || ''};
    docs.push(doc);
    saveDocuments(docs);
    return doc;
  }

  function removeDocument(id) {
    var docs = documents();
    for (var i = 0; i < docs.length; i++) {
      if (docs[i].id !== id) continue;
      var removed = docs.splice(i, 1)[0];
      saveDocuments(docs);
      var selected = state.get(keys.selectedIndex) || 0;
      if (selected >= docs.length && selected > 0) state.set(keys.selectedIndex, selected - 1);
      return removed;
    }
    return null;
  }

  function findDocument(id) {
    var docs = documents();
    for (var i = 0; i < docs.length; i++) if (docs[i].id === id) return docs[i];
    return null;
  }

  function buildPrompt() {
    var contextTxtar = ctxutil.buildContext(state.get(shared.contextItems), {
      toTxtar: function () { return context.toTxtar(); },
    });
    return textTemplate.execute(currentTemplate(), {documents: documents(), contextTxtar: contextTxtar});
  }

  function preview(content) {
    var text = content || '';
    return text.substring(0, 50).replace(/\n/g, ' ') + (text.length > 50 ? '...' : '');
  }

  function buildCommands() {
    var ctxmgr = ctxutil.contextManager({
      getItems: function () { return state.get(shared.contextItems) || []; },
      setItems: function (items) { state.set(shared.contextItems, items); },
      nextIntegerId: nextIntegerId,
      buildPrompt: buildPrompt,
    });
    var base = ctxmgr.commands;

    return Object.assign({}, base, {
      list: Object.assign({}, base.list, {
        description: 'List super-documents and context items',
        handler: function (argv) {
          var docs = documents();
          if (docs.length > 0) {
            output.print('Documents:');
            docs.forEach(function (d) {
              output.print('  #' + d.id + ' [' + d.label + ']: ' + preview(d.content));
            });
            output.print('');
          }
          base.list.handler(argv);
          if (docs.length === 0 && (state.get(shared.contextItems) || []).length === 0) {
            output.print("No documents or context items. Use 'doc-add' or 'add' to add content.");
          }
        },
      }),
      'doc-add': {
        description: 'Add a new document',
        usage: 'doc-add [content] OR doc-add --file <path>',
        handler: function (argv) {
          if (argv.length >= 2 && argv[0] === '--file') {
            var path = argv[1];
            var read = osmOs.readFile(path);
            if (read.error) {
              output.print('Error: ' + (read.message || 'cannot read ' + path));
              return;
            }
            var fromFile = addDocument(path, read.content);
            output.print('Added document #' + fromFile.id + ' from ' + path);
            return;
          }
          var doc = addDocument(null, ctxutil.restOfLine(argv));
          output.print('Added document #' + doc.id);
        },
      },
      'doc-rm': {
        description: 'Remove a document',
        usage: 'doc-rm <id>',
        handler: function (argv) {
          if (!argv[0]) { output.print('Usage: doc-rm <id>'); return; }
          var doc = removeDocument(parseInt(argv[0], 10));
          output.print(doc ? 'Removed document #' + doc.id : 'Document not found');
        },
      },
      'doc-view': {
        description: 'View a specific document content',
        usage: 'doc-view <id>',
        handler: function (argv) {
          if (!argv[0]) { output.print('Usage: doc-view <id>'); return; }
          var doc = findDocument(parseInt(argv[0], 10));
          if (!doc) { output.print('Document not found'); return; }
          output.print('--- Document #' + doc.id + ': ' + doc.label + ' ---');
          output.print(doc.content);
          output.print('---');
        },
      },
      'doc-clear': {
        description: 'Clear all documents',
        handler: function () {
          saveDocuments([]);
          output.print('All documents cleared.');
        },
      },
      copy: {
        description: 'Copy the final prompt to clipboard',
        handler: function () {
          var text = buildPrompt();
          try {
            output.print(ctxutil.copySummary(text, ctxmgr.clipboardCopy(text)));
          } catch (e) {
            output.print('Clipboard error: ' + (e && e.message ? e.message : e));
          }
        },
      },
    });
  }

  tui.registerMode({
    name: NAME,
    tui: {title: 'Super Document', prompt: '(' + NAME + ') > '},
    onEnter: function () {
      output.print("Super Document Mode. Type 'help' for commands.");
    },
    commands: buildCommands,
  });

  tui.switchMode(NAME);
})();
