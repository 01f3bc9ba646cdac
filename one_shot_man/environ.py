"""Every environment variable osm reads, in one place, so tests and benchmarks can shut them out.

The readers keep their own lookups (importing this module at start-up would cost `osm version`
time for nothing); this list is what they read, checked against the source by
tests/environ/test_environ.py, and `ISOLATED_VARS` is the part that tests and benchmarks unset
so a developer's terminal (tmux, ssh, an exported OSM_STORE) cannot change their results.
"""

from __future__ import annotations

__all__ = ["ISOLATED_VARS", "READ_VARS"]

#: Variable -> what osm uses it for.
READ_VARS: dict[str, str] = {
    "OSM_SESSION": "explicit session ID (session discovery)",
    "OSM_SESSION_ID": "declared config override of session.id; not read for the ID",
    "OSM_STORE": "storage backend: fs or memory",
    "OSM_CONFIG": "path of the config file",
    "OSM_CLIPBOARD": "shell command that receives copied text",
    "OSM_TOKENIZER": "tokenizer file for token counts",
    "OSM_DISABLE_GOAL_AUTODISCOVERY": "turns goal autodiscovery off",
    "OSM_LOG_FILE": "config override of log.file",
    "OSM_LOG_LEVEL": "config override of log.level",
    "TMUX": "tmux session (session ID source, clipboard via tmux)",
    "TMUX_PANE": "tmux pane (session ID source)",
    "STY": "GNU screen session (session ID source)",
    "SSH_CONNECTION": "ssh connection (session ID source)",
    "TERM_SESSION_ID": "terminal session (session ID source)",
    "HOME": "home directory (config, sessions, `~/` in paths)",
    "USERPROFILE": "home directory on Windows",
    "APPDATA": "config directory on Windows",
    "XDG_CONFIG_HOME": "config directory",
    "EDITOR": "editor for interactive editing",
    "VISUAL": "preferred editor (osm:os openEditor)",
    "PATH": "where clipboard programs are looked up",
    "DISPLAY": "X11 clipboard available",
    "WAYLAND_DISPLAY": "Wayland clipboard available",
    "WSL_DISTRO_NAME": "running under WSL (clipboard via clip.exe)",
    "WSL_INTEROP": "running under WSL (clipboard via clip.exe)",
}

#: Variables that change what osm does (session ID source, store, config path, clipboard,
#: tokenizer, goal discovery); tests and benchmarks unset them. HOME and XDG_CONFIG_HOME are
#: pointed at a private directory instead.
ISOLATED_VARS: tuple[str, ...] = (
    "OSM_SESSION",
    "OSM_STORE",
    "OSM_CONFIG",
    "OSM_CLIPBOARD",
    "OSM_TOKENIZER",
    "OSM_DISABLE_GOAL_AUTODISCOVERY",
    "TMUX",
    "TMUX_PANE",
    "STY",
    "SSH_CONNECTION",
    "TERM_SESSION_ID",
)
