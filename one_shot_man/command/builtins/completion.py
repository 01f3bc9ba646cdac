"""`osm completion [shell]`: print a tab-completion script for bash, zsh, fish or PowerShell.

The scripts list the commands known now (built-ins plus discovered script commands)
and the goal names, so re-run it after adding scripts or goals. Names and descriptions
are quoted for each shell, so an apostrophe in a goal description cannot break the
generated script.
"""

from __future__ import annotations

from one_shot_man.command.base import BaseCommand
from one_shot_man.errors import CommandError

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import TextIO

    from one_shot_man.command.registry import Registry
    from one_shot_man.workflows.goals import GoalRegistry

__all__ = ["SESSION_SUBCOMMANDS", "SHELLS", "CompletionCommand", "create"]

SHELLS = ("bash", "zsh", "fish", "powershell")
SESSION_SUBCOMMANDS = ("list", "clean", "purge", "delete", "info", "path", "id")


def _sq(text: str) -> str:
    """Single-quoted for POSIX shells and fish: `'` becomes `'\\''`."""
    return "'" + text.replace("'", "'\\''") + "'"


def _ps(text: str) -> str:
    """Single-quoted PowerShell string (`'` is doubled)."""
    return "'" + text.replace("'", "''") + "'"


def _zsh_item(name: str, description: str) -> str:
    """A `_describe` entry `name:description`; `:` in the name must be escaped."""
    return _sq(name.replace("\\", "\\\\").replace(":", "\\:") + ":" + description)


class CompletionCommand(BaseCommand):
    """Generates the completion script for one shell (default bash)."""

    name = "completion"
    description = "Generate shell completion scripts"
    usage = "completion [shell]"

    def __init__(self, registry: Registry, goal_registry: GoalRegistry | None = None) -> None:
        super().__init__()
        self.registry = registry
        self._goal_registry = goal_registry

    # -- inputs ---------------------------------------------------------------

    def commands(self) -> list[tuple[str, str]]:
        """Every command name with its description, sorted by name."""
        result = []
        for name in self.registry.list():
            try:
                result.append((name, self.registry.description_of(name)))
            except Exception:  # a command that cannot be built still completes by name
                result.append((name, ""))
        return result

    def goals(self) -> list[tuple[str, str]]:
        """Goal names with descriptions, sorted; empty when goals are unavailable."""
        registry = self._goal_registry
        if registry is None:
            try:
                from one_shot_man.workflows.goals import GoalRegistry
            except ImportError:
                return []
            registry = self._goal_registry = GoalRegistry(self.registry.config)
        result = []
        for name in sorted(registry.list()):
            try:
                description = registry.get(name).description or ""
            except Exception:
                description = ""
            result.append((name, description))
        return result

    # -- command ----------------------------------------------------------------

    def execute(self, args: list[str], stdout: TextIO, stderr: TextIO) -> int:
        if len(args) > 1:
            stderr.write(f"Too many arguments: [{' '.join(args[1:])}]\n")
            stderr.write("Usage: osm completion [shell]\n")
            raise CommandError("too many arguments")
        shell = (args[0] if args else "bash").lower()
        generator = {
            "bash": self.bash,
            "zsh": self.zsh,
            "fish": self.fish,
            "powershell": self.powershell,
            "pwsh": self.powershell,
        }.get(shell)
        if generator is None:
            stderr.write(f"Unsupported shell: {shell}\n")
            stderr.write(f"Supported shells: {', '.join(SHELLS)}\n")
            raise CommandError(f"unsupported shell: {shell}")
        stdout.write(generator())
        return 0

    # -- generators -------------------------------------------------------------

    def bash(self) -> str:
        """Bash: `_osm_completion`, registered with `complete -F`."""
        commands = " ".join(name for name, _ in self.commands())
        goals = " ".join(name for name, _ in self.goals())
        return f"""# bash completion for osm (one-shot-man)
# Enable for this shell:   source <(osm completion bash)
# Enable permanently:      osm completion bash > ~/.local/share/bash-completion/completions/osm

_osm_completion() {{
    local cur="${{COMP_WORDS[COMP_CWORD]}}"
    local prev="${{COMP_WORDS[COMP_CWORD-1]}}"
    COMPREPLY=()

    if [[ ${{COMP_CWORD}} -eq 1 ]]; then
        COMPREPLY=($(compgen -W {_sq(commands)} -- "${{cur}}"))
        return 0
    fi

    case "${{prev}}" in
        completion)
            COMPREPLY=($(compgen -W {_sq(" ".join(SHELLS))} -- "${{cur}}"))
            ;;
        goal)
            COMPREPLY=($(compgen -W {_sq(goals)} -- "${{cur}}"))
            ;;
        session)
            COMPREPLY=($(compgen -W {_sq(" ".join(SESSION_SUBCOMMANDS))} -- "${{cur}}"))
            ;;
        *)
            COMPREPLY=($(compgen -f -- "${{cur}}"))
            ;;
    esac
    return 0
}}

complete -F _osm_completion osm
"""

    def zsh(self) -> str:
        """Zsh: a `#compdef osm` function using `_arguments` and `_describe`."""
        items = "".join(
            f"                {_zsh_item(name, desc)}\n" for name, desc in self.commands()
        )
        goal_values = " ".join(_sq(name) for name, _ in self.goals())
        shells = " ".join(_sq(s) for s in SHELLS)
        subs = " ".join(_sq(s) for s in SESSION_SUBCOMMANDS)
        goal_line = f"_values 'goal-name' {goal_values}" if goal_values else "_message 'no goals'"
        return f"""#compdef osm
# zsh completion for osm (one-shot-man)
# Enable for this shell:   source <(osm completion zsh)
# Enable permanently:      osm completion zsh > "${{fpath[1]}}/_osm"  (then restart zsh)

_osm() {{
    local state line
    typeset -A opt_args

    _arguments -C \\
        '1: :->commands' \\
        '*: :->args' && return 0

    case "$state" in
        commands)
            local -a commands
            commands=(
{items}            )
            _describe 'commands' commands
            ;;
        args)
            case ${{words[2]}} in
                completion)
                    _values 'shell' {shells}
                    ;;
                goal)
                    {goal_line}
                    ;;
                session)
                    if (( CURRENT == 3 )); then
                        _values 'session-subcommand' {subs}
                    else
                        _files
                    fi
                    ;;
                *)
                    _files
                    ;;
            esac
            ;;
    esac
}}

_osm "$@"
"""

    def fish(self) -> str:
        """Fish: one `complete -c osm` line per command, shell, goal and session subcommand."""
        lines = [
            "# fish completion for osm (one-shot-man)",
            "# Enable permanently:  osm completion fish > ~/.config/fish/completions/osm.fish",
            "",
            "# Commands",
        ]
        for name, desc in self.commands():
            lines.append(
                f"complete -c osm -n '__fish_use_subcommand' -a {_sq(name)} -d {_sq(desc)}"
            )
        lines += [
            "",
            "# osm completion <shell>",
            "complete -c osm -n '__fish_seen_subcommand_from completion' "
            f"-a {_sq(' '.join(SHELLS))} -d 'Shell'",
            "",
            "# osm goal <goal-name>",
        ]
        for name, desc in self.goals():
            lines.append(
                f"complete -c osm -n '__fish_seen_subcommand_from goal' -a {_sq(name)} "
                f"-d {_sq(desc)}"
            )
        lines += [
            "",
            "# osm session <subcommand>",
            "complete -c osm -n '__fish_seen_subcommand_from session' "
            f"-a {_sq(' '.join(SESSION_SUBCOMMANDS))} -d 'Session subcommands'",
        ]
        return "\n".join(lines) + "\n"

    def powershell(self) -> str:
        """PowerShell: a native argument completer for `osm`."""

        def array(values: list[str] | tuple[str, ...]) -> str:
            return "@(" + ", ".join(_ps(v) for v in values) + ")"

        commands = array([name for name, _ in self.commands()])
        goals = array([name for name, _ in self.goals()])
        return f"""# PowerShell completion for osm (one-shot-man)
# Enable for this session:  osm completion powershell | Out-String | Invoke-Expression
# Enable permanently: add that line to your $PROFILE

Register-ArgumentCompleter -Native -CommandName osm -ScriptBlock {{
    param($wordToComplete, $commandAst, $cursorPosition)

    $commands = {commands}
    $shells = {array(SHELLS)}
    $goals = {goals}
    $subs = @({",".join(_ps(s) for s in SESSION_SUBCOMMANDS)})

    $words = @($commandAst.CommandElements | ForEach-Object {{ $_.ToString() }})
    $position = $words.Count
    if ($wordToComplete -ne '') {{ $position = $position - 1 }}

    $candidates = $null
    if ($position -le 1) {{
        $candidates = $commands
    }} elseif ($position -eq 2) {{
        switch ($words[1]) {{
            'completion' {{ $candidates = $shells }}
            'goal' {{ $candidates = $goals }}
            'session' {{ $candidates = $subs }}
        }}
    }}
    if ($null -eq $candidates) {{
        Get-ChildItem -Name -Path "$wordToComplete*" -ErrorAction SilentlyContinue |
            ForEach-Object {{
                [System.Management.Automation.CompletionResult]::new($_, $_, 'ProviderItem', $_)
            }}
        return
    }}
    $candidates | Where-Object {{ $_ -like "$wordToComplete*" }} | ForEach-Object {{
        [System.Management.Automation.CompletionResult]::new($_, $_, 'ParameterValue', $_)
    }}
}}
"""


def create(registry: Registry) -> CompletionCommand:
    """Registry factory."""
    return CompletionCommand(registry)
