"""The host globals: JavaScript names osm installs into every engine's context.

`ctx` (ctx.py), `output` and `log` (output_log.py), `context` (context.py) and `tui`
(tui.py). Each module holds the JavaScript that defines the global and the host operations
it calls; the engine adds them as bridge pieces (`tui` and `context` on first use). They are
not `require`-able: the `osm:` modules a script asks for live in `scripting/modules/`, and
neither package imports the other. `console` and the timers are the runtime's own
(`scripting/prelude.py`).
"""
