// osm code-review: gather files, diffs and notes, then render one review prompt.
// Globals injected by the command: `config` ({name}), `args` (unused) and
// `codeReviewTemplate` (templates/code_review.md).
(function () {
  'use strict';

  var ctxutil = require('osm:ctxutil');
  var textTemplate = require('osm:text/template');
  var shared = require('osm:sharedStateSymbols');
  var nextIntegerId = require('osm:nextIntegerId');

  var commandName = (typeof config === 'object' && config && config.name) || 'code-review';
  var MODE = 'code-review';

  // Only the shared context items: what is gathered here is visible to the other workflows.
  var definitions = {};
  definitions[shared.contextItems] = {defaultValue: []};
  var state = tui.createState(commandName, definitions);

  var FOCUS_AREAS = [
    ['comments', 'Focus on comment quality and usefulness',
      'Focus on comment quality: Are comments useful and up-to-date? Remove any redundant comments that merely repeat the code. Ensure complex logic is well-explained.'],
    ['docs', 'Focus on documentation completeness',
      'Focus on documentation completeness: Is the code properly documented? Are API changes reflected in documentation? Are usage examples clear and current?'],
    ['tests', 'Focus on test coverage and quality',
      'Focus on test coverage and quality: Are there sufficient tests for new functionality? Do tests cover edge cases? Are test names descriptive?'],
    ['performance', 'Focus on performance implications (review focus)',
      'Focus on performance implications: Are there any performance bottlenecks? Is memory usage optimal? Are algorithms efficient for the expected scale?'],
    ['security', 'Focus on security considerations (review focus)',
      'Focus on security considerations: Are inputs properly validated? Are there any potential security vulnerabilities? Is sensitive data handled correctly?'],
  ];

  function pad(text, width) {
    while (text.length < width) text += ' ';
    return text;
  }

  function focusText(key) {
    for (var i = 0; i < FOCUS_AREAS.length; i++) {
      if (FOCUS_AREAS[i][0] === key) return FOCUS_AREAS[i][2];
    }
    return null;
  }

  function buildPrompt() {
    var contextTxtar = ctxutil.buildContext(state.get(shared.contextItems), {
      toTxtar: function () { return context.toTxtar(); },
    });
    return textTemplate.execute(codeReviewTemplate, {contextTxtar: contextTxtar});
  }

  function buildCommands() {
    var ctxmgr = ctxutil.contextManager({
      getItems: function () { return state.get(shared.contextItems) || []; },
      setItems: function (items) { state.set(shared.contextItems, items); },
      nextIntegerId: nextIntegerId,
      buildPrompt: buildPrompt,
    });
    var base = ctxmgr.commands;

    var commands = Object.assign({}, base, {
      note: Object.assign({}, base.note, {
        usage: 'note [text|--goals]',
        handler: function (argv) {
          if (argv.length === 1 && argv[0] === '--goals') {
            output.print('Pre-written review focus areas:');
            FOCUS_AREAS.forEach(function (area) {
              output.print('  ' + pad('note goal:' + area[0], 23) + '- ' + area[1]);
            });
            return;
          }
          if (argv.length === 1 && argv[0].indexOf('goal:') === 0) {
            var key = argv[0].slice(5);
            var text = focusText(key);
            if (text === null) {
              output.print('Unknown goal type: ' + key);
              output.print("Use 'note --goals' to see available goal types.");
              return;
            }
            var id = ctxmgr.addItem('note', 'review-focus', text);
            output.print('Added goal-based review note [' + id + ']: ' + key);
            return;
          }
          return base.note.handler(argv);
        },
      }),
      show: Object.assign({}, base.show, {description: 'Show the code review prompt'}),
    });

    // Handy from the REPL's JavaScript fallback and for tests.
    globalThis.parseArgv = ctxmgr.parseArgv;
    globalThis.formatArgv = ctxmgr.formatArgv;
    globalThis.items = ctxmgr.getItems;
    globalThis.buildPrompt = ctxmgr.buildPrompt;
    globalThis.commands = commands;
    return commands;
  }

  ctx.run('register-mode', function () {
    tui.registerMode({
      name: MODE,
      tui: {title: 'Code Review', prompt: '(code-review) > '},
      onEnter: function () {
        output.print("Type 'help' for commands. Tip: Try 'note --goals'.");
      },
      commands: buildCommands,
    });
  });

  ctx.run('enter-code-review', function () {
    tui.switchMode(MODE);
  });
})();
