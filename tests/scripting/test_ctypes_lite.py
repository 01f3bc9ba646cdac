"""The lean ctypes names behave as ctypes' own, and `osm script` no longer imports ctypes."""

from __future__ import annotations

import ctypes
import subprocess
import sys

import _quickjs
import pytest

from one_shot_man.scripting import ctypes_lite

PAIRS = ["c_void_p", "c_char_p", "c_int", "c_bool", "c_int64", "c_uint64", "c_size_t"]


@pytest.mark.parametrize("name", PAIRS)
def test_each_type_has_the_size_and_value_conversion_of_ctypes_own(name: str) -> None:
    lean, real = getattr(ctypes_lite, name), getattr(ctypes, name)
    assert ctypes_lite.sizeof(lean) == ctypes.sizeof(real)
    sample = {"c_char_p": b"osm", "c_bool": True, "c_void_p": 4096}.get(name, -5)
    if name in ("c_uint64", "c_size_t"):
        sample = 2**40 + 7
    assert lean(sample).value == real(sample).value


def test_a_function_of_a_loaded_library_returns_python_values() -> None:
    lib = ctypes_lite.PyDLL(_quickjs.__file__)
    new_runtime = lib.JS_NewRuntime
    new_runtime.restype = ctypes_lite.c_void_p
    free_runtime = lib.JS_FreeRuntime
    free_runtime.argtypes = [ctypes_lite.c_void_p]
    free_runtime.restype = None
    rt = new_runtime()
    assert isinstance(rt, int) and rt
    assert lib.JS_NewRuntime is new_runtime  # looked up once, its restype kept
    free_runtime(rt)
    with pytest.raises(AttributeError):
        getattr(lib, "JS_NoSuchFunction")  # noqa: B009 - the lookup is the test


def test_cast_and_string_at_read_what_ctypes_reads() -> None:
    buf = ctypes.create_string_buffer(b"one-shot\0man", 12)
    address = ctypes.addressof(buf)
    assert ctypes_lite.string_at(address, 12) == ctypes.string_at(address, 12)
    callback_type = ctypes_lite.CFUNCTYPE(ctypes_lite.c_int, ctypes_lite.c_int)
    thunk = callback_type(lambda x: x + 1)
    assert thunk(41) == 42
    pointer = ctypes_lite.cast(thunk, ctypes_lite.c_void_p).value
    assert pointer == ctypes.cast(thunk, ctypes.c_void_p).value and pointer


def test_osm_script_runs_without_importing_ctypes() -> None:
    # Interrupts, rejection reports and cached bytecode (the _native paths) all in one process.
    code = (
        "import sys\n"
        "from one_shot_man.scripting.runtime import Runtime\n"
        "rt = Runtime(eval_timeout=0.2)\n"
        "rt.load_script('a.js', 'Promise.reject(new Error(\"x\"))')\n"
        "rt.run_until_idle(2)\n"
        "try:\n"
        "    rt.load_script('b.js', 'for (;;) {}')\n"
        "except Exception as e:\n"
        "    print(type(e).__name__)\n"
        "rt.close()\n"
        "Runtime().close(); Runtime().close()\n"
        "print('ctypes' in sys.modules, '_ctypes' in sys.modules)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert "unhandled promise rejection: Error: x" in done.stderr  # the tracker ran
    assert done.stdout.split() == ["TimeLimitError", "False", "True"]  # the interrupt ran
