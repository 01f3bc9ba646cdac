"""Hard performance limits, in microseconds per operation, as the seed document names them.

These are the product's regression guard: a test in this folder enforces every one of
them. They are upper bounds for a healthy build on a slow shared machine, not targets;
the asv suite tracks the real numbers over time. Never raise one to make a test pass.
"""

# Session operations
THRESHOLD_SESSION_ID_GENERATION_US = 100
THRESHOLD_SESSION_CREATION_US = 500
THRESHOLD_SESSION_PERSISTENCE_WRITE_US = 1000
THRESHOLD_SESSION_PERSISTENCE_READ_US = 500
THRESHOLD_CONCURRENT_SESSION_ACCESS_US = 2000

# Scripting engine
THRESHOLD_RUNTIME_CREATION_US = 50000
THRESHOLD_GLOBAL_REGISTRATION_US = 100
THRESHOLD_SIMPLE_SCRIPT_EXEC_US = 1000
THRESHOLD_VM_CREATION_US = 5000
