"""The built-in commands: every `osm <name>` a user types that is not a script-folder executable.

Naming rule: a module is named after the command it implements (`osm session` ->
`session.py`, `osm prompt` -> `prompt.py`); the three workflow commands (code-review,
prompt-flow, super-document) share one class and live together in `workflows.py`.

These modules may import the command framework in `one_shot_man/command/` (base, flags,
registry, discovery, engine_support) and the layers below it; the framework never imports
them (the registry names them in its lazy table as strings, so `osm version` imports only
`version.py`). This file stays empty of imports: it is loaded on every command run.
"""
