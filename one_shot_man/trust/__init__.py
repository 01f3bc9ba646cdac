"""Consent for project code: goals and scripts found in a project folder run only once trusted.

Opening or cloning a repository must never be enough to run its code through osm (the
rule of git's `safe.directory`, direnv's `allow` and editors' workspace trust). A
project folder is trusted with `osm trust DIR`, which records the folder's real path
and a SHA-256 of every goal and script file osm would take from it; a file that is new
or changed since then is untrusted again. See docs/security.md.

`project` says which code folders come from a project and what they contain; `store`
keeps the user's decisions. Neither reads or hashes anything until a project goal or
script is about to run or be listed.
"""

from __future__ import annotations

from one_shot_man._lazy import lazy_exports

TYPE_CHECKING = False
if TYPE_CHECKING:
    from one_shot_man.trust.project import CodeDir, UntrustedProjectError, trust_hint
    from one_shot_man.trust.store import TrustStore, Verdict, default_store

_WHERE = {
    "CodeDir": "project",
    "UntrustedProjectError": "project",
    "trust_hint": "project",
    "TrustStore": "store",
    "Verdict": "store",
    "default_store": "store",
}

__all__ = [
    "CodeDir",
    "TrustStore",
    "UntrustedProjectError",
    "Verdict",
    "default_store",
    "trust_hint",
]


__getattr__, __dir__ = lazy_exports(__name__, _WHERE, globals())
