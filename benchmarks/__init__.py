"""asv benchmark suite for one_shot_man: one module per library subsystem (docs/performance.md)."""
