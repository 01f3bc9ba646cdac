"""What a new Runtime's boot code leaves behind: the globals scripts see, and rejection reports.

The boot code is trimmed for creation cost (timers assigned in place, the rejection tracker
defined at a runtime's first rejection); these pin what a script can observe of it.
"""

from __future__ import annotations

import io
import json

from one_shot_man.scripting import Engine
from one_shot_man.scripting.prelude import TIMER_FUNCTIONS
from one_shot_man.scripting.runtime import Runtime

TIMERS = ("setTimeout", "setInterval", "setImmediate")

DESCRIBE = """JSON.stringify(['setTimeout', 'setInterval', 'setImmediate'].map(n => {
  const d = Object.getOwnPropertyDescriptor(globalThis, n), f = d.value;
  let constructs = true;
  try { new f(() => {}); } catch (e) { constructs = !(e instanceof TypeError); }
  return [n, d.writable, d.enumerable, d.configurable, f.name, f.length,
          Object.hasOwn(f, 'prototype'), constructs];
}).concat([Object.keys(globalThis)]))"""


def test_timer_globals_look_like_functions_of_their_name() -> None:
    with Runtime() as rt:
        rows = json.loads(rt.context.eval(DESCRIBE))
    keys = rows.pop()
    for name, row in zip(TIMERS, rows, strict=True):
        # writable, enumerable, configurable; own name, one declared parameter; a method:
        # no prototype, not a constructor
        assert row == [name, True, True, True, name, 1, False, False]
    # the binding's own `performance`, then the timer functions in the order they are added
    assert keys == ["performance", *TIMER_FUNCTIONS]


def test_timers_still_check_their_callback_and_run_it() -> None:
    with Runtime() as rt:
        rt.load_script("t.js", "globalThis.out = []; setTimeout((a) => out.push(a), 1, 'ran');")
        rt.run_until_idle(timeout=5)
        assert rt.get_global("out") == ["ran"]
        for name in TIMERS:
            text = rt.context.eval(
                f"(() => {{ try {{ {name}('not a function'); }} catch (e) {{"
                " return e.constructor.name + ': ' + e.message; } })()"
            )
            assert text == 'TypeError: The "callback" argument must be of type function'


def test_the_first_rejection_of_each_runtime_is_reported() -> None:
    # The tracker is defined by the first rejection of a runtime: every new runtime must
    # get its own, a handled rejection must not be reported, and later ones still are.
    for round_ in range(3):
        err = io.StringIO()
        with Runtime(stderr=err) as rt:
            assert rt.context.eval("typeof globalThis.console") == "object"
            rt.load_script("h.js", "Promise.reject(new Error('kept')).catch(() => {});")
            rt.run_until_idle(timeout=5)
            assert err.getvalue() == ""
            rt.load_script("p.js", f"Promise.reject(new Error('lost {round_}'));")
            rt.run_until_idle(timeout=5)
            rt.load_script("q.js", "setTimeout(() => Promise.reject(new Error('later')), 1);")
            rt.run_until_idle(timeout=5)
        text = err.getvalue()
        assert "p.js:1:" in text and f"unhandled promise rejection: Error: lost {round_}" in text
        assert "unhandled promise rejection: Error: later" in text
        assert "kept" not in text


def test_an_engine_boots_its_prelude_with_the_runtime() -> None:
    out = io.StringIO()
    with Engine(out, io.StringIO(), store="memory") as engine:
        js = engine.runtime.context
        assert js.eval("typeof globalThis.__osm_host") == "undefined"
        assert js.eval("typeof setTimeout") == "function"
        engine.execute_script("a.js", "output.print('hi ' + typeof log.info)")
    assert out.getvalue() == "hi function\n"


def test_a_script_of_its_own_rt_track_does_not_break_the_loop() -> None:
    # `__rt_track` is defined at a runtime's first rejection, so a script can take the name
    # first; rejection reports then stop, but the loop and the next runtime carry on.
    err = io.StringIO()
    with Runtime(stderr=err) as rt:
        rt.load_script("s.js", "globalThis.__rt_track = 1; Promise.reject(new Error('x'));")
        rt.run_until_idle(timeout=5)
        rt.load_script("t.js", "globalThis.after = 2;")
        assert rt.get_global("after") == 2
    err = io.StringIO()
    with Runtime(stderr=err) as rt:
        rt.load_script("p.js", "Promise.reject(new Error('next'));")
        rt.run_until_idle(timeout=5)
    assert "unhandled promise rejection: Error: next" in err.getvalue()
