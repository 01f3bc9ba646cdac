// osm goal interpreter: turns one goal definition (GOAL_CONFIG, prepended by `osm goal`)
// into a REPL mode whose commands gather context and whose prompt comes from the goal's
// templates. Every goal, built-in or user file, runs through this one script.
(function () {
  'use strict';

  if (typeof GOAL_CONFIG === 'undefined') {
    throw new Error('GOAL_CONFIG not defined - this script must be called with configuration from Go');
  }

  var goal = GOAL_CONFIG;
  var title = goal.tuiTitle || goal.name;
  var ctxutil = require('osm:ctxutil');
  var textTemplate = require('osm:text/template');
  var shared = require('osm:sharedStateSymbols');
  var nextIntegerId = require('osm:nextIntegerId');

  // --- state: the shared context items plus one persisted value per stateVars key -----------
  var stateKeys = {contextItems: shared.contextItems};
  var definitions = {};
  definitions[shared.contextItems] = {defaultValue: []};
  var vars = goal.stateVars || {};
  Object.keys(vars).forEach(function (key) {
    if (Object.prototype.hasOwnProperty.call(stateKeys, key)) {
      throw new Error('State key collision: ' + key);
    }
    var sym = Symbol('goal:' + goal.name + '/' + key);
    stateKeys[key] = sym;
    definitions[sym] = {defaultValue: vars[key]};
  });
  var state = tui.createState(goal.name, definitions);

  var helpers = {
    upper: function (s) { return String(s).toUpperCase(); },
  };

  function compile(name, text) {
    return textTemplate.new(name).funcs(helpers).parse(text);
  }

  // Custom templates are parsed now, so a broken goal file fails when it is loaded.
  var bannerTemplate = goal.bannerTemplate ? compile('bannerTemplate', goal.bannerTemplate) : null;
  var usageTemplate = goal.usageTemplate ? compile('usageTemplate', '\n' + goal.usageTemplate) : null;

  var SUFFIX = 'Instructions';

  function templateData() {
    var values = {};
    Object.keys(stateKeys).forEach(function (key) {
      values[key] = state.get(stateKeys[key]);
    });
    var data = {
      description: goal.description || '',
      contextHeader: goal.contextHeader || 'CONTEXT',
      stateKeys: values,
      promptOptions: goal.promptOptions === undefined ? null : goal.promptOptions,
      tuiTitle: title,
      notableVariables: goal.notableVariables || [],
    };
    // `<x>Instructions: {<value>: text}` in promptOptions selects the text for state x's
    // current value and exposes it as {{.<x>Instructions}}.
    var options = goal.promptOptions;
    if (options !== null && typeof options === 'object') {
      Object.keys(options).forEach(function (key) {
        if (key.length <= SUFFIX.length || key.slice(-SUFFIX.length) !== SUFFIX) return;
        var table = options[key];
        if (table === null || typeof table !== 'object') return;
        var stateName = key.slice(0, -SUFFIX.length);
        if (!Object.prototype.hasOwnProperty.call(values, stateName)) return;
        var current = values[stateName];
        if (typeof current !== 'string' || current === '') return;
        if (!Object.prototype.hasOwnProperty.call(table, current)) return;
        var text = table[current];
        if (typeof text === 'string' && text !== '') data[key] = text;
      });
    }
    return data;
  }

  function buildPrompt() {
    var data = templateData();
    data.contextTxtar = ctxutil.buildContext(state.get(shared.contextItems), {
      toTxtar: function () { return context.toTxtar(); },
    });
    data.promptInstructions = compile('instructions', goal.promptInstructions || '').execute(data);
    return compile('goal', goal.promptTemplate || '').execute(data);
  }

  var ctxmgr = ctxutil.contextManager({
    getItems: function () { return state.get(shared.contextItems) || []; },
    setItems: function (items) { state.set(shared.contextItems, items); },
    nextIntegerId: nextIntegerId,
    buildPrompt: buildPrompt,
  });

  // --- default banner: one line when it fits in 120 bytes, else one line per variable ------
  function goText(v) {
    // How Go's text/template prints a value.
    if (v === null || v === undefined) return '<no value>';
    if (Array.isArray(v)) return '[' + v.map(goText).join(' ') + ']';
    if (typeof v === 'object') {
      return 'map[' + Object.keys(v).sort().map(function (k) { return k + ':' + goText(v[k]); }).join(' ') + ']';
    }
    return String(v);
  }

  function utf8Length(s) {
    var n = 0;
    for (var i = 0; i < s.length; i++) {
      var c = s.charCodeAt(i);
      if (c < 0x80) n += 1;
      else if (c < 0x800) n += 2;
      else if (c >= 0xd800 && c <= 0xdbff) { n += 4; i++; }
      else n += 3;
    }
    return n;
  }

  function defaultBanner(data) {
    var pairs = data.notableVariables.map(function (name) {
      var value = data.stateKeys[name];
      // An unset variable reads `(not set)` (Go printed text/template's `<no value>`).
      return name + '=' + (value === null || value === undefined ? '(not set)' : goText(value));
    });
    var line = pairs.length ? '=== ' + title + ': ' + pairs.join(' ') + ' ===' : '=== ' + title + ' ===';
    if (utf8Length(line) <= 120) return line + '\nType \'help\' for commands.';
    var lines = ['=== ' + title + ' ==='];
    pairs.forEach(function (p) { lines.push('  ' + p); });
    return lines.join('\n') + '\nType \'help\' for commands.';
  }

  function printBanner() {
    var data = templateData();
    output.print(bannerTemplate ? bannerTemplate.execute(data) : defaultBanner(data));
  }

  function help() {
    if (usageTemplate) output.print(usageTemplate.execute(templateData()));
  }

  // --- commands ------------------------------------------------------------------------------
  var SCOPE = ['output', 'tui', 'ctxmgr', 'state', 'stateKeys', 'buildPrompt'];
  var FUNCTION_EXPR = /^(async\s+)?function\b/;
  var ARROW_EXPR = /^(\([^)]*\)|[A-Za-z_$][\w$]*)\s*=>/;

  function makeHandler(source) {
    if (typeof source !== 'string' || source.trim() === '') {
      throw new Error('handler is missing');
    }
    var code = source.trim();
    var scope = [output, tui, ctxmgr, state, stateKeys, buildPrompt];
    if (FUNCTION_EXPR.test(code) || ARROW_EXPR.test(code)) {
      // A function expression keeps its own parameter names; it sees the goal's scope.
      var fn = new Function(SCOPE.join(','), 'return (' + code + '\n);').apply(null, scope);
      if (typeof fn !== 'function') throw new Error('handler is not a function');
      return function (args) { return fn.call(this, args); };
    }
    // Otherwise the source is a function body with `args` in scope.
    var body = new Function(['args'].concat(SCOPE).join(','), code);
    return function (args) { return body.apply(this, [args].concat(scope)); };
  }

  function buildCommands() {
    var commands = {help: {handler: help}};
    (goal.commands || []).forEach(function (spec) {
      if (spec === null || typeof spec !== 'object') return;
      if (spec.type === 'contextManager') {
        var base = ctxmgr.commands[spec.name];
        if (!base) return;
        commands[spec.name] = spec.description ? Object.assign({}, base, {description: spec.description}) : base;
      } else if (spec.type === 'custom') {
        try {
          commands[spec.name] = {
            description: spec.description || '',
            usage: spec.usage || '',
            argCompleters: spec.argCompleters || [],
            handler: makeHandler(spec.handler),
          };
        } catch (e) {
          output.print('Error creating handler for command ' + spec.name + ': ' + e);
        }
      }
      // 'help' entries are accepted for compatibility: help is always the first command.
    });
    return commands;
  }

  ctx.run('register-mode', function () {
    tui.registerMode({
      name: goal.name,
      tui: {title: title, prompt: goal.tuiPrompt || '> '},
      onEnter: printBanner,
      commands: buildCommands,
    });
  });
})();
