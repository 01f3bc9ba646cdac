"""The type of a value that came from JavaScript, or from JSON a script or a user wrote.

A script can hand osm anything JSON can carry, and osm reads such values only after checking
them (isinstance, `.get` with a default), so they are typed `Any`: here, under a name that
says where they came from. The type checker refuses every other `Any` outside the QuickJS
bridge (setup.cfg, `disallow_any_explicit`). Annotations import this module; code never does.
"""

from typing import Any, TypeAlias

__all__ = ["JSObject", "JSValue"]

#: A value from a script or a JSON file: None, bool, int, float, str, or a list or dict of them.
JSValue: TypeAlias = Any
#: A JSON object from a script or a file (a mode, a command, a goal, a context item...).
JSObject: TypeAlias = dict[str, JSValue]
