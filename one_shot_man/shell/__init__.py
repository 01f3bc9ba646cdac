"""The interactive shell the workflows and `osm script -i` run in.

`shell` is the line executor and loop (`Shell`, `run_terminal`, `run_piped_session`),
`builtins` the shell's own commands (help, exit, mode), `completion` the completion table,
`suggest` the "did you mean a command?" rule, `frontend` the prompt_toolkit line editor and
`shutdown` the signal that stops the loop. Imports point one way inside: `shell` imports the
others, `frontend` and `builtins` import `completion` (and `shutdown`), nothing imports `shell`.

May import: `scripting` (the engine it drives, argv, unsaved sessions) and the packages
below it, plus prompt_toolkit (only in `frontend`, loaded on first interactive use). Never
`command`, `workflows` or `cli`, which start it. This file imports nothing.
"""
