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

from collections.abc import Iterable, Mapping

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


def allocator_self_cost(self_cost: Mapping[str, int]) -> int:
    """Instructions executed inside the allocator functions themselves."""
    return sum(cost for name, cost in self_cost.items() if name in ALLOCATOR_FUNCTIONS)


def allocator_cost(self_cost: Mapping[str, int], call_cost: Mapping[tuple[str, str], int]) -> int:
    """The allocators' self cost plus what they call outside themselves (memcpy in realloc).

    Measured: shifting glibc's heap by a few 600-byte buffers moved msgspec's encode of 10
    history entries by 1.9% (its buffer's realloc moved instead of growing in place, and the
    move is a memcpy called from _int_realloc); counted with the allocator, it is gone.
    """
    outside = sum(
        cost
        for (caller, callee), cost in call_cost.items()
        if caller in ALLOCATOR_FUNCTIONS and callee not in ALLOCATOR_FUNCTIONS
    )
    return allocator_self_cost(self_cost) + outside


def allocation_calls(calls: Iterable[tuple[tuple[str, str], int]]) -> int:
    """Calls from outside the allocators into an allocation entry point.

    A call from one allocator layer to the next (PyObject_Malloc -> _PyObject_Malloc -> malloc)
    is part of one allocation and is not counted again.
    """
    return sum(
        n
        for (caller, callee), n in calls
        if callee in ALLOCATION_ENTRIES and caller not in ALLOCATOR_FUNCTIONS
    )
