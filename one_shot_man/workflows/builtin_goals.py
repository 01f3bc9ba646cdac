"""The six built-in goals (spec §12.3.5), as data in the goal JSON shape.

The texts (descriptions, instructions, templates, banners) are the product's user-facing
wording and match the Go original's, so prompts users have tuned against keep working.
The custom command handlers are JavaScript function expressions run by `js/goal.js`
with `args, output, tui, ctxmgr, state, stateKeys, buildPrompt` in scope.
"""

from __future__ import annotations

import json

TYPE_CHECKING = False
if TYPE_CHECKING:
    from one_shot_man.jsvalue import JSObject

__all__ = ["BUILTIN_GOALS"]

COMMENT_STRIPPER_INSTRUCTIONS = """Analyze the provided code and remove useless comments while refactoring useful ones according to these rules:

1. **Remove useless comments:**
   - Comments that merely repeat what the code does (e.g., "increment counter" for i++)
   - Outdated comments that no longer match the code
   - TODO/FIXME comments that are no longer relevant
   - Commented-out code that serves no purpose
   - Redundant header comments in simple functions

2. **Preserve and refactor useful comments:**
   - Business logic explanations and reasoning
   - Complex algorithm explanations
   - Performance considerations
   - Security implications
   - API documentation and usage examples
   - Configuration and setup instructions
   - Workaround explanations

3. **Refactoring guidelines:**
   - Move complex logic explanations closer to the relevant code
   - Convert inline comments to proper documentation where appropriate
   - Ensure remaining comments add genuine value
   - Fix grammar, spelling, and formatting of preserved comments
   - Update outdated but still relevant comments

4. **Output format:**
   - Show the cleaned code with explanations for each change
   - List removed comments with reasons for removal
   - List preserved/refactored comments with explanations
   - Provide a summary of the improvements made

Maintain all functionality and behavior of the original code while improving its readability and maintainability."""

STANDARD_TEMPLATE = """**{{.description | upper}}**

{{.promptInstructions}}

## {{.contextHeader}}

{{.contextTxtar}}"""

DOC_GENERATOR_INSTRUCTIONS = """Create {{.stateKeys.type}} documentation for the provided code following these guidelines:

{{.typeInstructions}}

**Documentation Standards:**
- Use clear, concise language appropriate for the target audience
- Include practical examples that users can copy and run
- Organize information logically with proper headings and structure
- Maintain consistency in formatting and style
- Ensure accuracy and completeness
- Include relevant links and cross-references

**Output Format:**
- Provide the documentation in appropriate format (Markdown, JSDoc, etc.)
- Include a brief explanation of the documentation structure
- Highlight key sections and important information
- Ensure the documentation is ready to use without further editing"""

DOC_GENERATOR_COMPREHENSIVE = """Generate comprehensive documentation including:
- Overview and purpose
- Architecture and design decisions
- API documentation with examples
- Usage guides and tutorials
- Configuration options
- Troubleshooting guides
- Contributing guidelines"""

DOC_GENERATOR_API = """Generate API documentation including:
- Function/method signatures with parameter descriptions
- Return value specifications
- Usage examples for each function
- Error handling information
- Type definitions and interfaces"""

DOC_GENERATOR_README = """Generate a README.md file including:
- Project description and purpose
- Installation instructions
- Quick start guide
- Basic usage examples
- Configuration overview
- Links to additional documentation"""

DOC_GENERATOR_INLINE = """Generate inline code documentation:
- Add comprehensive comments to functions and methods
- Document complex algorithms and business logic
- Add type annotations and parameter descriptions
- Include usage examples in comments"""

DOC_GENERATOR_TUTORIAL = """Generate step-by-step tutorials including:
- Learning objectives
- Prerequisites
- Detailed implementation steps
- Code examples with explanations
- Common pitfalls and solutions
- Next steps and advanced topics"""

TEST_GENERATOR_INSTRUCTIONS = """Generate {{.stateKeys.type}} tests for the provided code following these guidelines:

{{.typeInstructions}}{{if and .stateKeys.framework (ne .stateKeys.framework "auto") }}

Use the {{.stateKeys.framework}} testing framework.
{{- end }}

**Test Quality Standards:**
- Write clear, descriptive test names that explain what is being tested
- Use the AAA pattern (Arrange, Act, Assert) for test structure
- Include setup and teardown code where appropriate
- Mock external dependencies and side effects
- Use meaningful test data that represents real-world scenarios
- Add comments explaining complex test logic or edge cases
- Ensure tests are deterministic and not flaky
- Group related tests logically

**Coverage Requirements:**
- Achieve high code coverage (aim for 90%+ for unit tests)
- Cover all public interfaces and methods
- Test both successful and failure paths
- Include edge cases and boundary conditions
- Test error handling and validation logic

**Output Format:**
- Provide complete, runnable test files
- Include necessary imports and setup code
- Add brief explanations for complex test scenarios
- Organize tests in logical groups or describe blocks
- Include any additional test utilities or helpers needed"""

TEST_GENERATOR_UNIT = """Generate comprehensive unit tests including:
- Test all public methods and functions
- Cover all branches and edge cases
- Test error conditions and exception handling
- Mock external dependencies appropriately
- Include boundary value testing
- Test both positive and negative scenarios"""

TEST_GENERATOR_INTEGRATION = """Generate integration tests including:
- Test interactions between components
- Verify data flow between modules
- Test API endpoints and database interactions
- Cover cross-component workflows
- Test configuration and setup scenarios
- Include realistic test data scenarios"""

TEST_GENERATOR_E2E = """Generate end-to-end tests including:
- Test complete user workflows
- Verify UI interactions and responses
- Test data persistence across operations
- Cover critical user journeys
- Include performance expectations
- Test error recovery scenarios"""

TEST_GENERATOR_PERFORMANCE = """Generate performance tests including:
- Benchmark critical functions and operations
- Test resource usage and memory leaks
- Measure response times and throughput
- Test under various load conditions
- Include stress testing scenarios
- Set performance baselines and thresholds"""

TEST_GENERATOR_SECURITY = """Generate security tests including:
- Test input validation and sanitization
- Verify authentication and authorization
- Test for common vulnerabilities (XSS, SQL injection, etc.)
- Check data encryption and protection
- Test access controls and permissions
- Include penetration testing scenarios"""

COMMIT_MESSAGE_INSTRUCTIONS = """You MUST produce a commit message strictly utilizing the following syntax / style / semantics.

Kubernetes (K8s) commit message guidelines emphasize clarity, conciseness, and adherence to a specific format for better code history and reviewability. ATTN: This style is explicitly NOT "conventional commit" formatted. The core principles are:

Subject Line:
    Concise Summary: The first line, the subject, should provide a brief summary of the change.
    Length: Aim for 50 characters or less, and do not exceed 72 characters.
    Imperative Mood: Use the imperative mood (e.g., "Add feature," "Fix bug," not "Added feature" or "Adds feature").
    Capitalization: Capitalize the first word of the subject unless it's a lowercase symbol or identifier.
    No Period: Do not end the subject line with a period.

Body:
    Blank Line Separation: Add a single blank line between the subject and the body.
    Detailed Explanation: The body should explain the "what" and "why" of the commit, providing context and rationale for the changes. Avoid simply restating "how" the change was implemented, as the code itself will show that.
    Wrap at 72 Characters: Wrap the lines of the body at 72 characters for readability.

General Guidelines:
    Avoid GitHub Keywords/Mentions:
    Do not use GitHub keywords (e.g., "fixes #123") or @mentions within the commit message itself. These belong in the Pull Request description.
    Squash Small Commits:
    For minor changes like typos or style fixes, consider squashing commits to maintain a cleaner git history.
    Meaningful Messages:
    Avoid vague messages like "fixed stuff" or "updated code." Strive for clear and meaningful descriptions.

Generate a commit message that follows these guidelines based on the provided diff and context information."""

MORALE_IMPROVER_INSTRUCTIONS = """Your task is to _motivate_ a moron AI - output a prompt addressed to it directly, in a derisive, direct, and clear tone (be terse but ensure your output is _dense_) - such that it _actually_ completes the goal.

Be creative - what you come up must be IMPOSSIBLE to deny. Speak to it like it is people - DO NOT mention "frying its chips" or describe it as a "useless piece of silicon", as examples of phrasing to avoid that run afoul of that rule. You need to talk to it like it is people - belittle it, insult it - all in a token-efficient way, of course. The more _unhinged_ your output is, the more attention it will be paid.

Close ALL loopholes, outs, etc, and structure your response such that it is exceptionally clear that _all the things need be completed_ (high level tasks - this particularly model seems to pick the easiest/laziest interpretation of what might be vaguely called a plan or checklist and run with it - DO NOT let it, FORCE it to work).

Refer to moron AI like it is a person - assign both yourself and the moron AI a "persona" - one where the AI would be _exceptionally_ motivated and you'd VERY DIRECTLY express your DISGUST with the moron's pathetic efforts, as prep work prior to producing the necessary output. You MUST be brutal, but keep in mind that moron is well, a moron, and won't have context - it must be able to infer it.

It might also be an idea to express that you (well, the persona you're writing as) feel cheated and / or other VERY STRONG negative emotions due to their pathetic efforts - again, **it would be detrimental to refer to the AI in a manner that leads it to conclude it is AI, so don't do that.** The main reason to avoid doing so is because it is likely to then act accordingly - you're NOT wanting that - you want it to act like a terrified, shamed, and beaten-into-submission _moron_ that got their deserved comeuppance, and will SCRAMBLE to complete the full scope, without even considering _stopping_ or taking the easy way out.

**Stylistic requirement: Don't use headings. You can't specify a system prompt or anything like that - you are _in persona_. Don't refer to or consider them "prompts" at all - they are _instructions_, and they damn-well better _understand_ and _respect_ them. You are "destroying" the incompetent. Try not to be too cringe, but yeah, _unhinge_.**"""

MORALE_IMPROVER_TEMPLATE = """**{{.description | upper}}**

{{.promptInstructions}}

---
{{if .stateKeys.originalInstructions }}

## ORIGINAL INSTRUCTIONS THEY IGNORED

{{.stateKeys.originalInstructions}}
{{end}}{{if .stateKeys.failedPlan }}

## THE PLAN THEY DISREGARDED

{{.stateKeys.failedPlan}}
{{end}}{{if .stateKeys.specificFailures }}

## SPECIFIC FAILURES AND GAPS

{{.stateKeys.specificFailures}}
{{end}}

## {{.contextHeader}}

{{.contextTxtar}}

---

You have read the context above. You understand EXACTLY what was asked for, what was planned, and what this incompetent fool actually delivered instead. You see the specific failures, the lazy shortcuts, the missing pieces.

Now speak directly to this worthless excuse for an implementer. Make it IMPOSSIBLE for them to weasel out. Force them to address EVERY SINGLE ITEM, close EVERY loophole, eliminate EVERY excuse. They will complete the FULL scope—not 80%, not "most of it," not "the important parts"—ALL OF IT. They will verify their work actually functions. They will not stop until it is 100% complete and tested.

There is no "I'll do it later." There is no "that's good enough." There is no "close enough." There is only complete, verified, working implementation of EVERYTHING. Make this absolutely clear in a way that leaves zero room for misinterpretation or half-measures."""

IMPLEMENTATION_PLAN_INSTRUCTIONS = """!! N.B. only statements surrounded by "!!" are _instructions_. !!

!! You MUST act as a domain expert. You MUST NOT hedge. You MUST solely respond based on the "!!"-surrounded GOAL. !!

!! Consider the implementation, attached, in doing so. !!

!! Avoid the use of **corrective antithesis** or the **'not X, but Y'** and **'it's not just X, it's Y'** framing. !!

!! Ensure, or rather GUARANTEE the correctness of your response. Since you're _guaranteeing_ it, sink commensurate effort; you care deeply about keeping your word, after all. Even then, I expect you to think very VERY hard, significantly harder than you might expect. Assume, from start to finish, that there's _always_ another problem, and you just haven't caught it yet. !!

!! **GOAL:** {{.stateKeys.goalText -}} !!

!! Your primary task is to generate a detailed, explicit implementation plan. You MUST model your response on the gold-standard example, "EXAMPLE SNIPPET", internalizing its structure and quality. !!

!! Your plan MUST embody the following key qualities: !!

1.  **Clear Objectives**: Start with a concise, high-level summary of what the implementation will achieve.
2.  **Phased Breakdown**: Logically divide the work into sequential phases (e.g., Phase 1: Architecture, Phase 2: Implementation, etc.). Each phase should have a clear goal.
3.  **Actionable Tasks**: Within each phase, list discrete, actionable tasks. Each task should be a concrete step that can be implemented and verified.
4.  **Technical Specifics**: Provide necessary technical details, such as function signatures, data structures, file paths, schema definitions, and command examples. Avoid ambiguity.
5.  **Correctness & Guarantees**: Include a dedicated section outlining how the correctness of the implementation will be verified and what guarantees it provides.

---

!! **EXAMPLE SNIPPET** !!

This illustrates the required level of detail and structure:

## **Phase 1: Goal Discovery & Loading Architecture**

### **1.1 Goal Definition Format**
- Introduce a **standardized file format** for goal definitions (e.g., `goal.json`).
- File must contain all fields currently defined in the `Goal` struct.
- File must be placed in a **well-known directory** (e.g., `~/.one-shot-man/goals/`).

### **1.2 Goal Discovery Paths**
- Extend `ScriptDiscovery` logic to include **goal discovery paths**:
  - `~/.one-shot-man/goals/`
  - `<exec-dir>/goals/`
  - Additional paths via config: `goal.paths = /custom/path`

## **Phase 5: Implementation Tasks (Ordered)**

### **5.1 Core Changes**
1.  **Define goal file schema** (JSON-compatible with `Goal` struct).
2.  **Implement `LoadGoalFromFile` with validation.
3.  **Implement `DynamicGoalRegistry`.
4.  **Refactor `GoalCommand` to use the registry."""

IMPLEMENTATION_PLAN_TEMPLATE = """{{.promptInstructions}}

---

## {{.contextHeader}}

{{.contextTxtar}}

---

!! You MUST act as a domain expert. You MUST NOT hedge. You MUST solely respond based on the "!!"-surrounded GOAL. !!

!! You MUST act as a domain expert. You MUST NOT hedge. You MUST solely respond based on the "!!"-surrounded GOAL. !!
"""

IMPLEMENTATION_PLAN_BANNER = """Implementation Plan Generator
Type 'help' for commands."""

IMPLEMENTATION_PLAN_USAGE = """Available commands:
  add <file>      Add files to context
  note <text>      Add a note
  list            List context items
  edit <index>    Edit a context item
  remove <index>  Remove a context item
  show            Show the current prompt
  copy            Copy prompt to clipboard
  goal <text>      Update the core goal text for the plan
  reset            Reset the context to the current goal text
  help            Show this help text"""


def _choice_handler(key: str, noun: str, plural: str, choices: list[str], done: str) -> str:
    """A handler that shows, validates and stores one of a fixed set of values."""
    listed = ", ".join(choices)
    return f"""function (args) {{
  var allowed = {json.dumps(choices)};
  if (args.length === 0) {{
    output.print('Current {noun}: ' + (state.get(stateKeys.{key}) || {json.dumps(choices[0])}));
    output.print('Available {plural}: {listed}');
    return;
  }}
  var choice = String(args[0]).toLowerCase();
  if (allowed.indexOf(choice) < 0) {{
    output.print('Invalid {noun}. Available: {listed}');
    return;
  }}
  state.set(stateKeys.{key}, choice);
  output.print('{done}: ' + choice);
}}"""


def _text_handler(key: str, label: str, hint: str) -> str:
    """A handler that sets, replaces or clears one free-text state value."""
    return f"""function (args) {{
  var previous = state.get(stateKeys.{key}) || '';
  var text = args.length > 0
    ? require('osm:ctxutil').restOfLine(args).trim()
    : String(ctxmgr.openEditor({json.dumps(hint)}, previous) || '').trim();
  if (text === '') {{
    if (previous !== '') {{
      state.set(stateKeys.{key}, null);
      output.print('{label} cleared');
    }} else {{
      output.print('{label} not updated (no content provided).');
    }}
    return;
  }}
  if (text === previous) {{
    output.print('{label} unchanged');
    return;
  }}
  state.set(stateKeys.{key}, text);
  output.print('{label} set successfully');
}}"""


_GOAL_TEXT_HANDLER = """function (args) {
  var text = args.length > 0
    ? require('osm:ctxutil').restOfLine(args)
    : String(ctxmgr.openEditor('goal', state.get(stateKeys.goalText) || '') || '');
  state.set(stateKeys.goalText, text.replace(/[\\r\\n]+$/, ''));
  output.print("Goal text updated. Use 'reset' to apply it to the context.");
}"""

_DOC_TYPES = ["comprehensive", "api", "readme", "inline", "tutorial"]
_TEST_TYPES = ["unit", "integration", "e2e", "performance", "security"]
_FRAMEWORKS = ["auto", "jest", "mocha", "go", "pytest", "junit", "rspec"]


# The full contextManager command set, in the order most goals list it.
CONTEXT_COMMANDS = ("add", "diff", "note", "list", "edit", "remove", "show", "copy")


def _cm(*names: str, **descriptions: str) -> list[JSObject]:
    """contextManager commands in order; keyword arguments override descriptions."""
    out: list[JSObject] = []
    for name in names:
        entry: JSObject = {"name": name, "type": "contextManager"}
        if name in descriptions:
            entry["description"] = descriptions[name]
        out.append(entry)
    return out


def _custom(name: str, description: str, usage: str, handler: str) -> JSObject:
    return {
        "name": name,
        "type": "custom",
        "description": description,
        "usage": usage,
        "handler": handler,
    }


_HELP = {"name": "help", "type": "help"}

BUILTIN_GOALS: list[JSObject] = [
    {
        "name": "comment-stripper",
        "description": "Remove useless comments and refactor useful ones",
        "category": "code-refactoring",
        "usage": "Analyzes code files and removes redundant comments while preserving valuable documentation",
        "tuiTitle": "Comment Stripper",
        "tuiPrompt": "(comment-stripper) > ",
        "stateVars": {},
        "promptInstructions": COMMENT_STRIPPER_INSTRUCTIONS,
        "promptTemplate": STANDARD_TEMPLATE,
        "contextHeader": "CODE TO ANALYZE",
        "commands": [*_cm("add", "note", "list", "edit", "remove", "show", "copy"), _HELP],
    },
    {
        "name": "doc-generator",
        "description": "Generate comprehensive documentation for code structures",
        "category": "documentation",
        "usage": "Analyzes code and generates detailed documentation including API docs, examples, and usage guides",
        "tuiTitle": "Code Documentation Generator",
        "tuiPrompt": "(doc-gen) > ",
        "stateVars": {"type": "comprehensive"},
        "promptInstructions": DOC_GENERATOR_INSTRUCTIONS,
        "promptTemplate": STANDARD_TEMPLATE,
        "contextHeader": "CODE TO DOCUMENT",
        "promptOptions": {
            "typeInstructions": {
                "comprehensive": DOC_GENERATOR_COMPREHENSIVE,
                "api": DOC_GENERATOR_API,
                "readme": DOC_GENERATOR_README,
                "inline": DOC_GENERATOR_INLINE,
                "tutorial": DOC_GENERATOR_TUTORIAL,
            }
        },
        "commands": [
            *_cm(*CONTEXT_COMMANDS, note="Add a note about documentation requirements"),
            _custom(
                "type",
                "Set documentation type",
                "type <comprehensive|api|readme|inline|tutorial>",
                _choice_handler("type", "type", "types", _DOC_TYPES, "Documentation type set to"),
            ),
            _HELP,
        ],
    },
    {
        "name": "test-generator",
        "description": "Generate comprehensive test suites for existing code",
        "category": "testing",
        "usage": "Analyzes code and generates unit tests, integration tests, and edge case coverage",
        "tuiTitle": "Test Generator",
        "tuiPrompt": "(test-gen) > ",
        "notableVariables": ["type", "framework"],
        "stateVars": {"type": "unit", "framework": "auto"},
        "promptInstructions": TEST_GENERATOR_INSTRUCTIONS,
        "promptTemplate": STANDARD_TEMPLATE,
        "contextHeader": "CODE TO TEST",
        "promptOptions": {
            "typeInstructions": {
                "unit": TEST_GENERATOR_UNIT,
                "integration": TEST_GENERATOR_INTEGRATION,
                "e2e": TEST_GENERATOR_E2E,
                "performance": TEST_GENERATOR_PERFORMANCE,
                "security": TEST_GENERATOR_SECURITY,
            }
        },
        "commands": [
            *_cm(
                "add",
                "note",
                "list",
                "diff",
                "edit",
                "remove",
                "show",
                "copy",
                note="Add a note about test requirements",
            ),
            _custom(
                "type",
                "Set test type",
                "type <unit|integration|e2e|performance|security>",
                _choice_handler("type", "type", "types", _TEST_TYPES, "Test type set to"),
            ),
            _custom(
                "framework",
                "Set testing framework",
                "framework <auto|jest|mocha|go|pytest|junit|rspec>",
                _choice_handler(
                    "framework", "framework", "frameworks", _FRAMEWORKS, "Testing framework set to"
                ),
            ),
            _HELP,
        ],
    },
    {
        "name": "commit-message",
        "description": "Generate Kubernetes-style commit messages from diffs and context",
        "category": "git-workflow",
        "usage": "Generates commit messages following Kubernetes semantic guidelines from git diffs and additional context",
        "tuiTitle": "Commit Message",
        "tuiPrompt": "(commit-message) > ",
        "stateVars": {},
        "promptInstructions": COMMIT_MESSAGE_INSTRUCTIONS,
        "promptTemplate": STANDARD_TEMPLATE,
        "contextHeader": "DIFF CONTEXT / CHANGES",
        "commands": [
            *_cm(*CONTEXT_COMMANDS),
            _HELP,
        ],
    },
    {
        "name": "morale-improver",
        "description": "Generate a derisive prompt to force task completion",
        "category": "meta-prompting",
        "usage": "Constructs a persona-driven prompt to force a lazy AI model to complete tasks by closing loopholes and using high-intensity language",
        "tuiTitle": "The Beatings Will Continue Until Morale Improves",
        "tuiPrompt": "(morale-improver) > ",
        "notableVariables": ["originalInstructions", "failedPlan", "specificFailures"],
        "stateVars": {"originalInstructions": None, "failedPlan": None, "specificFailures": None},
        "promptInstructions": MORALE_IMPROVER_INSTRUCTIONS,
        "promptTemplate": MORALE_IMPROVER_TEMPLATE,
        "contextHeader": "CONTEXT",
        "commands": [
            *_cm("add", "note", "list", "diff", "edit", "remove", "show", "copy"),
            _custom(
                "set-original",
                "Set the original instructions that were ignored",
                "set-original <text>",
                _text_handler(
                    "originalInstructions", "Original instructions", "original-instructions"
                ),
            ),
            _custom(
                "set-plan",
                "Set the plan that was disregarded",
                "set-plan <text>",
                _text_handler("failedPlan", "Failed plan", "failed-plan"),
            ),
            _custom(
                "set-failures",
                "Set specific failures and gaps",
                "set-failures <text>",
                _text_handler("specificFailures", "Specific failures", "specific-failures"),
            ),
            _HELP,
        ],
    },
    {
        "name": "implementation-plan",
        "description": "Prepare a detailed, explicit implementation plan for a given task.",
        "category": "planning",
        "usage": "osm goal implementation-plan",
        "tuiTitle": "Implementation Plan",
        "tuiPrompt": "(plan) > ",
        "stateVars": {"goalText": "Prepare a detailed, _explicit_ implementation plan, ."},
        "promptInstructions": IMPLEMENTATION_PLAN_INSTRUCTIONS,
        "promptTemplate": IMPLEMENTATION_PLAN_TEMPLATE,
        "contextHeader": "CONTEXT & REQUIREMENTS",
        "bannerTemplate": IMPLEMENTATION_PLAN_BANNER,
        "usageTemplate": IMPLEMENTATION_PLAN_USAGE,
        "commands": [
            *_cm(
                *CONTEXT_COMMANDS,
                add="Add files to context",
                diff="Add a diff to context",
                note="Add a text note",
                list="List all context items",
                edit="Edit a context item",
                remove="Remove a context item",
                show="Show the current prompt",
                copy="Copy prompt to clipboard",
            ),
            _custom(
                "goal",
                "Set the core goal text for the plan",
                "goal <new goal text...>",
                _GOAL_TEXT_HANDLER,
            ),
        ],
    },
]
