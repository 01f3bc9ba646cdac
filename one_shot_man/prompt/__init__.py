"""Prompt assembly: files, diffs and notes become the text a user pastes into an LLM.

`context` holds the tracked context items (`ContextManager`: files, directories, globs, the
txtar export), `build` renders a prompt (`build_context`: notes, fenced diffs, the txtar
file section, plus the small helpers of the shell's context commands), `gitdiff` runs
`git diff` for lazy diffs and `txtar` reads and writes txtar archives.

May import: `gotemplate` (Go `fmt` type names), `argv`, `jsstring`, `errors` and the
standard library. Never `scripting`, `shell` or anything above: JavaScript reaches this
package through `scripting/modules/ctxutil.py` and the engine, not the other way round.
This file imports nothing.
"""
