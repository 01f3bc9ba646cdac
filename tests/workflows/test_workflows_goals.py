"""Goal files: loading, validation, built-ins and the registry (spec §12.3.1, §12.3.3, §12.3.5)."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import pytest

from one_shot_man.errors import CommandError, ConfigError
from one_shot_man.workflows import script_source, template_text
from one_shot_man.workflows.goals import (
    Goal,
    GoalFileError,
    GoalNotFoundError,
    GoalRegistry,
    builtin_goals,
    find_goal_files,
    goal_from_dict,
    is_valid_goal_name,
    load_goal_file,
)

FULL_GOAL = {
    "name": "my-goal",
    "description": "A goal for tests",
    "category": "testing-stuff",
    "usage": "osm goal my-goal",
    "tuiTitle": "My Goal",
    "tuiPrompt": "(mine) > ",
    "stateVars": {"level": "high", "count": 3, "flags": None},
    "notableVariables": ["level"],
    "promptInstructions": "Do {{.stateKeys.level}} things.",
    "promptTemplate": "{{.promptInstructions}}\n## {{.contextHeader}}\n{{.contextTxtar}}",
    "promptOptions": {"levelInstructions": {"high": "Go high."}},
    "contextHeader": "THE CODE",
    "bannerTemplate": "Hello {{.tuiTitle}}",
    "usageTemplate": "Extra help",
    "commands": [
        {"name": "add", "type": "contextManager"},
        {"name": "note", "type": "contextManager", "description": "Note it"},
        {
            "name": "level",
            "type": "custom",
            "description": "Set level",
            "usage": "level <x>",
            "argCompleters": ["file"],
            "handler": "function (args) { output.print(args[0]); }",
        },
        {"name": "help", "type": "help"},
    ],
}


def write_goal(directory: Path, filename: str, data: object) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / filename
    path.write_text(json.dumps(data) if not isinstance(data, str) else data, encoding="utf-8")
    return path


# -- loading and validation -----------------------------------------------------------------


def test_valid_file_round_trips_every_field(tmp_path: Path) -> None:
    path = write_goal(tmp_path, "my-goal.json", FULL_GOAL)
    goal = load_goal_file(path)
    assert goal.source == str(path)
    assert goal.to_config() == {**FULL_GOAL}
    assert goal.commands is not None
    assert goal.commands[2].arg_completers == ["file"]
    assert goal.ignored_fields == []
    assert not goal.builtin


def test_absent_optional_fields_become_null_in_goal_config(tmp_path: Path) -> None:
    goal = load_goal_file(write_goal(tmp_path, "g.json", {"name": "g", "description": "d"}))
    config = goal.to_config()
    assert config["stateVars"] is None
    assert config["notableVariables"] is None
    assert config["promptOptions"] is None
    assert config["tuiPrompt"] == ""


@pytest.mark.parametrize(
    ("data", "message", "field"),
    [
        ({"description": "d"}, "invalid goal definition: Name is required", "name"),
        ({"name": "", "description": "d"}, "invalid goal definition: Name is required", "name"),
        (
            {"name": "bad name", "description": "d"},
            'invalid goal definition: Name must be alphanumeric with hyphens only (no spaces): "bad name"',
            "name",
        ),
        ({"name": "ok"}, "invalid goal definition: Description is required", "description"),
    ],
)
def test_validation_errors_name_file_and_field(
    tmp_path: Path, data: dict, message: str, field: str
) -> None:
    path = write_goal(tmp_path, "g.json", data)
    with pytest.raises(GoalFileError) as info:
        load_goal_file(path)
    assert info.value.reason == message
    assert info.value.field == field
    assert str(info.value) == f"{path}: {message}"
    assert isinstance(info.value, ConfigError)


@pytest.mark.parametrize(
    ("patch", "field", "expected"),
    [
        ({"name": 42}, "name", "expected a string, got number"),
        ({"description": ["x"]}, "description", "expected a string, got array"),
        ({"stateVars": []}, "stateVars", "expected an object, got array"),
        ({"promptOptions": "x"}, "promptOptions", "expected an object, got string"),
        ({"notableVariables": "type"}, "notableVariables", "expected an array of strings"),
        ({"notableVariables": ["a", 1]}, "notableVariables[1]", "expected a string, got number"),
        ({"commands": {}}, "commands", "expected an array of objects, got object"),
        ({"commands": [{"name": "x", "type": 1}]}, "commands[0].type", "got number"),
        (
            {"commands": [{"name": "x", "argCompleters": [True]}]},
            "commands[0].argCompleters[0]",
            "boolean",
        ),
        ({"tuiTitle": True}, "tuiTitle", "expected a string, got boolean"),
    ],
)
def test_wrong_types_are_parse_errors_naming_the_field(
    tmp_path: Path, patch: dict, field: str, expected: str
) -> None:
    path = write_goal(tmp_path, "g.json", {"name": "g", "description": "d", **patch})
    with pytest.raises(GoalFileError) as info:
        load_goal_file(path)
    assert info.value.field == field
    assert info.value.reason.startswith(f"failed to parse goal JSON: field {field!r}: ")
    assert expected in info.value.reason


def test_null_string_fields_are_treated_as_empty(tmp_path: Path) -> None:
    goal = load_goal_file(
        write_goal(tmp_path, "g.json", {"name": "g", "description": "d", "category": None})
    )
    assert goal.category == ""


def test_invalid_json_and_missing_file(tmp_path: Path) -> None:
    bad = write_goal(tmp_path, "bad.json", "{ not json")
    with pytest.raises(GoalFileError) as info:
        load_goal_file(bad)
    assert info.value.reason.startswith("failed to parse goal JSON: ")
    with pytest.raises(GoalFileError) as info:
        load_goal_file(tmp_path / "missing.json")
    assert info.value.reason.startswith("failed to read goal file: ")
    not_object = write_goal(tmp_path, "list.json", "[1, 2]")
    with pytest.raises(GoalFileError, match="expected a JSON object, got array"):
        load_goal_file(not_object)


def test_unknown_fields_and_script_are_ignored_but_recorded(tmp_path: Path) -> None:
    data = {"name": "g", "description": "d", "script": "evil()", "futureField": 1}
    goal = load_goal_file(write_goal(tmp_path, "g.json", data))
    assert goal.ignored_fields == ["futureField", "script"]
    assert "evil()" not in goal.script()
    assert "script" not in goal.to_config()


def test_context_items_state_var_is_rejected_at_load(tmp_path: Path) -> None:
    path = write_goal(
        tmp_path, "g.json", {"name": "g", "description": "d", "stateVars": {"contextItems": []}}
    )
    with pytest.raises(GoalFileError, match="State key collision: contextItems") as info:
        load_goal_file(path)
    assert info.value.field == "stateVars"


@pytest.mark.parametrize("name", ["valid-name", "valid123", "Valid-Name-123", "a"])
def test_valid_goal_names(name: str) -> None:
    assert is_valid_goal_name(name)
    assert goal_from_dict({"name": name, "description": "d"}).name == name


@pytest.mark.parametrize("name", ["invalid name", "invalid_name", "invalid.name", "-invalid", ""])
def test_invalid_goal_names(name: str) -> None:
    assert not is_valid_goal_name(name)
    with pytest.raises(GoalFileError):
        goal_from_dict({"name": name, "description": "d"})


def test_goal_script_prepends_the_config_to_the_interpreter() -> None:
    goal = goal_from_dict({"name": "g", "description": 'it\'s "quoted"'})
    script = goal.script()
    prologue, _, rest = script.partition("\n")
    assert prologue.startswith("var GOAL_CONFIG = ") and prologue.endswith(";")
    assert json.loads(prologue[len("var GOAL_CONFIG = ") : -1])["description"] == 'it\'s "quoted"'
    assert rest == script_source("goal")


def test_find_goal_files_lists_json_case_insensitively_and_skips_dirs(tmp_path: Path) -> None:
    (tmp_path / "b.JSON").write_text("{}")
    (tmp_path / "a.json").write_text("{}")
    (tmp_path / "c.txt").write_text("{}")
    (tmp_path / "dir.json").mkdir()
    found = find_goal_files(str(tmp_path))
    assert [os.path.basename(p) for p in found] == ["a.json", "b.JSON"]
    assert find_goal_files(str(tmp_path / "missing")) == []


# -- built-in goals -------------------------------------------------------------------------

EXPECTED_BUILTINS = {
    # name: (category, title, prompt, context header)
    "comment-stripper": (
        "code-refactoring",
        "Comment Stripper",
        "(comment-stripper) > ",
        "CODE TO ANALYZE",
    ),
    "doc-generator": (
        "documentation",
        "Code Documentation Generator",
        "(doc-gen) > ",
        "CODE TO DOCUMENT",
    ),
    "test-generator": ("testing", "Test Generator", "(test-gen) > ", "CODE TO TEST"),
    "commit-message": (
        "git-workflow",
        "Commit Message",
        "(commit-message) > ",
        "DIFF CONTEXT / CHANGES",
    ),
    "morale-improver": (
        "meta-prompting",
        "The Beatings Will Continue Until Morale Improves",
        "(morale-improver) > ",
        "CONTEXT",
    ),
    "implementation-plan": (
        "planning",
        "Implementation Plan",
        "(plan) > ",
        "CONTEXT & REQUIREMENTS",
    ),
}


def builtins_by_name() -> dict[str, Goal]:
    return {g.name: g for g in builtin_goals()}


def test_six_builtin_goals_with_their_metadata() -> None:
    goals = builtins_by_name()
    assert set(goals) == set(EXPECTED_BUILTINS)
    for name, (category, title, prompt, header) in EXPECTED_BUILTINS.items():
        goal = goals[name]
        assert goal.builtin
        assert (goal.category, goal.tui_title, goal.tui_prompt, goal.context_header) == (
            category,
            title,
            prompt,
            header,
        )


def test_every_builtin_template_has_the_required_placeholders() -> None:
    for goal in builtin_goals():
        assert "{{.promptInstructions}}" in goal.prompt_template, goal.name
        assert "{{.contextHeader}}" in goal.prompt_template, goal.name
        assert "{{.contextTxtar}}" in goal.prompt_template, goal.name
        if goal.name != "implementation-plan":
            assert "{{.description" in goal.prompt_template, goal.name


def test_builtin_descriptions_used_by_completion() -> None:
    descriptions = {g.name: g.description for g in builtin_goals()}
    assert descriptions["comment-stripper"].startswith("Remove useless comments")
    assert descriptions["doc-generator"].startswith("Generate comprehensive documentation")
    assert descriptions["test-generator"].startswith("Generate comprehensive test suites")
    assert descriptions["commit-message"].startswith("Generate Kubernetes-style commit messages")


def test_every_builtin_command_has_name_and_type_and_custom_ones_a_handler() -> None:
    for goal in builtin_goals():
        assert goal.commands, goal.name
        for command in goal.commands:
            assert command.name and command.type in ("contextManager", "custom", "help")
            if command.type == "custom":
                assert command.handler.strip().startswith("function"), (goal.name, command.name)


def command_names(goal: Goal) -> list[str]:
    return [c.name for c in goal.commands or []]


def test_builtin_command_sets_and_order() -> None:
    goals = builtins_by_name()
    assert command_names(goals["comment-stripper"]) == [
        "add", "note", "list", "edit", "remove", "show", "copy", "help",
    ]  # fmt: skip
    assert "diff" not in command_names(goals["comment-stripper"])
    assert command_names(goals["doc-generator"])[-2:] == ["type", "help"]
    assert command_names(goals["test-generator"])[-3:] == ["type", "framework", "help"]
    assert command_names(goals["morale-improver"])[-4:] == [
        "set-original", "set-plan", "set-failures", "help",
    ]  # fmt: skip
    assert command_names(goals["implementation-plan"])[-1] == "goal"
    notes = {c.name: c.description for c in goals["test-generator"].commands or []}
    assert notes["note"] == "Add a note about test requirements"


def test_builtin_state_and_type_instructions() -> None:
    goals = builtins_by_name()
    assert goals["doc-generator"].state_vars == {"type": "comprehensive"}
    assert set(goals["doc-generator"].prompt_options["typeInstructions"]) == {
        "comprehensive", "api", "readme", "inline", "tutorial",
    }  # fmt: skip
    assert goals["test-generator"].state_vars == {"type": "unit", "framework": "auto"}
    assert goals["test-generator"].notable_variables == ["type", "framework"]
    assert set(goals["test-generator"].prompt_options["typeInstructions"]) == {
        "unit", "integration", "e2e", "performance", "security",
    }  # fmt: skip
    morale = goals["morale-improver"]
    assert morale.state_vars == dict.fromkeys(morale.notable_variables or [])
    assert "100% complete" in morale.prompt_template and "ALL OF IT" in morale.prompt_template
    plan = goals["implementation-plan"]
    assert "!! **GOAL:** {{.stateKeys.goalText -}} !!" in plan.prompt_instructions
    assert plan.banner_template.startswith("Implementation Plan Generator")


def test_builtin_templates_use_no_legacy_keys() -> None:
    for goal in builtin_goals():
        for text in (goal.prompt_instructions, goal.prompt_template):
            for key in re.findall(r"\{\{-?\s*\.(\w+)", text):
                assert key in {
                    "description", "promptInstructions", "contextHeader", "contextTxtar",
                    "stateKeys", "typeInstructions",
                }, (goal.name, key)  # fmt: skip


def test_builtin_goals_are_fresh_copies() -> None:
    first = builtin_goals()
    first[1].state_vars["type"] = "changed"
    assert builtins_by_name()["doc-generator"].state_vars == {"type": "comprehensive"}


def test_bundled_templates_have_their_tested_phrases() -> None:
    review = template_text("code_review")
    for phrase in (
        "GUARANTEE the correctness of my PR",
        "sink commensurate effort",
        "you care deeply about keeping your word",
        "think very VERY hard",
        "there's _always_ another problem",
        "Question all information provided",
        "_only_ if it is simply impossible to verify are you allowed to trust",
        "Provide a succinct summary then more detailed analysis",
        "removing any single part, or applying any transformation or adjustment of wording, would make it materially worse",
    ):
        assert phrase in review
    assert review.endswith("\n\n## IMPLEMENTATIONS/CONTEXT\n\n{{.contextTxtar}}\n")
    flow = template_text("prompt_flow")
    for marker in (
        "!! **GOAL:** !!\n{{.goal}}",
        "!! **IMPLEMENTATIONS/CONTEXT:** !!\n{{.contextTxtar}}",
        "!! **TEMPLATE:** !!\n``````",
        "!! **CRITICAL: ",
    ):
        assert marker in flow
    document = template_text("super_document")
    assert "## DOCUMENTS" in document and "Document {{$doc.id}}:" in document


# -- registry -------------------------------------------------------------------------------


def make_registry(*dirs: Path, warnings: list[str] | None = None, **kwargs) -> GoalRegistry:
    sink = warnings if warnings is not None else []
    return GoalRegistry(paths=[str(d) for d in dirs], warn=sink.append, **kwargs)


def test_registry_lists_and_gets_builtins(tmp_path: Path) -> None:
    registry = make_registry(tmp_path / "none")
    names = registry.list()
    assert names == sorted(EXPECTED_BUILTINS)
    assert registry.get("doc-generator").context_header == "CODE TO DOCUMENT"
    assert [g.name for g in registry.get_all_goals()] == names
    with pytest.raises(GoalNotFoundError) as info:
        registry.get("nope")
    assert str(info.value) == "goal not found: nope"
    assert isinstance(info.value, CommandError)


def test_user_goal_overrides_builtin_and_first_directory_wins(tmp_path: Path) -> None:
    high, low = tmp_path / "high", tmp_path / "low"
    write_goal(high, "x.json", {"name": "doc-generator", "description": "mine", "category": "c"})
    write_goal(low, "y.json", {"name": "doc-generator", "description": "theirs"})
    write_goal(low, "z.json", {"name": "extra", "description": "only low"})
    registry = make_registry(high, low)
    assert registry.get("doc-generator").description == "mine"
    assert registry.get("extra").description == "only low"
    assert registry.list() == sorted([*EXPECTED_BUILTINS, "extra"])


def test_invalid_files_warn_and_do_not_break_builtins(tmp_path: Path) -> None:
    goals = tmp_path / "goals"
    bad = write_goal(goals, "bad.json", "{oops")
    nameless = write_goal(goals, "nameless.json", {"description": "x"})
    warnings: list[str] = []
    registry = make_registry(goals, warnings=warnings)
    assert registry.list() == sorted(EXPECTED_BUILTINS)
    assert len(warnings) == 2
    assert warnings[0].startswith(
        f"warning: failed to load goal from {bad}: failed to parse goal JSON"
    )
    assert warnings[1] == (
        f"warning: failed to load goal from {nameless}: invalid goal definition: Name is required"
    )
    assert registry.warnings == warnings


def test_registry_is_lazy_and_reload_picks_up_new_files(tmp_path: Path) -> None:
    goals = tmp_path / "goals"
    warnings: list[str] = []
    registry = make_registry(goals, warnings=warnings)
    write_goal(goals, "bad.json", "{oops")
    assert warnings == []  # nothing read at construction
    assert "new-one" not in registry.list()
    assert len(warnings) == 1
    write_goal(goals, "new.json", {"name": "new-one", "description": "fresh"})
    assert "new-one" not in registry.list()  # cached until reload
    registry.reload()
    assert registry.get("new-one").description == "fresh"


def test_registry_with_custom_builtins_and_empty(tmp_path: Path) -> None:
    registry = make_registry(tmp_path, builtins=[])
    assert registry.list() == []
    assert registry.get_all_goals() == []


def test_registry_uses_discovery_from_config(tmp_path: Path, monkeypatch) -> None:
    from one_shot_man.config import load_from_reader

    goals = tmp_path / "custom"
    write_goal(goals, "g.json", {"name": "from-config", "description": "d"})
    config = load_from_reader(
        [
            f"goal.paths {goals}\n",
            "goal.autodiscovery false\n",
            "goal.disable-standard-paths true\n",
        ]
    )
    registry = GoalRegistry(config, warn=lambda m: None)
    assert registry.get("from-config").source == str(goals / "g.json")
    assert registry.paths == [str(goals)]


def test_a_minimal_goal_file_gets_the_standard_prompt_and_context_commands(tmp_path: Path) -> None:
    """Deliberate difference from Go (docs/compat.md): no empty prompt, no help-only mode."""
    from one_shot_man.workflows.builtin_goals import CONTEXT_COMMANDS, STANDARD_TEMPLATE

    goal = load_goal_file(write_goal(tmp_path, "g.json", {"name": "g", "description": "d"}))
    config = goal.to_config()
    assert config["promptTemplate"] == STANDARD_TEMPLATE
    assert [c["name"] for c in config["commands"]] == list(CONTEXT_COMMANDS)
    assert {c["type"] for c in config["commands"]} == {"contextManager"}
    explicit = load_goal_file(
        write_goal(tmp_path, "h.json", {"name": "h", "description": "d", "commands": []})
    )
    assert explicit.to_config()["commands"] in (None, [])


def test_deeply_nested_goal_json_names_the_file(tmp_path: Path) -> None:
    """Found by tests/properties: json.loads raised RecursionError (a traceback) for a goal
    file nested ~1000 deep (the minimal depth is the recursion limit)."""
    import sys

    depth = sys.getrecursionlimit() + 10
    path = write_goal(tmp_path, "deep.json", "[" * depth + "]" * depth)
    with pytest.raises(
        ConfigError, match=r"deep\.json: failed to parse goal JSON: nested too deeply"
    ):
        load_goal_file(path)
