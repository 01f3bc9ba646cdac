"""Go `text/template` in pure Python: every osm prompt template is Go template syntax.

Public entry: `one_shot_man.gotemplate.template` (`Template`, `execute`, the errors and Go
`fmt`'s `sprintf`). Inside: `lexer` -> `parser` (the AST) -> `executor`, with the built-in
functions in `functions`, Go `fmt` verbs in `formatting` and the error classes in `errors`.

May import: the standard library and `one_shot_man.errors` only. It knows nothing of
JavaScript, sessions or prompts; `prompt` and `scripting` import it, never the reverse.
This file imports nothing, so importing a submodule costs only that submodule.
"""
