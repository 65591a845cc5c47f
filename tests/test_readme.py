"""The README's CLI tour is run as written, so the documentation cannot drift."""

import re
import shlex
from fnmatch import fnmatch
from pathlib import Path

from typer.testing import CliRunner

from coercionwatch.cli.app import app
from tests.conftest import SHARED

README = Path(__file__).resolve().parents[1] / "README.md"
GITIGNORE = README.parent / ".gitignore"


def tour_lines() -> list[str]:
    text = README.read_text("utf-8")
    block = re.search(r"<!-- tour:.*?-->\s*```sh\n(.*?)```", text, re.S)
    assert block, "the README has lost its tour block"
    return [line.split("  #")[0].strip() for line in block.group(1).splitlines() if line.strip()]


def test_every_tour_command_succeeds(database, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    runner = CliRunner()
    lines = tour_lines()
    assert len(lines) >= 8
    for line in lines:
        words = shlex.split(line.split(" > ")[0].replace("../shared/", f"{SHARED}/"))
        assert words[0] == "coercionwatch"
        result = runner.invoke(app, ["--db", database, *words[1:]], env={"EDITOR": "true"})
        assert result.exit_code == 0, (line, result.output, result.stderr)
        if " > " in line:
            Path(line.split(" > ")[1]).write_text(result.stdout, "utf-8")
    assert (tmp_path / "tour" / "open-data" / "measure.csv").exists()
    assert (
        '"slug": "eo-14203-designations-2025"' in (tmp_path / "tour" / "incident.json").read_text()
    )

    # Run in a clone, the tour leaves nothing that git would see.
    ignored = [p.strip().rstrip("/") for p in GITIGNORE.read_text("utf-8").split() if p.strip()]
    seen = [p.name for p in tmp_path.iterdir() if not any(fnmatch(p.name, i) for i in ignored)]
    assert seen == [], "the tour writes files that .gitignore does not cover"
