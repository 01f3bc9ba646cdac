"""The Go text/template engine (`one_shot_man/gotemplate/`): parse and execute a prompt template."""

from __future__ import annotations

from benchmarks import instructions
from benchmarks.common import TempDirBenchmark, require


class TemplateRendering(TempDirBenchmark):
    """Go text/template: parse once, execute many (a 30-line prompt, range over 10 items)."""

    version = "1"

    TEMPLATE = (
        "# {{.title}}\n\n{{.promptInstructions}}\n\n"
        "{{- range $i, $f := .files}}\n{{$i}}. {{$f.name}} ({{len $f.body}} bytes)\n{{- end}}\n\n"
        "{{if .notes}}## Notes\n{{range .notes}}- {{.}}\n{{end}}{{else}}No notes.{{end}}\n"
        '{{printf "%-10s|%5.2f" .label .score}}\n{{.contextHeader}}\n{{.contextTxtar}}\n'
    )

    def setup(self) -> None:
        # Commits before gotemplate/: the engine lived in scripting/.
        places = ("one_shot_man.gotemplate.template", "one_shot_man.scripting.template")
        Template = require(places, "Template").Template
        super().setup()
        self.Template = Template
        self.parsed = Template("prompt").parse(self.TEMPLATE)
        self.data = {
            "title": "Code review",
            "promptInstructions": "Review the following changes.",
            "files": [{"name": f"file{i}.py", "body": "x" * (100 + i)} for i in range(10)],
            "notes": ["first", "second"],
            "label": "score",
            "score": 3.14159,
            "contextHeader": "## Context",
            "contextTxtar": "-- a.txt --\nhello\n",
        }

    def time_template_parse(self) -> None:
        self.Template("prompt").parse(self.TEMPLATE)

    def time_template_execute(self) -> None:
        self.parsed.execute(self.data)

    def peakmem_template_execute(self) -> None:
        self.parsed.execute(self.data)

    # Instruction counts (Callgrind; see benchmarks/instructions.py).
    track_template_parse_instructions = instructions.mirror(
        "time_template_parse", version="1", calls=10
    )
    track_template_execute_instructions = instructions.mirror(
        "time_template_execute", version="1", calls=10
    )
