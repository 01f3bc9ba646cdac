"""The few ctypes names `_native` needs, made from the `_ctypes` extension directly.

`import ctypes` runs ~8 M instructions of Python on top of its C part (~1 M): it defines some
forty C types, library loaders and helpers, and `osm script` needs eight of them. That was about
a fifth of what `osm script` adds to the interpreter's own start-up. The types here are plain
`_SimpleCData` subclasses with C type codes of the same sizes as ctypes' own, so arguments and
results convert exactly as with ctypes' types. Where
`_ctypes` lacks a piece (another interpreter), `ctypes` itself is used.
"""

from __future__ import annotations

TYPE_CHECKING = False  # checkers see ctypes' own names (the same types, fully annotated)

__all__ = [
    "CFUNCTYPE",
    "POINTER",
    "PyDLL",
    "Structure",
    "byref",
    "c_bool",
    "c_char_p",
    "c_int",
    "c_int64",
    "c_size_t",
    "c_uint64",
    "c_void_p",
    "cast",
    "sizeof",
    "string_at",
]

_LEAN = False
if not TYPE_CHECKING:
    try:
        from _ctypes import (
            FUNCFLAG_CDECL,
            FUNCFLAG_PYTHONAPI,
            POINTER,
            CFuncPtr,
            Structure,
            _cast_addr,
            _SimpleCData,
            _string_at_addr,
            byref,
            dlopen,
            sizeof,
        )

        class c_void_p(_SimpleCData):
            _type_ = "P"

        class c_char_p(_SimpleCData):
            _type_ = "z"

        class c_int(_SimpleCData):
            _type_ = "i"

        class c_bool(_SimpleCData):
            _type_ = "?"

        class c_int64(_SimpleCData):  # long long: 64 bits wherever osm runs (long is not)
            _type_ = "q"

        class c_uint64(_SimpleCData):
            _type_ = "Q"

        class c_size_t(_SimpleCData):
            _type_ = "Q" if sizeof(c_void_p) == 8 else "I"

        class _PyObject(_SimpleCData):
            _type_ = "O"

        def CFUNCTYPE(restype, *argtypes):
            """A C function type (C calling convention, GIL released), as ctypes.CFUNCTYPE."""

            class _CFunction(CFuncPtr):
                _argtypes_ = argtypes
                _restype_ = restype
                _flags_ = FUNCFLAG_CDECL

            return _CFunction

        class PyDLL:
            """A loaded library whose functions hold the GIL while they run (ctypes.PyDLL)."""

            def __init__(self, name: str) -> None:
                self._name = name
                self._handle = dlopen(name, 0)  # RTLD_LOCAL; _ctypes adds RTLD_NOW

            def __getattr__(self, name: str):
                if name.startswith("__") and name.endswith("__"):
                    raise AttributeError(name)
                function = _PY_FUNCTION((name, self))
                setattr(self, name, function)  # found once; restype/argtypes set on it stay
                return function

        def _python_api(restype, *argtypes):
            """A C function type that holds the GIL while it runs (ctypes' PYFUNCTYPE)."""

            class _Function(CFuncPtr):
                _argtypes_ = argtypes
                _restype_ = restype
                _flags_ = FUNCFLAG_CDECL | FUNCFLAG_PYTHONAPI

            return _Function

        _PY_FUNCTION = _python_api(c_int)  # a PyDLL function before its restype is set
        _cast = _python_api(_PyObject, c_void_p, _PyObject, _PyObject)(_cast_addr)
        _string_at = _python_api(_PyObject, c_void_p, c_int)(_string_at_addr)

        def cast(obj, typ):
            """`obj` seen as a value of C type `typ` (ctypes.cast)."""
            return _cast(obj, obj, typ)

        def string_at(address, size: int = -1) -> bytes:
            """The bytes at a C address (ctypes.string_at)."""
            data: bytes = _string_at(address, size)
            return data

        _LEAN = True
    except (ImportError, AttributeError):  # pragma: no cover - an interpreter without these
        pass

if TYPE_CHECKING or not _LEAN:  # checkers, or the real ctypes in their place
    from ctypes import (
        CFUNCTYPE,
        POINTER,
        PyDLL,
        Structure,
        byref,
        c_bool,
        c_char_p,
        c_int,
        c_int64,
        c_size_t,
        c_uint64,
        c_void_p,
        cast,
        sizeof,
        string_at,
    )
