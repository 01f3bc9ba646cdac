"""The bundled workflow scripts run through the real Engine (spec §8, §12).

Each test builds an Engine on the in-memory store with a private session, injects the
globals the workflow command would inject, runs the script and drives its REPL commands
through `Engine.execute_command`, checking what the user sees.
"""

from __future__ import annotations

import io
import json
import os
import subprocess
from pathlib import Path

import pytest

pytest.importorskip("one_shot_man.scripting.runtime")

from one_shot_man.command.builtins.goal import GoalCommand, GoalOptions
from one_shot_man.scripting import Engine
from one_shot_man.storage import clear_all_in_memory_sessions
from one_shot_man.workflows import script_source, template_text
from one_shot_man.workflows.goals import GoalRegistry, builtin_goals
from tests.copysummary_support import expected_summary


class Run:
    """An engine plus its output streams, with helpers to run commands."""

    def __init__(self, session: str, *, test_mode: bool = True) -> None:
        self.out, self.err = io.StringIO(), io.StringIO()
        self.engine = Engine(
            self.out, self.err, session_id=session, store="memory", test_mode=test_mode
        )
        self._mark = 0

    def new_output(self) -> str:
        text = self.out.getvalue()
        chunk, self._mark = text[self._mark :], len(text)
        return chunk

    def cmd(self, line: str) -> str:
        name, *args = line.split(" ") if line else [""]
        self.new_output()
        assert self.engine.execute_command(name, [a for a in args if a != ""] if args else [])
        return self.new_output()

    def cmd_args(self, name: str, args: list[str]) -> str:
        self.new_output()
        assert self.engine.execute_command(name, args)
        return self.new_output()

    def js(self, expression: str):
        self.engine.execute_script("probe", f"globalThis.__probe = JSON.stringify({expression});")
        return json.loads(self.engine.get_global("__probe"))


@pytest.fixture
def run(request, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    # No test may start a real editor: `true` leaves the file (the initial text) unchanged.
    monkeypatch.setenv("VISUAL", "true")
    runs: list[Run] = []

    def make(**kwargs) -> Run:
        r = Run(f"wf-{request.node.name}-{len(runs)}", **kwargs)
        runs.append(r)
        return r

    yield make
    for r in runs:
        r.engine.close()
    clear_all_in_memory_sessions()


def start_code_review(r: Run) -> None:
    r.engine.set_global("config", {"name": "code-review"})
    r.engine.set_global("args", [])
    r.engine.set_global("codeReviewTemplate", template_text("code_review"))
    r.engine.execute_script("code-review", script_source("code_review"))


def start_prompt_flow(r: Run) -> None:
    r.engine.set_global("config", {"name": "prompt-flow"})
    r.engine.set_global("args", [])
    r.engine.set_global("promptFlowTemplate", template_text("prompt_flow"))
    r.engine.execute_script("prompt-flow", script_source("prompt_flow"))


def start_super_document(r: Run, *, shell: bool = True) -> None:
    r.engine.set_global("config", {"name": "super-document", "shellMode": shell, "theme": {}})
    r.engine.set_global("args", [])
    r.engine.set_global("superDocumentTemplate", template_text("super_document"))
    r.engine.execute_script("super-document", script_source("super_document"))


# -- code-review ------------------------------------------------------------------------------


def test_code_review_registers_enters_and_prints_the_tip(run) -> None:
    r = run()
    start_code_review(r)
    out = r.out.getvalue()
    assert "[code-review] Sub-test register-mode passed" in out
    assert "Switched to mode: code-review" in out
    assert "Type 'help' for commands. Tip: Try 'note --goals'." in out
    assert "[code-review] Sub-test enter-code-review passed" in out
    info = r.engine.tui_info()
    assert info["current"] == "code-review"
    (mode,) = [m for m in info["modes"] if m["name"] == "code-review"]
    assert (mode["title"], mode["prompt"]) == ("Code Review", "(code-review) > ")
    commands = {c["name"]: c for c in mode["commands"]}
    assert list(commands) == ["add", "diff", "note", "list", "edit", "remove", "show", "copy"]
    assert commands["note"]["usage"] == "note [text|--goals]"
    assert commands["show"]["description"] == "Show the code review prompt"
    assert commands["add"]["argCompleters"] == ["file"]


def test_code_review_note_goals(run) -> None:
    r = run()
    start_code_review(r)
    assert r.cmd("note --goals") == (
        "Pre-written review focus areas:\n"
        "  note goal:comments     - Focus on comment quality and usefulness\n"
        "  note goal:docs         - Focus on documentation completeness\n"
        "  note goal:tests        - Focus on test coverage and quality\n"
        "  note goal:performance  - Focus on performance implications (review focus)\n"
        "  note goal:security     - Focus on security considerations (review focus)\n"
    )
    assert r.cmd("note goal:tests") == "Added goal-based review note [1]: tests\n"
    assert r.cmd("note goal:nope") == (
        "Unknown goal type: nope\nUse 'note --goals' to see available goal types.\n"
    )
    assert r.cmd("note plain words") == "Added note [2]\n"
    items = r.js("items()")
    assert items[0]["label"] == "review-focus" and "sufficient tests" in items[0]["payload"]
    assert items[1] == {"id": 2, "type": "note", "label": "note", "payload": "plain words"}


def test_code_review_prompt_layout(run, tmp_path: Path) -> None:
    (tmp_path / "main.go").write_text("package main\n")
    r = run()
    start_code_review(r)
    assert r.cmd("add main.go") == "Added file: main.go\n"
    r.cmd("note Check errors")
    shown = r.cmd("show")
    head = template_text("code_review").split("\n\n## IMPLEMENTATIONS/CONTEXT")[0]
    assert shown == (
        head + "\n\n## IMPLEMENTATIONS/CONTEXT\n\n"
        "### Note: note\n\nCheck errors\n\n---\n"
        "`````txtar\n-- main.go --\npackage main\n\n`````\n"
    )


def test_code_review_lazy_diffs_store_args_verbatim(run) -> None:
    r = run()
    start_code_review(r)
    assert r.cmd("diff") == (
        "Added diff: git diff (default: HEAD) (will be executed when generating prompt)\n"
    )
    out = r.cmd_args("diff", ["feature/my feature", "--stat"])
    assert out == (
        'Added diff: git diff "feature/my feature" --stat (will be executed when generating prompt)\n'
    )
    r.cmd_args("diff", ["HEAD~1", "--grep", "", "--author", "test"])
    payloads = [i["payload"] for i in r.js("items()")]
    assert payloads == [
        [],
        ["feature/my feature", "--stat"],
        ["HEAD~1", "--grep", "", "--author", "test"],
    ]
    assert r.js('formatArgv(["git", "log", "--grep", ""])') == 'git log --grep ""'
    assert r.js("parseArgv(\"a 'b c' d\")") == ["a", "b c", "d"]


def test_code_review_diff_in_a_real_repository(run, tmp_path: Path) -> None:
    git = [
        "git",
        "-c",
        "user.email=t@example.com",
        "-c",
        "user.name=t",
        "-c",
        "commit.gpgsign=false",
    ]
    subprocess.run(["git", "init", "-q"], cwd=tmp_path, check=True)
    for i in range(3):
        (tmp_path / "f.txt").write_text(f"line {i}\n")
        subprocess.run(["git", "add", "f.txt"], cwd=tmp_path, check=True)
        subprocess.run([*git, "commit", "-qm", f"c{i}"], cwd=tmp_path, check=True)
    r = run()
    start_code_review(r)
    r.cmd("diff HEAD~1")
    before = r.js("items()")
    shown = r.cmd("show")
    assert "### Diff: git diff HEAD~1" in shown and "+line 2" in shown
    assert r.js("items()") == before


def test_code_review_list_edit_remove_messages(run, tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("a\n")
    r = run()
    start_code_review(r)
    r.cmd("add a.txt")
    r.cmd("note n")
    assert r.cmd("list") == "[1] [file] a.txt\n[2] [note] note\n"
    os.remove(tmp_path / "a.txt")
    assert r.cmd("list") == "[1] [file] a.txt (missing)\n[2] [note] note\n"
    assert r.cmd("edit") == "Usage: edit <id>\n"
    assert r.cmd("edit x") == "Invalid id: x\n"
    assert r.cmd("edit 9") == "Not found: 9\n"
    assert r.cmd("edit 1") == (
        "Editing file content directly is not supported. Please edit the file on disk.\n"
    )
    assert r.cmd("remove") == "Usage: remove <id>\n"
    assert r.cmd("remove zz") == "Invalid id: zz\n"  # Go: "Not found: NaN"
    assert r.cmd("remove 2") == "Removed [2]\n"
    assert r.cmd("remove 1").endswith("Removed [1]\n")
    assert r.js("items()") == []
    assert r.cmd("add missing.txt") == "Error: cannot add missing.txt: no such file or directory\n"


def test_code_review_copy_uses_osm_clipboard(run, tmp_path: Path, monkeypatch) -> None:
    target = tmp_path / "clip.txt"
    monkeypatch.setenv("OSM_CLIPBOARD", f"cat > {target}")
    r = run()
    start_code_review(r)
    r.cmd("note hello")
    out = r.cmd("copy")
    assert out == expected_summary(target.read_text(), "clipboard via $OSM_CLIPBOARD") + "\n"
    assert "### Note: note\n\nhello" in target.read_text()


# -- prompt-flow ------------------------------------------------------------------------------


def test_prompt_flow_banner_and_template_in_state(run) -> None:
    r = run()
    start_prompt_flow(r)
    out = r.out.getvalue()
    assert "Type 'help' for commands. Tip: Try 'goal --prewritten'." in out
    assert "[prompt-flow] Sub-test enter-flow passed" in out
    assert r.cmd("list") == "Phase: INITIAL\n[template] set\n\n"


def test_prompt_flow_generate_requires_goal(run) -> None:
    r = run()
    start_prompt_flow(r)
    assert r.cmd("generate") == "Error: Please set a goal first using the 'goal' command.\n"
    assert r.cmd("use x") == "Please generate the meta-prompt first using 'generate'.\n"


def test_prompt_flow_happy_path(run, tmp_path: Path) -> None:
    (tmp_path / "README.md").write_text("# readme\n")
    r = run()
    start_prompt_flow(r)
    assert r.cmd("goal my test goal") == "Goal set.\n"
    assert r.cmd("add README.md") == "Added file: README.md\n"
    assert r.cmd("note remember this").startswith("Added note [")
    listing = r.cmd("list")
    assert listing.startswith("Phase: CONTEXT_BUILDING\n[goal] my test goal\n[template] set\n\n")
    assert r.cmd("generate") == (
        "Meta-prompt generated. You can 'show meta', 'copy meta', or provide the task prompt "
        "with 'use'.\n"
    )
    meta = r.cmd("show meta")
    assert "!! **GOAL:** !!\nmy test goal" in meta
    assert "!! **IMPLEMENTATIONS/CONTEXT:** !!" in meta and "README.md" in meta
    assert r.cmd("show") == meta
    assert r.cmd("use do the task") == (
        "Task prompt set. Use 'show' or 'copy' to get the final prompt.\n"
    )
    final = r.cmd("show")
    assert final.startswith("do the task\n\n---\n## IMPLEMENTATIONS/CONTEXT\n---\n\n")
    assert "!! **TEMPLATE:** !!" not in final and "-- README.md --" in final
    assert r.cmd("list").startswith("Phase: TASK_PROMPT_SET\n")
    assert r.cmd("remove 1") == "Removed [1]\n"
    assert "README.md" not in r.cmd("show")
    assert r.cmd("generate").startswith("Meta-prompt generated.")
    assert "!! **TEMPLATE:** !!" in r.cmd("show")
    assert r.cmd("show prompt") == "\n"


def test_prompt_flow_prewritten_goals(run) -> None:
    r = run()
    start_prompt_flow(r)
    assert r.cmd("goal --prewritten") == (
        "Available pre-written goals:\n"
        "  comment-stripper   - Remove useless comments and refactor useful ones\n"
        "  doc-generator      - Generate comprehensive documentation for code\n"
        "  test-generator     - Generate comprehensive test suites\n"
        "  document-refiner   - Refine an existing document based on feedback\n"
        "\n"
        "Usage: goal use:<goal-name> to use a pre-written goal\n"
    )
    assert r.cmd("goal use:document-refiner") == (
        "Pre-written goal 'document-refiner' set successfully.\n"
    )
    assert r.cmd("goal use:nope") == "Unknown pre-written goal: nope\n"
    assert r.cmd("list").startswith("Phase: CONTEXT_BUILDING\n[goal] **WITHOUT** unduly")


def test_prompt_flow_edit_targets_before_generation(run) -> None:
    r = run()
    start_prompt_flow(r)
    assert r.cmd("edit") == "Usage: edit <goal|template|meta|prompt|id>\n"
    assert r.cmd("edit meta") == "Error: Meta-prompt not generated yet. Use 'generate' first.\n"
    assert r.cmd("edit prompt") == "Error: Task prompt not set yet. Use 'use' first.\n"
    assert r.cmd("template bogus") == "Usage: template [edit]\n"


def test_prompt_flow_copy_labels(run, tmp_path: Path, monkeypatch) -> None:
    clip = tmp_path / "c.txt"
    monkeypatch.setenv("OSM_CLIPBOARD", f"cat > {clip}")
    r = run()
    start_prompt_flow(r)
    r.cmd("goal g")
    r.cmd("generate")

    def copied(label: str) -> str:
        return expected_summary(clip.read_text(), "clipboard via $OSM_CLIPBOARD", label) + "\n"

    assert r.cmd("copy meta") == copied("Meta prompt copied")
    assert r.cmd("copy") == copied("Meta prompt copied")
    r.cmd("use t")
    assert r.cmd("copy prompt") == copied("Task prompt copied")
    assert clip.read_text() == "t"
    assert r.cmd("copy") == copied("Final output copied")
    assert clip.read_text().startswith("t\n\n---\n## IMPLEMENTATIONS/CONTEXT")


def test_prompt_flow_help_addition(run) -> None:
    r = run()
    start_prompt_flow(r)
    out = r.cmd("help")
    assert out.startswith("\nCommands: goal, add, diff, note, list, edit, remove, template")
    assert "Tip: Use 'goal --prewritten'" in out


# -- goals --------------------------------------------------------------------------------------


def run_goal(r: Run, name: str, *, enter: bool = True) -> None:
    goal = GoalRegistry(paths=[], warn=lambda m: None).get(name)
    r.engine.execute_script(goal.name, goal.script())
    if enter:
        r.engine.switch_mode(goal.name)


def test_goal_run_flag_registers_without_entering(run) -> None:
    r = run()
    run_goal(r, "comment-stripper", enter=False)
    out = r.out.getvalue()
    assert "[comment-stripper] Sub-test register-mode passed" in out
    assert "Switched to mode:" not in out


def test_goal_command_end_to_end_in_test_mode(tmp_path: Path) -> None:
    out, err = io.StringIO(), io.StringIO()

    def factory(*args, **kwargs):
        return Engine(*args, **{**kwargs, "store": "memory"})

    cmd = GoalCommand(None, GoalRegistry(paths=[]), test_mode=True, engine_factory=factory)
    assert cmd.run(GoalOptions(), ["doc-generator"], out, err) == 0
    assert "Switched to mode: doc-generator" in out.getvalue()
    assert "=== Code Documentation Generator ===\nType 'help' for commands." in out.getvalue()
    out = io.StringIO()
    assert cmd.run(GoalOptions(run="comment-stripper"), [], out, err) == 0
    assert "Sub-test register-mode passed" in out.getvalue()
    assert "Switched to mode:" not in out.getvalue()
    clear_all_in_memory_sessions()


def test_test_generator_banner_and_commands(run) -> None:
    r = run()
    run_goal(r, "test-generator")
    out = r.out.getvalue()
    assert "=== Test Generator: type=unit framework=auto ===\nType 'help' for commands.\n" in out
    (mode,) = [m for m in r.engine.tui_info()["modes"] if m["name"] == "test-generator"]
    assert (mode["title"], mode["prompt"]) == ("Test Generator", "(test-gen) > ")
    names = [c["name"] for c in mode["commands"]]
    assert names == [
        "help", "add", "note", "list", "diff", "edit", "remove", "show", "copy", "type", "framework",
    ]  # fmt: skip
    notes = {c["name"]: c["description"] for c in mode["commands"]}
    assert notes["note"] == "Add a note about test requirements"
    assert r.cmd("type") == (
        "Current type: unit\nAvailable types: unit, integration, e2e, performance, security\n"
    )
    assert r.cmd("type bogus") == (
        "Invalid type. Available: unit, integration, e2e, performance, security\n"
    )
    assert r.cmd("type E2E") == "Test type set to: e2e\n"
    assert r.cmd("framework") == (
        "Current framework: auto\nAvailable frameworks: auto, jest, mocha, go, pytest, junit, rspec\n"
    )
    assert r.cmd("framework pytest") == "Testing framework set to: pytest\n"


def test_test_generator_prompt_follows_state(run) -> None:
    r = run()
    run_goal(r, "test-generator")
    shown = r.cmd("show")
    assert shown.startswith(
        "**GENERATE COMPREHENSIVE TEST SUITES FOR EXISTING CODE**\n\n"
        "Generate unit tests for the provided code following these guidelines:\n\n"
        "Generate comprehensive unit tests including:\n"
    )
    assert "testing framework" not in shown
    assert "\n## CODE TO TEST\n\n" in shown
    r.cmd("type security")
    r.cmd("framework jest")
    shown = r.cmd("show")
    assert "Generate security tests including:" in shown
    assert "\n\nUse the jest testing framework.\n\n**Test Quality Standards:**" in shown


def test_doc_generator_prompt_and_type_switch(run) -> None:
    r = run()
    run_goal(r, "doc-generator")
    assert "=== Code Documentation Generator ===" in r.out.getvalue()
    shown = r.cmd("show")
    assert "Create comprehensive documentation" in shown
    assert "Generate comprehensive documentation including:" in shown
    assert r.cmd("type api") == "Documentation type set to: api\n"
    shown = r.cmd("show")
    assert "Create api documentation" in shown and "Generate API documentation including:" in shown


@pytest.mark.parametrize("goal", [g.name for g in builtin_goals()])
def test_every_builtin_goal_renders_its_header_and_instructions(run, goal: str) -> None:
    definition = {g.name: g for g in builtin_goals()}[goal]
    r = run()
    run_goal(r, goal)
    r.cmd("note the-note-text")
    shown = r.cmd("show")
    assert f"## {definition.context_header}\n\n### Note: note\n\nthe-note-text\n\n---\n" in shown
    if goal != "implementation-plan":
        assert shown.startswith(f"**{definition.description.upper()}**\n\n")
    first_instruction_line = definition.prompt_instructions.split("\n")[0]
    if "{{" not in first_instruction_line:
        assert first_instruction_line in shown
    assert "{{" not in shown and "<no value>" not in shown


def test_morale_improver_state_commands_and_prompt(run) -> None:
    r = run()
    run_goal(r, "morale-improver")
    out = r.out.getvalue()
    assert "=== The Beatings Will Continue Until Morale Improves ===\n" in out
    assert "  originalInstructions=(not set)\n" in out
    assert r.cmd("set-original do everything") == "Original instructions set successfully\n"
    assert r.cmd("set-original do everything") == "Original instructions unchanged\n"
    assert r.cmd("set-plan the plan") == "Failed plan set successfully\n"
    r.cmd("note my-note")
    shown = r.cmd("show")
    assert shown.startswith("**GENERATE A DERISIVE PROMPT TO FORCE TASK COMPLETION**")
    assert "## ORIGINAL INSTRUCTIONS THEY IGNORED\n\ndo everything\n" in shown
    assert "## THE PLAN THEY DISREGARDED\n\nthe plan\n" in shown
    assert "## SPECIFIC FAILURES AND GAPS" not in shown
    assert "my-note" in shown and "100% complete" in shown and "ALL OF IT" in shown


def test_morale_improver_clear_through_editor(run, tmp_path: Path, monkeypatch) -> None:
    editor = tmp_path / "empty-editor.sh"
    editor.write_text('#!/bin/sh\n: > "$1"\n')
    editor.chmod(0o755)
    monkeypatch.setenv("VISUAL", str(editor))
    r = run()
    run_goal(r, "morale-improver")
    assert r.cmd("set-failures") == "Specific failures not updated (no content provided).\n"
    r.cmd("set-failures broken things")
    assert r.cmd("set-failures") == "Specific failures cleared\n"
    assert "## SPECIFIC FAILURES AND GAPS" not in r.cmd("show")


def test_implementation_plan_banner_goal_and_help(run) -> None:
    r = run()
    run_goal(r, "implementation-plan")
    assert "Implementation Plan Generator\nType 'help' for commands.\n" in r.out.getvalue()
    assert r.cmd("goal Ship the port") == (
        "Goal text updated. Use 'reset' to apply it to the context.\n"
    )
    assert "!! **GOAL:** Ship the port!!" in r.cmd("show")
    assert r.cmd("help").startswith("\nAvailable commands:\n  add <file>")


def test_goal_state_is_namespaced_in_the_session(run) -> None:
    r = run()
    run_goal(r, "doc-generator")
    r.cmd("type readme")
    state = r.engine.state_manager.serialize_complete_state()
    state = json.loads(state) if isinstance(state, (str, bytes)) else state
    assert state["script"]["doc-generator"]["goal:doc-generator/type"] == "readme"


def test_user_goal_file_runs_with_custom_handler_forms(run, tmp_path: Path) -> None:
    goal_file = tmp_path / "goals" / "mine.json"
    goal_file.parent.mkdir()
    goal_file.write_text(
        json.dumps(
            {
                "name": "mine",
                "description": "My goal",
                "stateVars": {"lang": "en"},
                "notableVariables": ["lang"],
                "promptInstructions": "Speak {{.stateKeys.lang | upper}}. {{.langInstructions}}",
                "promptTemplate": "{{.promptInstructions}}|{{.contextHeader}}",
                "promptOptions": {"langInstructions": {"en": "Be British.", "fr": "Soyez clair."}},
                "commands": [
                    {
                        "name": "body",
                        "type": "custom",
                        "handler": "output.print('body ' + args.join('+'));",
                    },
                    {
                        "name": "arrow",
                        "type": "custom",
                        "handler": "(a) => output.print('arrow ' + a.length)",
                    },
                    {
                        "name": "lang",
                        "type": "custom",
                        "handler": "function (xs) { state.set(stateKeys.lang, xs[0]); output.print('ok'); }",
                    },
                    {"name": "broken", "type": "custom", "handler": "function ( {"},
                    {"name": "show", "type": "contextManager", "description": "Show it"},
                    {"name": "nope", "type": "contextManager"},
                ],
            }
        )
    )
    r = run()
    goal = GoalRegistry(paths=[str(goal_file.parent)], warn=lambda m: None).get("mine")
    r.engine.execute_script(goal.name, goal.script())
    r.engine.switch_mode("mine")
    out = r.out.getvalue()
    assert "=== mine: lang=en ===\nType 'help' for commands.\n" in out
    assert "Error creating handler for command broken: SyntaxError" in out
    (mode,) = [m for m in r.engine.tui_info()["modes"] if m["name"] == "mine"]
    assert [c["name"] for c in mode["commands"]] == ["help", "body", "arrow", "lang", "show"]
    assert r.cmd("body a b") == "body a+b\n"
    assert r.cmd("arrow x y z") == "arrow 3\n"
    assert r.cmd("show") == "Speak EN. Be British.|CONTEXT\n"
    assert r.cmd("lang fr") == "ok\n"
    assert r.cmd("show") == "Speak FR. Soyez clair.|CONTEXT\n"


def test_goal_interpreter_without_config_throws(run) -> None:
    r = run()
    with pytest.raises(Exception, match="GOAL_CONFIG not defined"):
        r.engine.execute_script("x", script_source("goal"))


# -- super-document (shell) -------------------------------------------------------------------


def test_super_document_shell_commands(run, tmp_path: Path) -> None:
    (tmp_path / "doc.md").write_text("from a file\n")
    r = run()
    start_super_document(r)
    out = r.out.getvalue()
    assert "Switched to mode: super-document" in out
    assert "Super Document Mode. Type 'help' for commands." in out
    assert (
        r.cmd("list") == "No documents or context items. Use 'doc-add' or 'add' to add content.\n"
    )
    assert r.cmd("doc-add first document text") == "Added document #1\n"
    assert r.cmd("doc-add --file doc.md") == "Added document #2 from doc.md\n"
    assert r.cmd("doc-add --file nope.md").startswith("Error: ")
    assert r.cmd("list") == (
        "Documents:\n  #1 [Document 1]: first document text\n  #2 [doc.md]: from a file \n\n"
    )
    assert r.cmd("doc-view 2") == "--- Document #2: doc.md ---\nfrom a file\n---\n"
    assert r.cmd("doc-view 9") == "Document not found\n"
    assert r.cmd("doc-view") == "Usage: doc-view <id>\n"
    shown = r.cmd("show")
    assert "\n\n---\n## DOCUMENTS\n---\n" in shown
    assert "Document 1:\n`````\nfirst document text\n`````\n" in shown
    assert r.cmd("doc-rm 1") == "Removed document #1\n"
    assert r.cmd("doc-rm 1") == "Document not found\n"
    assert r.cmd("doc-add again") == "Added document #3\n"
    assert r.cmd("doc-clear") == "All documents cleared.\n"
    assert "## DOCUMENTS" not in r.cmd("show")


def test_super_document_requires_its_template(run) -> None:
    r = run()
    r.engine.set_global("config", {"name": "super-document"})
    with pytest.raises(Exception, match="superDocumentTemplate' is missing or empty"):
        r.engine.execute_script("super-document", script_source("super_document"))


# -- contextManager factory (osm:ctxutil) ----------------------------------------------------------


def load_context_manager(r: Run) -> None:
    """Expose the `osm:ctxutil` module the workflows build their shells on as `__cm`."""
    r.engine.execute_script("cm", "globalThis.__cm = require('osm:ctxutil');")


def test_context_manager_factory_errors_and_defaults(run) -> None:
    r = run()
    load_context_manager(r)
    errors = r.js(
        "(function () { var out = [];"
        " var m = __cm.contextManager({});"
        " try { m.getItems(); } catch (e) { out.push(e.message); }"
        " try { m.setItems([]); } catch (e) { out.push(e.message); }"
        " try { m.buildPrompt(); } catch (e) { out.push(e.message); }"
        " return out; })()"
    )
    assert errors == [
        "getItems must be provided",
        "setItems must be provided",
        "buildPrompt must be provided",
    ]
    keys = r.js("Object.keys(__cm.contextManager({}))")
    assert keys == [
        "getItems", "setItems", "nextIntegerId", "addItem", "buildPrompt", "openEditor",
        "clipboardCopy", "fileExists", "formatArgv", "parseArgv", "commands",
    ]  # fmt: skip
    assert r.js("Object.keys(__cm.contextManager({}).commands)") == [
        "add", "diff", "note", "list", "edit", "remove", "show", "copy",
    ]  # fmt: skip


def test_context_manager_factory_uses_overrides_and_extends(run) -> None:
    r = run()
    load_context_manager(r)
    result = r.js(
        "(function () { var items = [], calls = [];"
        " var m = __cm.contextManager({getItems: function () { return items; },"
        "  setItems: function (v) { items = v; }, nextIntegerId: function () { return 40 + items.length; },"
        "  buildPrompt: function () { return 'PROMPT'; },"
        "  clipboardCopy: function (t) { calls.push(t); } });"
        " var a = m.addItem('note', 'note', 'x'); var b = m.addItem('note', 'note', 'y');"
        " var cmds = Object.assign({}, m.commands, {extra: {handler: function () {}}});"
        " cmds.copy.handler([]);"
        " return {ids: [a, b], calls: calls, keys: Object.keys(cmds)}; })()"
    )
    assert result["ids"] == [40, 41]
    assert result["calls"] == ["PROMPT"]
    assert result["keys"][-2:] == ["copy", "extra"]
    assert r.new_output().endswith(expected_summary("PROMPT", "clipboard") + "\n")


def test_context_manager_factory_default_ids_increment_from_one(run) -> None:
    r = run()
    load_context_manager(r)
    ids = r.js(
        "(function () { var items = [];"
        " var m = __cm.contextManager({getItems: function () { return items; },"
        "  setItems: function (v) { items = v; }, buildPrompt: function () { return ''; }});"
        " return [m.addItem('note', 'n', 'a'), m.addItem('note', 'n', 'b'), m.addItem('note', 'n', 'c')]; })()"
    )
    assert ids == [1, 2, 3]


@pytest.fixture
def editor(tmp_path: Path, monkeypatch):
    """An editor that replaces the file with $EDIT_TEXT; returns a setter for that text."""
    script = tmp_path / "fake-editor.sh"
    script.write_text('#!/bin/sh\nprintf "%s" "$EDIT_TEXT" > "$1"\n')
    script.chmod(0o755)
    monkeypatch.setenv("VISUAL", str(script))

    def set_text(text: str) -> None:
        monkeypatch.setenv("EDIT_TEXT", text)

    return set_text


def test_prompt_flow_editor_driven_goal_use_and_clearing_prompt(run, editor) -> None:
    r = run()
    start_prompt_flow(r)
    editor("edited goal")
    assert r.cmd("goal") == "Goal updated.\n"
    assert r.cmd("list").startswith("Phase: CONTEXT_BUILDING\n[goal] edited goal\n")
    r.cmd("generate")
    editor("task from editor\n")
    assert r.cmd("use") == "Task prompt set. Use 'show' or 'copy' to get the final prompt.\n"
    editor("   ")
    assert r.cmd("edit prompt") == "Task prompt not updated (no content provided).\n"
    assert r.cmd("show prompt") == "task from editor\n"
    assert r.cmd("list").startswith("Phase: TASK_PROMPT_SET\n")
    editor("better task")
    assert r.cmd("edit prompt") == "Task prompt updated.\n"
    editor("")
    assert r.cmd("use") == "Task prompt not set (no content provided).\n"


def test_context_manager_editor_paths_notes_and_diff_specs(run, editor, tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("a\n")
    r = run()
    start_code_review(r)
    editor("a.txt\n# a comment\n\n")
    assert r.cmd("add") == "Added file: a.txt\n"
    editor("typed note")
    assert r.cmd("note") == "Added note [2]\n"
    r.cmd("diff")
    editor("old text replaced")
    assert r.cmd("edit 2") == "Edited [2]\n"
    editor('HEAD~2 -- "a b.txt"')
    assert r.cmd("edit 3") == "Updated diff specification [3]\n"
    items = r.js("items()")
    assert items[1]["payload"] == "old text replaced"
    assert items[2]["payload"] == ["HEAD~2", "--", "a b.txt"]
    assert items[2]["label"] == 'git diff HEAD~2 -- "a b.txt"'


def test_context_manager_factory_integration_with_a_stub_context(run) -> None:
    r = run()
    load_context_manager(r)
    result = r.js(
        "(function () {"
        " var calls = [], items = [];"
        " globalThis.context = {"
        "  addPath: function (p) { calls.push('add:' + p); },"
        "  removePath: function (p) { calls.push('remove:' + p);"
        "   if (p === 'gone.txt') throw new Error('path not found: gone.txt'); },"
        "  toTxtar: function () { return '-- test.txt --\\nhello\\n'; } };"
        " var ctxutil = require('osm:ctxutil');"
        " var m = __cm.contextManager({getItems: function () { return items; },"
        "  setItems: function (v) { items = v; }, fileExists: function () { return true; },"
        "  buildPrompt: function () { return ctxutil.buildContext(items, {toTxtar: context.toTxtar}); }});"
        " m.commands.add.handler(['test.txt']);"
        " m.addItem('note', 'note', 'remember');"
        " m.addItem('diff', 'mock diff', '+added line');"
        " var prompt = m.buildPrompt();"
        " m.commands.remove.handler(['1']);"
        " m.addItem('file', 'gone.txt', '');"
        " m.commands.remove.handler(['4']);"
        " return {calls: calls, prompt: prompt, left: items.map(function (i) { return i.id; })}; })()"
    )
    assert result["calls"] == ["add:test.txt", "remove:test.txt", "remove:gone.txt"]
    assert "### Note: note\n\nremember" in result["prompt"]
    assert "+added line" in result["prompt"]
    assert "-- test.txt --\nhello" in result["prompt"]
    assert result["left"] == [2, 3]
    out = r.new_output()
    assert "Added file: test.txt\n" in out and "Removed [1]\n" in out
    assert "Info: file not present, removing from session state: gone.txt\nRemoved [4]\n" in out


def test_context_manager_remove_aborts_on_other_errors(run) -> None:
    r = run()
    load_context_manager(r)
    left = r.js(
        "(function () { var items = [{id: 1, type: 'file', label: 'x.txt', payload: ''}];"
        " globalThis.context = {removePath: function () { throw new Error('ambiguous path: x.txt'); }};"
        " var m = __cm.contextManager({getItems: function () { return items; },"
        "  setItems: function (v) { items = v; }, buildPrompt: function () { return ''; }});"
        " m.commands.remove.handler(['1']); return items.length; })()"
    )
    assert left == 1
    assert r.new_output().endswith("Error: ambiguous path: x.txt\n")
