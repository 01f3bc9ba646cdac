"""Modes written as the Go original's example scripts write them, run through `osm script -i`.

The original's demo mode declares `tui.createState(MODE, {counter: {defaultValue: 0}})`
with string keys and reads `state.get("counter")`; that threw "unregistered Symbol" (in
the original too). Here it works, and the value survives a restart of the session.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

DEMO = r"""
const MODE_NAME = "demo";
const state = tui.createState(MODE_NAME, {
    counter: {defaultValue: 0},
    messages: {defaultValue: []},
});
tui.registerMode({
    name: MODE_NAME,
    tui: {title: "Demo Mode", prompt: "[demo]> "},
    onEnter: function () { output.print("Entered demo mode!"); },
    onExit: function () { output.print("Final counter value: " + state.get("counter")); },
    commands: function () {
        return {
            count: {
                description: "Increment the counter",
                handler: function () {
                    var counter = state.get("counter");
                    counter++;
                    state.set("counter", counter);
                    output.print("Counter: " + counter);
                },
            },
            message: {
                description: "Add a message to the list",
                usage: "message <text>",
                handler: function (args) {
                    var messages = state.get("messages");
                    messages.push(args.join(" "));
                    state.set("messages", messages);
                    output.print("Total messages: " + messages.length);
                },
            },
            show: {
                description: "Show current state",
                handler: function () {
                    output.print("Counter: " + state.get("counter") +
                        ", messages: " + JSON.stringify(state.get("messages")));
                },
            },
        };
    },
});
"""


def osm_script(script: Path, lines: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "one_shot_man", "script", "-i", str(script)],
        input=lines,
        cwd=script.parent,
        env={**env, "OSM_SESSION": "example-demo"},
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_string_keyed_state_of_the_demo_mode_survives_a_restart(
    tmp_path: Path, shell_env: dict[str, str], sessions_dir: Path
) -> None:
    script = tmp_path / "demo.js"
    script.write_text(DEMO)
    first = osm_script(script, "mode demo\ncount\ncount\nmessage hello there\nexit\n", shell_env)
    assert first.returncode == 0, first.stderr
    assert "Counter: 1\nCounter: 2\nTotal messages: 1\nFinal counter value: 2\n" in first.stdout
    assert "Error" not in first.stdout + first.stderr

    second = osm_script(script, "mode demo\ncount\nshow\nexit\n", shell_env)
    assert second.returncode == 0, second.stderr
    assert 'Counter: 3\nCounter: 3, messages: ["hello there"]\n' in second.stdout

    # Stored as a Symbol('counter') definition would be: the mode's namespace, plain names.
    (session_file,) = sessions_dir.glob("*example-demo*.session.json")
    stored = json.loads(session_file.read_text())
    assert stored["scriptState"]["demo"] == {"counter": 3, "messages": ["hello there"]}
