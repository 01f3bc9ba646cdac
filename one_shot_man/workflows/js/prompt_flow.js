// osm prompt-flow: goal + context -> meta-prompt -> task prompt -> final output.
// Phases: INITIAL -> CONTEXT_BUILDING (goal set) -> META_GENERATED (generate)
// -> TASK_PROMPT_SET (use). Globals injected by the command: `config` ({name}), `args`
// and `promptFlowTemplate` (templates/prompt_flow.md).
(function () {
  'use strict';

  var ctxutil = require('osm:ctxutil');
  var textTemplate = require('osm:text/template');
  var shared = require('osm:sharedStateSymbols');
  var nextIntegerId = require('osm:nextIntegerId');

  var NAME = (typeof config === 'object' && config && config.name) || 'prompt-flow';

  var keys = {
    phase: Symbol('phase'),
    goal: Symbol('goal'),
    template: Symbol('template'),
    metaPrompt: Symbol('metaPrompt'),
    taskPrompt: Symbol('taskPrompt'),
  };
  var definitions = {};
  definitions[shared.contextItems] = {defaultValue: []};
  definitions[keys.phase] = {defaultValue: 'INITIAL'};
  definitions[keys.goal] = {defaultValue: ''};
  definitions[keys.template] = {defaultValue: null};
  definitions[keys.metaPrompt] = {defaultValue: ''};
  definitions[keys.taskPrompt] = {defaultValue: ''};
  var state = tui.createState(NAME, definitions);

  var FALLBACK_TEMPLATE = [
    '!! N.B. only statements surrounded by "!!" are _instructions_. !!',
    '',
    '!! Generate a prompt using the template for purposes of achieving the following goal. !!',
    '',
    '!! **GOAL:** !!',
    '{{.goal}}',
    '',
    '!! **IMPLEMENTATIONS/CONTEXT:** !!',
    '{{.contextTxtar}}',
  ].join('\n');

  var PREWRITTEN = [
    ['comment-stripper', 'Remove useless comments and refactor useful ones',
      'Analyze the provided code and remove useless comments while refactoring useful ones according to coding best practices. Remove redundant comments that merely repeat what the code does, but preserve valuable business logic explanations, performance considerations, and complex algorithm documentation. Ensure the cleaned code maintains all functionality while improving readability.'],
    ['doc-generator', 'Generate comprehensive documentation for code',
      'Generate comprehensive documentation for the provided code including API documentation, usage examples, configuration guides, and developer notes. Create clear, well-structured documentation that helps users understand and effectively use the code.'],
    ['test-generator', 'Generate comprehensive test suites',
      'Generate comprehensive test suites for the provided code including unit tests, integration tests, and edge case coverage. Create thorough tests that verify functionality, handle error conditions, and provide good code coverage while following testing best practices.'],
    ['document-refiner', 'Refine an existing document based on feedback',
      '**WITHOUT** unduly changing the meaning of the attached document,\n\n' +
      '**WITHOUT** fabricating information, making undue or possibly-questionable assumptions,\n\n' +
      '**AVOIDING** corrective antithesis ("not X, but Y"),\n\n' +
      'Conservatively restructure the document, based on the feedback provided in the attached notes.\n\n' +
      'Take into consideration that the attached notes will be present in the context.'],
  ];

  function defaultTemplate() {
    return typeof promptFlowTemplate === 'string' && promptFlowTemplate !== '' ? promptFlowTemplate : FALLBACK_TEMPLATE;
  }

  function pad(text, width) {
    while (text.length < width) text += ' ';
    return text;
  }

  function get(key) { return state.get(keys[key]); }
  function set(key, value) { state.set(keys[key], value); }

  function setGoal(text) {
    set('goal', text);
    if (String(text || '').trim() !== '' && get('phase') === 'INITIAL') set('phase', 'CONTEXT_BUILDING');
  }

  function currentTemplate() {
    var t = get('template');
    return t === null || t === undefined || t === '' ? defaultTemplate() : t;
  }

  function contextText() {
    return ctxutil.buildContext(state.get(shared.contextItems), {
      toTxtar: function () { return context.toTxtar(); },
    });
  }

  function metaPromptNow() {
    return textTemplate.execute(currentTemplate(), {goal: get('goal'), contextTxtar: contextText()});
  }

  function finalOutput() {
    var parts = [];
    var task = get('taskPrompt');
    if (task) parts.push(String(task).trim());
    parts.push('\n---\n## IMPLEMENTATIONS/CONTEXT\n---\n');
    parts.push(contextText());
    return parts.join('\n');
  }

  function preview(text) {
    return text.substring(0, 80) + (text.length > 80 ? '...' : '');
  }

  function buildCommands() {
    var ctxmgr = ctxutil.contextManager({
      getItems: function () { return state.get(shared.contextItems) || []; },
      setItems: function (items) { state.set(shared.contextItems, items); },
      nextIntegerId: nextIntegerId,
      buildPrompt: function () {
        return get('phase') === 'TASK_PROMPT_SET' ? finalOutput() : get('metaPrompt');
      },
    });
    var base = ctxmgr.commands;

    function editGoal() {
      var before = get('goal');
      var after = ctxmgr.openEditor('goal', before);
      if (after && after !== before) {
        setGoal(after);
        output.print('Goal updated.');
      }
    }

    function editTemplate() {
      var before = currentTemplate();
      var after = ctxmgr.openEditor('template', before);
      if (after && after !== before) {
        set('template', after);
        output.print('Template updated.');
      }
    }

    globalThis.__promptFlowTestHooks = {
      withState: function (callback) {
        if (typeof callback !== 'function') return;
        callback({state: state, stateKeys: Object.assign({}, keys, {contextItems: shared.contextItems})});
      },
    };

    return Object.assign({}, base, {
      goal: {
        description: 'Set or edit the goal',
        usage: 'goal [text|--prewritten]',
        handler: function (argv) {
          if (argv.length === 1 && argv[0] === '--prewritten') {
            output.print('Available pre-written goals:');
            PREWRITTEN.forEach(function (g) { output.print('  ' + pad(g[0], 19) + '- ' + g[1]); });
            output.print('');
            output.print('Usage: goal use:<goal-name> to use a pre-written goal');
            return;
          }
          if (argv.length === 1 && argv[0].indexOf('use:') === 0) {
            var name = argv[0].slice(4);
            for (var i = 0; i < PREWRITTEN.length; i++) {
              if (PREWRITTEN[i][0] === name) {
                setGoal(PREWRITTEN[i][2]);
                output.print("Pre-written goal '" + name + "' set successfully.");
                return;
              }
            }
            output.print('Unknown pre-written goal: ' + name);
            return;
          }
          var text = ctxutil.restOfLine(argv);
          if (text === '') { editGoal(); return; }
          setGoal(text);
          output.print('Goal set.');
        },
      },
      template: {
        description: 'Set or edit the meta-prompt template',
        usage: 'template <edit>',
        handler: function (argv) {
          if (argv.length === 0 || argv[0] === 'edit') { editTemplate(); return; }
          output.print('Usage: template [edit]');
        },
      },
      generate: {
        description: 'Generate the meta-prompt (phase: CONTEXT_BUILDING -> META_GENERATED)',
        usage: 'generate',
        handler: function () {
          if (String(get('goal') || '').trim() === '') {
            output.print("Error: Please set a goal first using the 'goal' command.");
            return;
          }
          set('phase', 'CONTEXT_BUILDING');
          set('metaPrompt', metaPromptNow());
          set('taskPrompt', '');
          set('phase', 'META_GENERATED');
          output.print("Meta-prompt generated. You can 'show meta', 'copy meta', or provide the task prompt with 'use'.");
        },
      },
      use: {
        description: 'Set the task prompt (phase: META_GENERATED -> TASK_PROMPT_SET)',
        usage: 'use [text...]',
        handler: function (argv) {
          var phase = get('phase');
          if (phase !== 'META_GENERATED' && phase !== 'TASK_PROMPT_SET') {
            output.print("Please generate the meta-prompt first using 'generate'.");
            return;
          }
          var text = argv.length ? ctxutil.restOfLine(argv) : ctxmgr.openEditor('task-prompt', get('taskPrompt'));
          var trimmed = String(text || '').trim();
          if (trimmed === '') {
            output.print('Task prompt not set (no content provided).');
            return;
          }
          set('taskPrompt', trimmed);
          set('phase', 'TASK_PROMPT_SET');
          output.print("Task prompt set. Use 'show' or 'copy' to get the final prompt.");
        },
      },
      list: Object.assign({}, base.list, {
        handler: function (argv) {
          var phase = get('phase');
          output.print('Phase: ' + phase);
          var goal = get('goal');
          if (goal) output.print('[goal] ' + goal);
          if (get('template') !== null) output.print('[template] set');
          if (phase === 'META_GENERATED' || phase === 'TASK_PROMPT_SET') {
            var meta = get('metaPrompt');
            if (meta) output.print('[meta] ' + preview(meta));
          }
          if (phase === 'TASK_PROMPT_SET') {
            var task = get('taskPrompt');
            if (task) output.print('[prompt] ' + preview(task));
          }
          output.print('');
          base.list.handler(argv);
        },
      }),
      edit: Object.assign({}, base.edit, {
        usage: 'edit <goal|template|meta|prompt|id>',
        handler: function (argv) {
          if (argv.length === 0) {
            output.print('Usage: edit <goal|template|meta|prompt|id>');
            return;
          }
          var target = argv[0];
          if (target === 'goal') { editGoal(); return; }
          if (target === 'template') { editTemplate(); return; }
          if (target === 'meta') {
            var phase = get('phase');
            if (phase === 'INITIAL' || phase === 'CONTEXT_BUILDING') {
              output.print("Error: Meta-prompt not generated yet. Use 'generate' first.");
              return;
            }
            var beforeMeta = get('metaPrompt');
            var afterMeta = ctxmgr.openEditor('meta-prompt', beforeMeta);
            if (afterMeta && afterMeta !== beforeMeta) {
              set('metaPrompt', afterMeta);
              output.print('Meta-prompt updated.');
            }
            return;
          }
          if (target === 'prompt') {
            if (get('phase') !== 'TASK_PROMPT_SET') {
              output.print("Error: Task prompt not set yet. Use 'use' first.");
              return;
            }
            var before = get('taskPrompt');
            var after = String(ctxmgr.openEditor('task-prompt', before) || '').trim();
            if (after === '') {
              output.print('Task prompt not updated (no content provided).');
              return;
            }
            if (after !== before) {
              set('taskPrompt', after);
              output.print('Task prompt updated.');
            }
            return;
          }
          base.edit.handler(argv);
        },
      }),
      show: {
        description: 'Show meta, task prompt, or final output',
        usage: 'show [meta|prompt]',
        handler: function (argv) {
          var target = argv[0] || '';
          if (target === 'meta') { output.print(get('metaPrompt')); return; }
          if (target === 'prompt') { output.print(get('taskPrompt')); return; }
          base.show.handler([]);
        },
      },
      copy: {
        description: 'Copy meta, task prompt, or final output to clipboard',
        usage: 'copy [meta|prompt]',
        handler: function (argv) {
          var target = argv[0] || '';
          var text, label;
          if (target === 'meta') {
            text = get('metaPrompt'); label = 'Meta prompt';
          } else if (target === 'prompt') {
            text = get('taskPrompt'); label = 'Task prompt';
          } else if (get('phase') === 'TASK_PROMPT_SET') {
            text = finalOutput(); label = 'Final output';
          } else {
            text = get('metaPrompt'); label = 'Meta prompt';
          }
          try {
            output.print(ctxutil.copySummary(text, ctxmgr.clipboardCopy(text), label));
          } catch (e) {
            output.print('Clipboard error: ' + (e && e.message ? e.message : e));
          }
        },
      },
      // Runs after the shell's general help.
      help: {
        handler: function () {
          output.print('\nCommands: goal, add, diff, note, list, edit, remove, template, generate, use, show [meta|prompt], copy [meta|prompt], help, exit\n' +
            "Tip: Use 'goal --prewritten' to see available pre-written goals");
        },
      },
    });
  }

  ctx.run('register-mode', function () {
    tui.registerMode({
      name: NAME,
      tui: {title: 'Prompt Flow', prompt: '(prompt-flow) > '},
      onEnter: function () {
        if (get('template') === null) set('template', defaultTemplate());
        output.print("Type 'help' for commands. Tip: Try 'goal --prewritten'.");
      },
      commands: buildCommands,
    });
  });

  ctx.run('enter-flow', function () {
    tui.switchMode(NAME);
  });
})();
