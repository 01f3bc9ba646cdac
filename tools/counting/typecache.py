"""CPython's type attribute cache: its lookups and refills are left out of the gated figure.

Why: every attribute lookup on a type goes through ``_PyType_Lookup``, which tries a 4,096-entry
cache indexed by the type's version tag XOR the *address* of the name (CPython 3.11,
typeobject.c). Two (type, name) pairs an operation uses that land in one entry evict each other
on every call, and each miss walks the MRO (``find_name_in_mro``: a dict lookup per class)
and refills the entry. Which pairs collide follows where the names were allocated, i.e. the
memory layout, not the operation: a 6-byte longer command line moved config path resolution by
+0.62% (+213 Ir per call, two misses), another layout by +1.9%; in a layout without collisions
the operation has no misses at all. So, like the allocators, the cache's own cost is out of the
gated figure (its lookup's self cost and the refills with everything they call); the lookups
themselves are still counted where they are made (getattr, the eval loop), and raw Ir keeps all.
"""

from __future__ import annotations

from collections.abc import Mapping

from .allocators import base_name

LOOKUP = "_PyType_Lookup"
#: What _PyType_Lookup calls on a miss: the MRO walk and the version tag for the refill.
REFILLS = frozenset({"find_name_in_mro", "assign_version_tag"})


def type_cache_cost(self_cost: Mapping[str, int], call_cost: Mapping[tuple[str, str], int]) -> int:
    """Ir of the type cache: _PyType_Lookup's self cost plus its refills' inclusive cost."""
    refills = sum(
        cost
        for (caller, callee), cost in call_cost.items()
        if base_name(caller) == LOOKUP and base_name(callee) in REFILLS
    )
    return sum(cost for name, cost in self_cost.items() if base_name(name) == LOOKUP) + refills
