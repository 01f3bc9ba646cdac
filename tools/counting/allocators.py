"""The allocator functions: their own (self) cost is left out of the gated figure.

Why: measured on these machines (shared/counting-guide.md), unrelated heap changes (a few more
live objects at import, one more file in the working directory, a longer environment) moved raw
counts by 0.05-0.13% and one regex workload by 2.1%, all of it inside glibc's malloc internals
and pymalloc. Without the allocators' self cost the worst shift was 0.015%. The calls into the
allocators are still counted (`allocation_calls`) and raw Ir is reported beside the gated
figure, so a change that allocates more still shows.

Names as Callgrind prints them for CPython 3.11 (libpython) and glibc 2.36 (libc.so.6); a name
that does not occur costs nothing.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Mapping

#: GCC's clones of a function keep its name plus a suffix: ``unlink_chunk.constprop.0``.
_CLONE_SUFFIX = re.compile(r"(\.(?:constprop|isra|part|cold|lto_priv)(?:\.\d+)?)+$")
#: Code without a symbol (mostly PLT stubs: one jump to the function they stand for).
_NO_SYMBOL = re.compile(r"^0x[0-9a-fA-F]+$")

#: glibc's malloc family and its internals.
GLIBC = frozenset(
    {
        "malloc",
        "free",
        "calloc",
        "realloc",
        "cfree",
        "memalign",
        "posix_memalign",
        "aligned_alloc",
        "valloc",
        "pvalloc",
        "malloc_usable_size",
        "malloc_trim",
        "__libc_malloc",
        "__libc_free",
        "__libc_calloc",
        "__libc_realloc",
        "__libc_memalign",
        "__malloc_usable_size",
        "_int_malloc",
        "_int_free",
        "_int_realloc",
        "_int_memalign",
        "_mid_memalign",
        "_int_free_merge_chunk",
        "_int_free_create_chunk",
        "_int_free_maybe_consolidate",
        "unlink_chunk",
        "malloc_consolidate",
        "sysmalloc",
        "sysmalloc_mmap",
        "systrim",
        "heap_trim",
        "mtrim",
        "munmap_chunk",
        "mremap_chunk",
        "tcache_init",
        "tcache_get",
        "tcache_put",
        "tcache_get_n",
        "tcache_put_n",
        "arena_get2",
        "arena_get_retry",
        "get_free_list",
        "_int_new_arena",
        "new_heap",
        "alloc_new_heap",
        "shrink_heap",
        "ptmalloc_init",
        "malloc_hook_ini",
        "__default_morecore",
        "__glibc_morecore",
        "__morecore",
        "alloc_perturb",
        "free_perturb",
    }
)

#: CPython's allocator layers (PyMem_*, PyObject_*, pymalloc's pools and arenas).
PYMALLOC = frozenset(
    {
        "PyMem_Malloc",
        "PyMem_Calloc",
        "PyMem_Realloc",
        "PyMem_Free",
        "PyMem_RawMalloc",
        "PyMem_RawCalloc",
        "PyMem_RawRealloc",
        "PyMem_RawFree",
        "_PyMem_RawMalloc",
        "_PyMem_RawCalloc",
        "_PyMem_RawRealloc",
        "_PyMem_RawFree",
        "PyObject_Malloc",
        "PyObject_Calloc",
        "PyObject_Realloc",
        "PyObject_Free",
        "_PyObject_Malloc",
        "_PyObject_Calloc",
        "_PyObject_Realloc",
        "_PyObject_Free",
        "pymalloc_alloc",
        "pymalloc_free",
        "pymalloc_realloc",
        "allocate_from_new_pool",
        "insert_to_usedpool",
        "insert_to_freepool",
        "new_arena",
        "address_in_range",
        "_PyObject_ArenaMmap",
        "_PyObject_ArenaMunmap",
        "_PyObject_VirtualAlloc",
        "_PyObject_VirtualFree",
    }
)

ALLOCATOR_FUNCTIONS = GLIBC | PYMALLOC

#: Where an allocation enters the allocators (a call from outside them to one of these is one
#: allocation). Frees are not allocations; reallocations are.
ALLOCATION_ENTRIES = frozenset(
    {
        "malloc",
        "calloc",
        "realloc",
        "memalign",
        "posix_memalign",
        "aligned_alloc",
        "valloc",
        "pvalloc",
        "__libc_malloc",
        "__libc_calloc",
        "__libc_realloc",
        "__libc_memalign",
        "PyMem_Malloc",
        "PyMem_Calloc",
        "PyMem_Realloc",
        "PyMem_RawMalloc",
        "PyMem_RawCalloc",
        "PyMem_RawRealloc",
        "_PyMem_RawMalloc",
        "_PyMem_RawCalloc",
        "_PyMem_RawRealloc",
        "PyObject_Malloc",
        "PyObject_Calloc",
        "PyObject_Realloc",
        "_PyObject_Malloc",
        "_PyObject_Calloc",
        "_PyObject_Realloc",
    }
)


def base_name(name: str) -> str:
    """A function's name without GCC's clone suffix: ``unlink_chunk.constprop.0`` -> ``unlink_chunk``."""
    return _CLONE_SUFFIX.sub("", name)


def is_allocator(name: str) -> bool:
    """An allocator function, GCC clones (``unlink_chunk.constprop.0``) included."""
    return base_name(name) in ALLOCATOR_FUNCTIONS


def allocator_self_cost(self_cost: Mapping[str, int]) -> int:
    """Instructions executed inside the allocator functions themselves."""
    return sum(cost for name, cost in self_cost.items() if is_allocator(name))


def _allocator_share(calls: Mapping[tuple[str, str], int]) -> dict[str, float]:
    """For each caller: the share of its work done on the allocators' behalf.

    1 for an allocator, 0 for ordinary code, and for code without a symbol (a PLT stub, shared
    by every caller in its library) the share of its calls that came from an allocator:
    ``_PyMem_RawMalloc`` reaches glibc's ``malloc`` through such a stub.
    """
    into: Counter[str] = Counter()
    from_allocators: Counter[str] = Counter()
    for (caller, callee), n in calls.items():
        if _NO_SYMBOL.match(callee):
            into[callee] += n
            if is_allocator(caller):
                from_allocators[callee] += n
    share = {name: from_allocators[name] / n for name, n in into.items() if n}
    for caller, _ in calls:
        if is_allocator(caller):
            share[caller] = 1.0
    return share


def allocator_cost(
    self_cost: Mapping[str, int],
    call_cost: Mapping[tuple[str, str], int],
    calls: Mapping[tuple[str, str], int] | None = None,
) -> int:
    """The allocators' self cost plus what they call outside themselves (memcpy in realloc).

    Measured: shifting glibc's heap by a few 600-byte buffers moved msgspec's encode of 10
    history entries by 1.9% (its buffer's realloc moved instead of growing in place, and the
    move is a memcpy called from _int_realloc); counted with the allocator, it is gone.

    Each instruction is left out once: a call into a PLT stub is not taken whole (the stub's
    inclusive cost holds the allocator it jumps to, whose self cost is already left out);
    what the stub calls outside the allocators is taken at the stub's allocator share.
    Counting those calls whole subtracted glibc's malloc twice, so the gated figure moved by
    twice the heap-dependent part: PromptAssembly(1) by 0.4% between heap offsets.
    """
    share = _allocator_share(calls if calls is not None else {})
    for caller, _ in call_cost:
        if is_allocator(caller):
            share[caller] = 1.0
    outside = sum(
        cost * share.get(caller, 0.0)
        for (caller, callee), cost in call_cost.items()
        if not is_allocator(callee) and not _NO_SYMBOL.match(callee)
    )
    return allocator_self_cost(self_cost) + round(outside)


def allocation_calls(calls: Iterable[tuple[tuple[str, str], int]]) -> int:
    """Calls from outside the allocators into an allocation entry point.

    A call from one allocator layer to the next (PyObject_Malloc -> _PyObject_Malloc -> malloc,
    directly or through a PLT stub) is part of one allocation and is not counted again.
    """
    edges = dict(calls)
    share = _allocator_share(edges)
    return round(
        sum(
            n * (1.0 - share.get(caller, 0.0))
            for (caller, callee), n in edges.items()
            if callee in ALLOCATION_ENTRIES
        )
    )
